import MMCore

/// The KVA address space on an address axis, row by row like a hex dump (each row starts with its
/// address): busy areas by kind, lazily freed, pooled, free, guard pages; the largest free runs
/// compressed to their size. The last operation's area is highlighted, the selection reversed, and
/// the bottom lines say what the selection is and how to read the strip.
enum AddressSpacePanel {
  /// The address window. Zoom 0 is the whole managed range (huge free runs compress); zoom k ≥ 1
  /// is the span of areas in use, padded, halved k - 1 times around the selection.
  static func window(_ input: FrameInput, selection: UInt64?, zoom: Int, cells: Int) -> Span {
    let runs = input.runs
    guard let first = runs.first, let last = runs.last else {
      return Span(KernelConstants.vmallocStart, KernelConstants.vmallocEnd)
    }
    let whole = Span(first.span.start, last.span.end)
    guard zoom > 0 else { return whole }
    guard let inUse = input.inUse else { return whole }
    var lo = inUse.start
    var hi = inUse.end
    let pad = max((hi - lo) / 16, 16 * KernelConstants.pageSize)
    lo = lo > whole.start + pad ? lo - pad : whole.start
    hi = hi < whole.end - pad ? hi + pad : whole.end
    var span = hi - lo
    let minimum = UInt64(cells) * AddressAxis.minimumBytesPerCell
    for _ in 1..<zoom where span / 2 >= minimum { span /= 2 }
    if span == hi - lo { return Span(lo, hi) }
    let center = selection ?? (lo + (hi - lo) / 2)
    var start = center > span / 2 ? center - span / 2 : 0
    start = max(start, whole.start)
    if start > whole.end - span { start = whole.end - span }
    return Span(start, start + span)
  }

  /// Where the strip's cells are and how runs map onto them: shared by drawing and mouse clicks.
  struct Geometry {
    var inner: Rect
    var labelWidth: Int
    var perRow: Int
    var rows: Int
    /// Lines under the strip: the selection summary and the legend.
    var footer: Int
    var axis: AddressAxis

    /// The cell at a screen position, if it is on the strip.
    func cell(x: Int, y: Int) -> Int? {
      let col = x - inner.x - labelWidth
      let row = y - inner.y
      guard col >= 0, col < perRow, row >= 0, row < rows else { return nil }
      return row * perRow + col
    }
  }

  static func geometry(_ r: Rect, _ input: FrameInput, _ state: UIState) -> Geometry? {
    let inner = r.inset(1)
    guard inner.height >= 2, inner.width >= 20 else { return nil }
    let footer = inner.height >= 4 ? 2 : 1
    let rows = inner.height - footer
    let labelWidth = inner.width >= 60 ? 19 : 0
    let perRow = inner.width - labelWidth
    let cells = perRow * rows
    let zoom = state.zoom[.addressSpace, default: 0]
    let axis = AddressAxis(
      runs: input.runs, window: window(input, selection: input.selectedAddress(state), zoom: zoom, cells: cells),
      cells: cells, compressedWidth: perRow >= 40 ? 12 : 8, rowWidth: perRow)
    return Geometry(inner: inner, labelWidth: labelWidth, perRow: perRow, rows: rows, footer: footer, axis: axis)
  }

  /// The start of the run drawn at a screen position (its whole run, not the clipped part).
  static func runStart(atX x: Int, y: Int, _ r: Rect, _ input: FrameInput, _ state: UIState) -> UInt64? {
    guard let g = geometry(r, input, state), let c = g.cell(x: x, y: y), let i = g.axis.placedIndex(atCell: c) else {
      return nil
    }
    return input.runs[g.axis.placed[i].index].span.start
  }

  static func draw(_ b: inout Buffer, _ r: Rect, _ input: FrameInput, _ state: UIState, _ theme: Theme, focused: Bool) {
    let zoom = state.zoom[.addressSpace, default: 0]
    b.border(
      r, title: "vmalloc address space  h/l area  z/Z zoom \(zoom)  ⏎ inspect",
      style: focused ? theme.focusedBorder : theme.border)
    guard let g = geometry(r, input, state) else { return }
    let machine = input.machine
    let (inner, labelWidth, perRow, rows, footer, axis) = (g.inner, g.labelWidth, g.perRow, g.rows, g.footer, g.axis)
    let cells = perRow * rows
    if input.inUse == nil {
      // Nothing in use: one free area over everything, which no scale can draw usefully.
      let all = input.runs.first.map { Units.span(Span($0.span.start, input.runs.last!.span.end)) } ?? ""
      b.put(inner.x, inner.y, "No areas in use: the whole range \(all) is one free area.", theme.label, clip: inner)
      drawFooter(&b, inner, input, state, theme, axis: axis, footer: footer)
      return
    }
    // Each cell shows the strongest run touching it: busy, lazy, pooled, free; the highlight and the
    // selection cover whole runs.
    func rank(_ s: AreaView.State) -> Int {
      switch s {
      case .free: 0
      case .pooled: 1
      case .lazy: 2
      case .busy: 3
      }
    }
    var owner = [Int](repeating: -1, count: cells)
    var ownerRank = [Int](repeating: -1, count: cells)
    for (i, p) in axis.placed.enumerated() {
      let r = rank(input.runs[p.index].state)
      for c in p.firstCell..<min(p.endCell, cells) where ownerRank[c] < r {
        owner[c] = i
        ownerRank[c] = r
      }
    }
    // The last operation's area: the one it placed or freed, or the one it changed the pages of.
    let lastArea =
      input.report?.kva?.area
      ?? input.touchedArea.flatMap { a in AreaRuns.index(of: a, in: input.runs).map { input.runs[$0].span } }
    // Only a selection the user made is marked; the default one is the highlighted last area.
    let selected = state.selection.flatMap { axis.placedIndex(ofAddress: $0) }
    func position(_ c: Int) -> (Int, Int) { (inner.x + labelWidth + c % perRow, inner.y + c / perRow) }
    var c = 0
    while c < cells {
      let (x, y) = position(c)
      guard owner[c] >= 0 else {
        b[x, y] = Cell(" ", .plain)
        c += 1
        continue
      }
      let i = owner[c]
      let p = axis.placed[i]
      let run = axis.run(p)
      let isSelected = i == selected
      let isLast = lastArea.map { $0.start < run.span.end && run.span.start < $0.end } ?? false
      if p.compressed {
        // The run's size, centred in its cells: "┈┈ 16 EiB ┈┈".
        let width = p.endCell - p.firstCell
        // A size that does not fit whole is left out rather than cut ("1022.3" without its unit).
        let room = min(width, cells - c)
        let whole = " " + Units.size(run.span.size) + " "
        let label = whole.count <= room ? whole : ""
        let padLeft = max(0, (room - label.count) / 2)
        let text = String(repeating: "┈", count: padLeft) + label + String(repeating: "┈", count: width)
        var style = theme.compressed
        if isSelected { style = focused ? style.reversed : style.underlined }
        for (k, ch) in text.unicodeScalars.prefix(width).enumerated() where c + k < cells {
          let (cx, cy) = position(c + k)
          b[cx, cy] = Cell(ch, style)
        }
        c += width
        continue
      }
      let kind = machine.owner(run.owner).kind
      var glyph = theme.glyph(run.state, kind: kind)
      var style = theme.style(run.state, kind: kind)
      if isGuard(c, p, run, whole: input.runs[p.index], axis, machine) {
        glyph = "┊"
        style = theme.style(.busy, kind: kind)
      }
      if isLast { style = theme.highlight }
      if isSelected { style = focused ? style.reversed : style.underlined }
      b[x, y] = Cell(glyph, style)
      c += 1
    }
    if labelWidth > 0 {
      for row in 0..<rows {
        guard let a = axis.address(atCell: row * perRow) else { continue }
        b.put(inner.x, inner.y + row, a.hex.leftPad(18), theme.label, clip: inner)
      }
    }
    drawFooter(&b, inner, input, state, theme, axis: axis, footer: footer)
  }

  /// A busy area's last page is its guard page when its recorded pages stop one page short of its end.
  /// `run` is the part in the window (cells are measured from it), `whole` the area itself.
  static func isGuard(
    _ c: Int, _ p: AddressAxis.Placed, _ run: AreaRun, whole: AreaRun, _ axis: AddressAxis, _ machine: Machine
  ) -> Bool {
    guard whole.state == .busy, axis.bytesPerCell <= KernelConstants.pageSize / 2,
      let backing = machine.backing[whole.span.start], Inspector.hasGuard(whole, backing)
    else { return false }
    let guardStart = whole.span.end - KernelConstants.pageSize
    // The cell's first byte, from its offset in the linear scale.
    let cellStart = UInt64(c - p.compressedCellsBefore) * axis.bytesPerCell
    guard cellStart >= p.linearStart else { return false }
    return run.span.start + (cellStart - p.linearStart) >= guardStart
  }

  static func drawFooter(
    _ b: inout Buffer, _ inner: Rect, _ input: FrameInput, _ state: UIState, _ theme: Theme, axis: AddressAxis,
    footer: Int
  ) {
    var y = inner.maxY - footer
    if footer == 2 {
      b.put(inner.x, y, fitted(Inspector.summary(input, state), width: inner.width - 1), theme.label, clip: inner)
      y += 1
    }
    let fit =
      input.phase?.phase.showsBefore == true ? "" : input.report?.kva?.fit.map { "last: \($0.rawValue) fit  " } ?? ""
    var x = inner.x
    b.put(x, y, "\(Units.size(axis.bytesPerCell))/cell  \(fit)", .plain, clip: inner)
    x += Units.size(axis.bytesPerCell).count + 7 + fit.count
    let legend: [(String, Style)] =
      [
        ("█vmalloc", theme.style(.busy, kind: .vmalloc)), ("█module", theme.style(.busy, kind: .module)),
        ("█stack", theme.style(.busy, kind: .stack)), ("█vmap/io", theme.style(.busy, kind: .vmap)),
        ("█prog-pack", theme.style(.busy, kind: .progPack)),
      ].filter { _ in theme.color } + [
        (theme.color ? "" : "█vmalloc M module S stack V vmap/io P prog-pack", .plain),
        ("▚unknown", theme.style(.busy, kind: .unknown)),
        ("▒lazy", theme.style(.lazy, kind: .vmalloc)),
        ("▓pooled", theme.style(.pooled, kind: .vmalloc)), ("·free", theme.style(.free, kind: .vmalloc)),
        ("┊guard", .plain), ("┈compressed", theme.compressed),
      ]
    for (text, style) in legend where !text.isEmpty {
      guard x + text.count <= inner.maxX else { break }
      b.put(x, y, text, style, clip: inner)
      x += text.count + 1
    }
  }
}
