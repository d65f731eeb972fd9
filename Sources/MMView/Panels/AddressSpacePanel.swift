import MMCore

/// The KVA address space on an address axis: busy areas by kind, lazily freed, pooled and free, the
/// last operation's area highlighted. The axis fits itself to where areas are (the managed range is
/// [1, ULONG_MAX), far too wide to draw), and zooms in around the cursor.
enum AddressSpacePanel {
  struct Strip {
    var lo: UInt64
    var bytesPerCell: UInt64
    var cells: Int
  }

  /// The address range to draw: all busy, lazy and pooled areas plus the last operation's, padded;
  /// the vmalloc window when there are none. Each zoom level halves it around the cursor cell.
  static func strip(_ input: FrameInput, areas: [AreaView], cells: Int, zoom: Int, cursor: Int) -> Strip {
    var lo = UInt64.max
    var hi: UInt64 = 0
    for a in areas {
      lo = min(lo, a.span.start)
      hi = max(hi, a.span.end)
    }
    if let a = input.report?.kva?.area {
      lo = min(lo, a.start)
      hi = max(hi, a.end)
    }
    if lo >= hi {
      lo = KernelConstants.vmallocStart
      hi = KernelConstants.vmallocEnd
    }
    let pad = max((hi - lo) / 16, KernelConstants.pageSize)
    lo = lo > pad ? lo - pad : 0
    hi = hi &+ pad < hi ? UInt64.max : hi + pad
    var span = max(hi - lo, UInt64(cells))
    for _ in 0..<zoom where span / 2 >= UInt64(cells) * KernelConstants.pageSize / 4 {
      let center = lo + span / UInt64(max(cells, 1)) * UInt64(min(max(cursor, 0), cells - 1))
      span /= 2
      lo = center > span / 2 ? center - span / 2 : 0
    }
    return Strip(lo: lo, bytesPerCell: max(1, (span + UInt64(cells) - 1) / UInt64(cells)), cells: cells)
  }

  static func draw(_ b: inout Buffer, _ r: Rect, _ input: FrameInput, _ state: UIState, _ theme: Theme, focused: Bool) {
    b.border(r, title: "vmalloc address space", style: focused ? theme.focusedBorder : theme.border)
    let inner = r.inset(1)
    guard inner.height >= 2, inner.width >= 10 else { return }
    let rows = inner.height - 1
    let cells = inner.width * rows
    let cursor = state.cursor[.addressSpace, default: cells / 2]
    // The area lists are built (and sorted) once per frame, for the fit and for the cells.
    let machine = input.machine
    let pooled = machine.kva.pooledAreas
    let lazy = machine.kva.lazyAreas
    let busy = machine.kva.busyAreas
    let s = strip(
      input, areas: busy + lazy + pooled, cells: cells, zoom: state.zoom[.addressSpace, default: 0], cursor: cursor)
    // Each cell shows the strongest state among the areas touching it: busy, lazy, pooled, free.
    var rank = [UInt8](repeating: 0, count: cells)
    var kind = [AreaKind](repeating: .vmalloc, count: cells)
    func mark(_ span: Span, _ r: UInt8, _ k: AreaKind) {
      guard span.end > s.lo else { return }
      let first = span.start > s.lo ? Int((span.start - s.lo) / s.bytesPerCell) : 0
      let last = Int(min((span.end - 1 - s.lo) / s.bytesPerCell, UInt64(cells - 1)))
      guard first < cells else { return }
      for c in first...max(first, last) where rank[c] < r {
        rank[c] = r
        kind[c] = k
      }
    }
    for a in pooled { mark(a.span, 1, .vmalloc) }
    for a in lazy { mark(a.span, 2, machine.owner(a.owner).kind) }
    for a in busy { mark(a.span, 3, machine.owner(a.owner).kind) }
    let states: [AreaView.State] = [.free, .pooled, .lazy, .busy]
    var hl = Set<Int>()
    if let a = input.report?.kva?.area, a.end > s.lo {
      let first = a.start > s.lo ? Int((a.start - s.lo) / s.bytesPerCell) : 0
      let last = Int(min((a.end - 1 - s.lo) / s.bytesPerCell, UInt64(cells - 1)))
      if first < cells { for c in first...max(first, last) { hl.insert(c) } }
    }
    for c in 0..<cells {
      let st = states[Int(rank[c])]
      var style = theme.style(st, kind: kind[c])
      if hl.contains(c) { style = theme.highlight }
      if focused && c == min(max(cursor, 0), cells - 1) { style = style.reversed }
      b[inner.x + c % inner.width, inner.y + c / inner.width] = Cell(theme.glyph(st), style)
    }
    let hi = s.lo &+ s.bytesPerCell &* UInt64(cells)
    let fit = input.report?.kva?.fit.map { "  last: \($0.rawValue) fit" } ?? ""
    let axis = "\(s.lo.hex) … \(hi.hex)  \(Units.size(s.bytesPerCell))/cell\(fit)  █ busy ▒ lazy ▓ pooled · free"
    b.put(inner.x, inner.maxY - 1, axis, theme.label, clip: inner)
  }
}
