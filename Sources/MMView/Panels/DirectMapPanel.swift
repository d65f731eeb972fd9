import MMCore

/// The direct map: one cell per gigabyte (1G leaf, 2M leaves, or some split to 4K), then the
/// gigabyte under the cursor in 2 MiB cells with their attributes, the meminfo sizes and vmstat
/// counters, and the last split or collapse highlighted.
enum DirectMapPanel {
  static func glyph(_ c: DirectMap.Cell, _ theme: Theme) -> (Unicode.Scalar, Style) {
    switch c {
    case .none: return (" ", .plain)
    case .gigabyte(let a): return ("█", attrStyle(a, theme))
    case .large(let a): return ("▓", attrStyle(a, theme))
    case .split(let present, let ro, let x):
      let g: Unicode.Scalar = present == 0 ? "░" : "▒"
      return (g, theme.color ? Style(fg: x > 0 ? .red : ro > 0 ? .yellow : .cyan) : Style(underline: ro > 0 || x > 0))
    }
  }

  static func attrStyle(_ a: PageAttrs, _ theme: Theme) -> Style {
    guard theme.color else { return a.contains(.present) ? .plain : Style(dim: true) }
    if !a.contains(.present) { return Style(fg: .brightBlack) }
    if !a.contains(.nx) { return Style(fg: .red) }
    if !a.contains(.rw) { return Style(fg: .yellow) }
    return Style(fg: .green)
  }

  static func draw(_ b: inout Buffer, _ r: Rect, _ input: FrameInput, _ state: UIState, _ theme: Theme, focused: Bool) {
    let dm = input.machine.directMap
    b.border(
      r, title: "direct map  █1G ▓2M ▒4K  green RW yellow RO red X", style: focused ? theme.focusedBorder : theme.border
    )
    let inner = r.inset(1)
    guard inner.height >= 2, dm.gigabytes > 0 else { return }
    b.put(
      inner.x, inner.y,
      "4k \(dm.directMap4k) kB  2M \(dm.directMap2M) kB  1G \(dm.directMap1G) kB  splits L2 \(dm.level2Splits) L3 \(dm.level3Splits)  collapses \(dm.level2Collapses)/\(dm.level3Collapses)",
      .plain, clip: inner)
    let touched = input.report?.directMap.splits.first?.pfn ?? input.report?.directMap.collapses.first?.pfn
    let gi =
      state.cursor[.directMap].map { (($0 % dm.gigabytes) + dm.gigabytes) % dm.gigabytes }
      ?? touched.map { Int($0 / MapLevel.pud.pages) } ?? 0
    // Row 2: the gigabytes.
    var x = inner.x
    for g in 0..<min(dm.gigabytes, inner.width - 4) {
      let cells = dm.cells(gigabyte: g)
      let worst: DirectMap.Cell =
        cells.first { if case .split = $0 { return true } else { return false } } ?? cells.first {
          if case .large = $0 { return true } else { return false }
        } ?? cells[0]
      var (gl, st) = glyph(worst, theme)
      if case .large = worst { gl = "▓" }
      if g == gi { st = st.reversed }
      b[x, inner.y + 1] = Cell(gl, st)
      x += 1
    }
    b.put(x + 1, inner.y + 1, "GiB \(gi)", theme.label, clip: inner)
    // Then the selected gigabyte in 2 MiB cells.
    let rows = inner.height - 2
    guard rows > 0 else { return }
    let cells = dm.cells(gigabyte: gi)
    let per = max(1, (512 + inner.width * rows - 1) / (inner.width * rows))
    for i in 0..<min(512 / per, inner.width * rows) {
      let group = cells[(i * per)..<min(i * per + per, 512)]
      let c = group.first { if case .split = $0 { return true } else { return false } } ?? group.first!
      var (gl, st) = glyph(c, theme)
      let base = UInt64(gi) * MapLevel.pud.pages + UInt64(i * per) * 512
      if let t = touched, t >= base && t < base + UInt64(per) * 512 { st = theme.highlight }
      b[inner.x + i % inner.width, inner.y + 2 + i / inner.width] = Cell(gl, st)
    }
  }
}
