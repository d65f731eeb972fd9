import MMCore

/// The direct map: the meminfo sizes and vmstat counters, one cell per gigabyte (1G leaf, 2M leaves,
/// or some split to 4K), then the gigabyte in view in 2 MiB cells with their attributes. The last
/// split or collapse is highlighted and the selected area's pages are marked.
enum DirectMapPanel {
  static func glyph(_ c: DirectMap.Cell, _ theme: Theme) -> (Unicode.Scalar, Style) {
    switch c {
    case .none: return (" ", .plain)
    case .gigabyte(let a): return (theme.color ? "█" : monoGlyph(a, "█"), attrStyle(a, theme))
    case .large(let a): return (theme.color ? "▓" : monoGlyph(a, "▓"), attrStyle(a, theme))
    case .split(let present, let ro, let x):
      // Without colour, a split holding executable or read-only pages shows x or r.
      let g: Unicode.Scalar = present == 0 ? "░" : theme.color ? "▒" : x > 0 ? "x" : ro > 0 ? "r" : "▒"
      return (g, theme.color ? Style(fg: x > 0 ? .red : ro > 0 ? .yellow : .cyan) : .plain)
    }
  }

  /// A large leaf's glyph without colour: its level's block when RW, else a letter for what it is.
  static func monoGlyph(_ a: PageAttrs, _ block: Unicode.Scalar) -> Unicode.Scalar {
    if !a.contains(.present) { return "░" }
    if !a.contains(.nx) { return "X" }
    if !a.contains(.rw) { return "R" }
    return block
  }

  static func attrStyle(_ a: PageAttrs, _ theme: Theme) -> Style {
    guard theme.color else { return a.contains(.present) ? .plain : Style(dim: true) }
    if !a.contains(.present) { return Style(fg: .brightBlack) }
    if !a.contains(.nx) { return Style(fg: .red) }
    if !a.contains(.rw) { return Style(fg: .yellow) }
    return Style(fg: .green)
  }

  /// The gigabyte in view: the cursor's; else the one of the last split or collapse; else the one
  /// holding the selected area's first page; else the first.
  static func gigabyte(_ input: FrameInput, _ state: UIState) -> Int {
    let dm = input.machine.directMap
    guard dm.gigabytes > 0 else { return 0 }
    if let c = state.cursor[.directMap] { return ((c % dm.gigabytes) + dm.gigabytes) % dm.gigabytes }
    let linked = input.linkedBlocks(state).first.map { Int($0.pfn / MapLevel.pud.pages) }
    if state.selection != nil, let linked { return linked }
    if let t = touchedPFN(input) { return Int(t / MapLevel.pud.pages) }
    return min(linked ?? 0, dm.gigabytes - 1)
  }

  static func touchedPFN(_ input: FrameInput) -> UInt64? {
    if let i = input.phase?.phase.split, let d = input.report?.directMap, i < d.splits.count { return d.splits[i].pfn }
    if let d = input.report?.directMap, let pfn = d.splits.first?.pfn ?? d.collapses.first?.pfn { return pfn }
    // A change on a direct-map address that split nothing still happened there.
    if case .setMemory(_, .address(let a), _)? = input.report?.operation, a >= KernelConstants.pageOffset {
      return (a - KernelConstants.pageOffset) / KernelConstants.pageSize
    }
    return nil
  }

  /// The row (from the panel's inside top) of the every-gigabyte overview's first gigabyte, when
  /// there is room for it below the gigabyte in view (a label line before it, the legend after).
  static func overviewTop(_ inner: Rect, gigabytes: Int) -> Int? {
    let rows = inner.height - 3
    guard rows > 0, inner.width > 12, gigabytes >= 2 else { return nil }
    let per = group(cells: inner.width * rows)
    let used = (512 / per + inner.width - 1) / inner.width
    return rows - used - 1 >= 2 ? 2 + used + 2 : nil
  }

  /// The first gigabyte the overview lists: from 0, or scrolled so the gigabyte in view is listed.
  static func overviewFirst(_ inner: Rect, top: Int, gigabytes: Int, inView: Int) -> Int {
    let rows = inner.height - 1 - top
    guard gigabytes > rows else { return 0 }
    return min(max(0, inView - rows / 2), gigabytes - rows)
  }

  /// The gigabyte whose overview row is drawn at `row` inside the panel.
  static func overviewGigabyte(atRow row: Int, _ r: Rect, gigabytes: Int, inView: Int) -> Int? {
    let inner = r.inset(1)
    guard let top = overviewTop(inner, gigabytes: gigabytes), row >= top, row < inner.height - 1 else { return nil }
    let g = overviewFirst(inner, top: top, gigabytes: gigabytes, inView: inView) + row - top
    return g < gigabytes ? g : nil
  }

  /// The cell that stands for `count` 2 MiB blocks from `first`: a split one if any is split.
  static func worst(_ cells: [DirectMap.Cell], _ first: Int, _ count: Int) -> DirectMap.Cell {
    let group = cells[first..<min(first + count, cells.count)]
    return group.first { if case .split = $0 { true } else { false } } ?? group.first!
  }

  /// 2 MiB cells per drawn cell: a power of two so that groups line up with 4, 8, 16 MiB.
  static func group(cells: Int) -> Int {
    var per = 1
    while 512 / per > cells { per *= 2 }
    return per
  }

  /// The 2 MiB cell (0-511, the first of its group) drawn at a position inside the panel.
  static func cell(atRow row: Int, column: Int, _ r: Rect) -> Int? {
    let inner = r.inset(1)
    let rows = inner.height - 3
    guard rows > 0, row >= 2, row < 2 + rows, column >= 0, column < inner.width else { return nil }
    let per = group(cells: inner.width * rows)
    let i = (row - 2) * inner.width + column
    return i < 512 / per ? i * per : nil
  }

  static func draw(_ b: inout Buffer, _ r: Rect, _ input: FrameInput, _ state: UIState, _ theme: Theme, focused: Bool) {
    let dm = input.machine.directMap
    // Inside an operation the counters are drawn as they stood at the phase: the splits still to
    // come are taken back (a 1 GiB split turns 1 GiB of 1G leaves into 2M ones, a 2 MiB split
    // 2 MiB of 2M leaves into 4K ones); the leaves drawn are the operation's end state.
    // In Int, so a report that does not add up can never trap the view.
    var c = (
      k4: Int(clamping: dm.directMap4k), m2: Int(clamping: dm.directMap2M), g1: Int(clamping: dm.directMap1G),
      l2: Int(clamping: dm.level2Splits), l3: Int(clamping: dm.level3Splits)
    )
    let atPhase = input.phase?.phase.directMapSplitsDone
    if let done = atPhase, let splits = input.report?.directMap.splits,
      splits.dropFirst(done).allSatisfy({ $0.level == .pud || $0.level == .pmd })
    {
      // Undone last first, as they were made (a 2 MiB split inside a 1 GiB one comes after it).
      for s in splits.dropFirst(done).reversed() {
        if s.level == .pud {
          c.l3 -= 1
          c.g1 += 1_048_576
          c.m2 -= 1_048_576
        } else {
          c.l2 -= 1
          c.m2 += 2048
          c.k4 -= 2048
        }
      }
    }
    b.border(
      r, title: "direct map  █1G ▓2M ▒4K" + (atPhase != nil ? "  counters at this phase" : "  j/k GiB h/l cell"),
      style: focused ? theme.focusedBorder : theme.border)
    let inner = r.inset(1)
    guard inner.height >= 2, dm.gigabytes > 0 else { return }
    // /proc/meminfo's names when they fit, shorter labels when not; never a number cut short.
    let counters = [
      "DirectMap4k \(c.k4) kB  2M \(c.m2) kB  1G \(c.g1) kB",
      "4k \(c.k4) kB  2M \(c.m2) kB  1G \(c.g1) kB",
      "4k \(c.k4)  2M \(c.m2)  1G \(c.g1) kB",
    ]
    b.put(
      inner.x, inner.y, counters.first { $0.count < inner.width } ?? fitted(counters.last!, width: inner.width - 1),
      .plain, clip: inner)
    let touched = touchedPFN(input)
    let gi = gigabyte(input, state)
    let linked = input.linkedBlocks(state)
    let linkedGigabytes = Set(linked.map { Int($0.pfn / MapLevel.pud.pages) })
    // The gigabytes, each drawn as its most split part.
    var x = inner.x
    let row = inner.y + 1
    for g in 0..<min(dm.gigabytes, max(0, inner.width - 10)) {
      let cells = dm.cells(gigabyte: g)
      let worst =
        cells.first { if case .split = $0 { true } else { false } }
        ?? cells.first { if case .large = $0 { true } else { false } } ?? cells[0]
      var (gl, st) = glyph(worst, theme)
      if linkedGigabytes.contains(g) { st = theme.linked }
      if g == gi { st = st.reversed }
      b[x, row] = Cell(gl, st)
      x += 1
    }
    let counts = [
      "GiB \(gi)  splits L2 \(c.l2) L3 \(c.l3)  collapses L2 \(dm.level2Collapses) L3 \(dm.level3Collapses)",
      "GiB \(gi) splits L2 \(c.l2) L3 \(c.l3) coll. \(dm.level2Collapses)/\(dm.level3Collapses)",
      "GiB \(gi) splits L2 \(c.l2) L3 \(c.l3)",
    ]
    let room = inner.maxX - (x + 1)
    b.put(
      x + 1, row, counts.first { $0.count < room } ?? fitted(counts.last!, width: room - 1), theme.label, clip: inner)
    // The gigabyte in view in 2 MiB cells (grouped when the panel is small), then a legend line.
    let rows = inner.height - 3
    guard rows > 0 else { return }
    let cells = dm.cells(gigabyte: gi)
    let per = group(cells: inner.width * rows)
    let base = UInt64(gi) * MapLevel.pud.pages
    var linkedCells = Set<Int>()
    for block in linked where block.pfn >= base && block.pfn < base + MapLevel.pud.pages {
      let first = Int((block.pfn - base) / 512)
      let last = Int((block.pfn + (1 << block.order) - 1 - base) / 512)
      for c in first...min(last, 511) { linkedCells.insert(c / per) }
    }
    let selectedCell = state.column[.directMap].map { min(max($0, 0), 511) }
    for i in 0..<(512 / per) {
      var (gl, st) = glyph(worst(cells, i * per, per), theme)
      if linkedCells.contains(i) { st = theme.linked }
      let start = base + UInt64(i * per) * 512
      if let t = touched, t >= start && t < start + UInt64(per) * 512 { st = theme.highlight }
      if let s = selectedCell, s / per == i { st = focused ? st.reversed : st.underlined }
      b[inner.x + i % inner.width, inner.y + 2 + i / inner.width] = Cell(gl, st)
    }
    // With rows to spare (a tall or maximized panel), every gigabyte on a row of its own.
    if let top = overviewTop(inner, gigabytes: dm.gigabytes) {
      let perRow = group(cells: inner.width - 5)
      let y = inner.y + top - 1
      b.put(
        inner.x, y, "every GiB, \(Units.size(UInt64(perRow) * 2 << 20)) a cell:", theme.label, clip: inner)
      let first = overviewFirst(inner, top: top, gigabytes: dm.gigabytes, inView: gi)
      for g in first..<min(dm.gigabytes, first + inner.height - 1 - top) {
        let rowCells = dm.cells(gigabyte: g)
        let rowY = y + 1 + g - first
        b.put(inner.x, rowY, String(g).leftPad(4), g == gi ? theme.focusedBorder : theme.label, clip: inner)
        for i in 0..<(512 / perRow) {
          var (gl, st) = glyph(worst(rowCells, i * perRow, perRow), theme)
          let start = UInt64(g) * MapLevel.pud.pages + UInt64(i * perRow) * 512
          let end = start + UInt64(perRow) * 512
          if linked.contains(where: { $0.pfn >= start && $0.pfn < end }) { st = theme.linked }
          if let t = touched, t >= start && t < end { st = theme.highlight }
          b[inner.x + 5 + i, rowY] = Cell(gl, st)
        }
      }
    }
    let cellSize = Units.size(UInt64(per) * 2 << 20)
    let legends =
      theme.color
      ? [
        "\(cellSize)/cell  green RW  yellow RO  red X  grey not present  magenta: selection",
        "\(cellSize)/cell  green RW  yellow RO  red X  grey absent",
        "\(cellSize)/cell green RW yellow RO red X",
      ]
      : [
        "\(cellSize)/cell  r/R read-only  x/X executable  ░ not present",
        "\(cellSize)/cell  r RO  x exec  ░ absent",
      ]
    b.put(
      inner.x, inner.maxY - 1,
      legends.first { $0.count < inner.width } ?? fitted(legends.last!, width: inner.width - 1),
      theme.label, clip: inner)
  }
}
