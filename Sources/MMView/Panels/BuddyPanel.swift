import MMCore

/// The buddy allocator's free lists for one zone (the cursor picks it): per order the count, a bar,
/// the split by migratetype and the first blocks head to tail; a strip of the zone's memory showing
/// free blocks by order; the last split or merge chain highlighted.
enum BuddyPanel {
  static let mtLetters = ["U", "M", "R", "H", "I"]

  static func draw(_ b: inout Buffer, _ r: Rect, _ input: FrameInput, _ state: UIState, _ theme: Theme, focused: Bool) {
    let zones = input.machine.memory.zones
    guard !zones.isEmpty else { return }
    // The zone the last operation touched, unless the cursor picks one.
    let touched = input.report?.buddy.first.flatMap { r in zones.firstIndex { $0.name == r.zone } }
    let zi =
      state.cursor[.buddy] != nil
      ? ((state.cursor[.buddy]! % zones.count) + zones.count) % zones.count : touched ?? zones.count - 1
    let z = zones[zi]
    b.border(
      r, title: "buddy: \(z.name) \(z.freePages) free pages  j/k zone",
      style: focused ? theme.focusedBorder : theme.border)
    let inner = r.inset(1)
    guard inner.height >= 3 else { return }
    let last = input.report?.buddy.first { $0.zone == z.name }
    let splitOrders = Set((last?.splits ?? []).map(\.order))
    let mergeOrders = Set((last?.merges ?? []).map(\.order))
    let maxCount = max(1, z.nrFree.max() ?? 1)
    b.put(inner.x, inner.y, "ord  count bar        U/M/R/H/I    first blocks (head→tail)", theme.label, clip: inner)
    for order in 0..<BuddyConstants.orders where order + 1 < inner.height - 1 {
      let count = z.nrFree[order]
      let barLen = count == 0 ? 0 : max(1, count * 10 / maxCount)
      let byType = Migratetype.allCases.map { z.freeList(order: order, migratetype: $0).count }
      let mix = byType.enumerated().filter { $0.element > 0 }.map { "\(mtLetters[$0.offset])\($0.element)" }.joined(
        separator: " ")
      let heads = Migratetype.allCases.flatMap { z.freeList(order: order, migratetype: $0).prefix(3) }.prefix(3).map(
        \.hex)
      let line =
        String(order).leftPad(3) + " " + String(count).leftPad(6) + " " + String(repeating: "■", count: barLen)
        + String(repeating: " ", count: 11 - barLen) + mix.padding(12) + " " + heads.joined(separator: " ")
      var style = Style.plain
      if splitOrders.contains(order) { style = theme.highlight }
      if mergeOrders.contains(order) || last?.resultOrder == order { style = theme.highlight }
      b.put(inner.x, inner.y + 1 + order, line, style, clip: inner)
    }
    // The zone's memory: each cell the largest free block order starting in it ('0'-'9', 'A' for 10),
    // '·' where nothing free starts.
    let stripRow = inner.maxY - 1
    let cells = inner.width
    var marks = [Int](repeating: -1, count: cells)
    let span = max(z.spannedPages, 1)
    for order in 0..<BuddyConstants.orders {
      for mt in Migratetype.allCases {
        for pfn in z.freeList(order: order, migratetype: mt) {
          let c = Int((pfn - z.start) * UInt64(cells) / span)
          if c < cells { marks[c] = max(marks[c], order) }
        }
      }
    }
    for c in 0..<cells {
      let g: Unicode.Scalar = marks[c] < 0 ? "·" : marks[c] == 10 ? "A" : Unicode.Scalar(UInt8(48 + marks[c]))
      b[inner.x + c, stripRow] = Cell(
        g, marks[c] < 0 ? theme.label : theme.style(.free, kind: .vmalloc).with(fg: theme.color ? .green : .default))
    }
  }
}

extension String {
  func padding(_ n: Int) -> String { count >= n ? self : self + String(repeating: " ", count: n - count) }
}
