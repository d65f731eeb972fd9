import MMCore

/// The buddy allocator's free lists for one zone: per order the count, a bar, the split by
/// migratetype and the first blocks head to tail; a strip of the zone's memory showing free blocks
/// by order; the last split or merge chain highlighted; the selected area's pages marked ◆.
enum BuddyPanel {
  static let mtLetters = ["U", "M", "R", "H", "I"]

  /// The zone shown: the one the cursor picked; else, for an area the user selected, the zone of its
  /// pages; else the zone the last operation touched; else the selected area's, else the highest.
  /// The block operations to highlight: the one a phase is about, else all of the step's.
  static func reports(_ input: FrameInput) -> [BuddyReport] {
    let all = input.report?.buddy ?? []
    if let i = input.phase?.phase.buddy, i < all.count { return [all[i]] }
    return all
  }

  /// The phase's place in the buddy reports, when the counts should be drawn as they stood then
  /// (not for phases drawn on the machine before the operation, which already is that state).
  static func phaseCursor(_ input: FrameInput) -> (index: Int, events: Int)? {
    guard let p = input.phase?.phase, !p.showsBefore, let i = p.buddy, let e = p.buddyEvents else { return nil }
    return (i, e)
  }

  static func zoneIndex(_ input: FrameInput, _ state: UIState) -> Int {
    let zones = input.machine.memory.zones
    guard !zones.isEmpty else { return 0 }
    if let c = state.cursor[.buddy] { return ((c % zones.count) + zones.count) % zones.count }
    let linked = input.linkedBlocks(state).first.flatMap { b in zones.firstIndex { $0.contains(b.pfn) } }
    if state.selection != nil, let linked { return linked }
    let touched = reports(input).first.flatMap { r in zones.firstIndex { $0.name == r.zone } }
    return touched ?? linked ?? zones.count - 1
  }

  /// The order of the last block the last operation allocated (or, freeing, ended up with) in the
  /// shown zone.
  static func touchedOrder(_ input: FrameInput, _ state: UIState) -> Int? {
    let zones = input.machine.memory.zones
    guard !zones.isEmpty else { return nil }
    let z = zones[zoneIndex(input, state)]
    guard let r = reports(input).last(where: { $0.zone == z.name }) else { return nil }
    return r.operation == .free ? r.resultOrder ?? r.order : r.order
  }

  /// The order drawn at a position inside the panel (row and column from its inner top-left).
  static func order(atRow row: Int, column: Int, _ r: Rect) -> Int? {
    let inner = r.inset(1)
    guard row >= 0, row < inner.height - 1, column >= 0, column < inner.width else { return nil }
    if inner.height - 2 >= BuddyConstants.orders {
      return row >= 1 && row <= BuddyConstants.orders ? row - 1 : nil
    }
    let rows = (BuddyConstants.orders + 1) / 2
    let order = (column >= inner.width / 2 ? rows : 0) + row
    return row < rows && order < BuddyConstants.orders ? order : nil
  }

  static func draw(_ b: inout Buffer, _ r: Rect, _ input: FrameInput, _ state: UIState, _ theme: Theme, focused: Bool) {
    let zones = input.machine.memory.zones
    guard !zones.isEmpty else { return }
    let zi = zoneIndex(input, state)
    let z = zones[zi]
    // Inside an operation the counts are drawn as they stood at the phase: the lists as the
    // operation left them, less the changes still to come (`BuddyEffects`).
    let cursor = phaseCursor(input)
    var counts = z.nrFree
    var freePages = z.freePages
    if let c = cursor {
      for change in BuddyEffects.pending(input.report?.buddy ?? [], index: c.index, events: c.events)
      where change.zone == z.name {
        counts[change.order] -= change.delta
        freePages = UInt64(max(0, Int(freePages) - change.delta << change.order))
      }
    }
    let now = cursor.flatMap {
      BuddyEffects.current(input.report?.buddy ?? [], index: $0.index, events: $0.events)
    }.flatMap { $0.zone == z.name ? $0 : nil }
    let when =
      cursor != nil
      ? " at this phase" : input.phase != nil && !(input.phase!.phase.showsBefore) ? " after the step" : ""
    b.border(
      r, title: "buddy: \(z.name) \(freePages) free pages\(when)  j/k zone h/l order",
      style: focused ? theme.focusedBorder : theme.border)
    let inner = r.inset(1)
    guard inner.height >= 3, inner.width >= 20 else { return }
    let last = reports(input).first { $0.zone == z.name }
    var touched = Set((last?.splits ?? []).map(\.order))
    touched.formUnion((last?.merges ?? []).map(\.order))
    if let o = last?.resultOrder { touched.insert(o) }
    if let o = last?.takenOrder { touched.insert(o) }
    let selectedOrder = state.column[.buddy]
    let maxCount = max(1, counts.max() ?? 1)
    let lists = (0..<BuddyConstants.orders).map { order in
      Migratetype.allCases.map { z.freeList(order: order, migratetype: $0) }
    }
    func style(_ order: Int) -> Style {
      let lit = cursor != nil ? now?.order == order : touched.contains(order)
      var s = lit ? theme.highlight : Style.plain
      if order == selectedOrder { s = focused ? s.reversed : s.underlined }
      return s
    }
    let stripRow = inner.maxY - 1
    if inner.height - 2 >= BuddyConstants.orders {
      b.put(
        inner.x, inner.y,
        cursor == nil ? "ord  count bar        U/M/R/H/I   head→tail" : "ord  count bar        at this phase",
        theme.label, clip: inner)
      for order in 0..<BuddyConstants.orders {
        let count = counts[order]
        if cursor != nil {
          // Mid-operation: the count and what this phase did to it (the lists' heads are the end state's).
          let barLen = count <= 0 ? 0 : max(1, count * 10 / maxCount)
          let mark = now?.order == order ? (now!.delta > 0 ? "+1 this phase" : "−1 this phase") : ""
          let line =
            String(order).leftPad(3) + " " + String(count).leftPad(6) + " " + String(repeating: "■", count: barLen)
            + String(repeating: " ", count: 11 - barLen) + mark
          b.put(inner.x, inner.y + 1 + order, line, style(order), clip: inner)
          continue
        }
        let barLen = count == 0 ? 0 : max(1, count * 10 / maxCount)
        let mix = lists[order].enumerated().filter { !$0.element.isEmpty }.map {
          "\(mtLetters[$0.offset])\($0.element.count)"
        }.joined(separator: " ")
        let lead =
          String(order).leftPad(3) + " " + String(count).leftPad(6) + " " + String(repeating: "■", count: barLen)
          + String(repeating: " ", count: 11 - barLen) + mix.padding(11) + " "
        // As many whole pfns as fit, then "…" when the list goes on.
        let all = lists[order].flatMap { $0.prefix(4) }.prefix(4).map(\.hex)
        var heads = ""
        for (i, h) in all.enumerated() {
          let more = i + 1 < all.count || count > i + 1
          let next = heads.isEmpty ? h : heads + " " + h
          if lead.count + next.count + (more ? 2 : 0) < inner.width {
            heads = next
          } else {
            heads += heads.isEmpty ? "…" : " …"
            break
          }
        }
        let line = lead + heads
        b.put(inner.x, inner.y + 1 + order, line, style(order), clip: inner)
      }
    } else {
      // Short panel: the orders in two columns, counts and bars only.
      let rows = (BuddyConstants.orders + 1) / 2
      let colWidth = inner.width / 2
      for order in 0..<BuddyConstants.orders {
        let row = order % rows
        guard row < inner.height - 1 else { continue }
        let count = counts[order]
        let barLen = count == 0 ? 0 : max(1, count * 6 / maxCount)
        let line = String(order).leftPad(2) + String(count).leftPad(6) + " " + String(repeating: "■", count: barLen)
        b.put(
          inner.x + (order / rows) * colWidth, inner.y + row, line, style(order),
          clip: Rect(x: inner.x + (order / rows) * colWidth, y: inner.y, width: colWidth - 1, height: inner.height))
      }
    }
    drawStrip(&b, Rect(x: inner.x, y: stripRow, width: inner.width, height: 1), z, input, state, theme, last: last)
  }

  /// The zone's memory in one row: each cell the largest free block order starting in it ('0'-'9',
  /// 'A' for 10), '·' where no free block starts, ◆ where the selected area's pages are, the last
  /// operation's block highlighted.
  static func drawStrip(
    _ b: inout Buffer, _ r: Rect, _ z: BuddyZone, _ input: FrameInput, _ state: UIState, _ theme: Theme,
    last: BuddyReport?
  ) {
    let cells = r.width
    let span = max(z.spannedPages, 1)
    func cell(_ pfn: UInt64) -> Int? {
      guard z.contains(pfn) else { return nil }
      let c = Int((pfn - z.start) * UInt64(cells) / span)
      return c < cells ? c : nil
    }
    var marks = [Int](repeating: -1, count: cells)
    for order in 0..<BuddyConstants.orders {
      for mt in Migratetype.allCases {
        for pfn in z.freeList(order: order, migratetype: mt) {
          if let c = cell(pfn) { marks[c] = max(marks[c], order) }
        }
      }
    }
    var linked = Set<Int>()
    for block in input.linkedBlocks(state) {
      if let c = cell(block.pfn) { linked.insert(c) }
    }
    var lastCells = Set<Int>()
    for pfn in [last?.pfn, last?.resultPFN].compactMap({ $0 }) {
      if let c = cell(pfn) { lastCells.insert(c) }
    }
    for c in 0..<cells {
      let g: Unicode.Scalar =
        linked.contains(c) ? "◆" : marks[c] < 0 ? "·" : marks[c] == 10 ? "A" : Unicode.Scalar(UInt8(48 + marks[c]))
      var style = marks[c] < 0 ? theme.label : theme.free
      if linked.contains(c) { style = theme.linked }
      if lastCells.contains(c) { style = theme.highlight }
      b[r.x + c, r.y] = Cell(g, style)
    }
  }
}

extension String {
  func padding(_ n: Int) -> String { count >= n ? self : self + String(repeating: " ", count: n - count) }
}
