import MMCore

/// The augmented red-black tree of free areas drawn as a tree: colour, range, size and
/// `subtree_max_size`, the last search's decisions, nodes whose maximum changed. A large tree stays
/// readable by drawing the top levels, the path to the focused node with that node's subtree, and one
/// summary line (count and maximum) for every subtree left closed. Toggles to the busy and lazy sets.
enum TreePanel {
  static func decisionGlyph(_ d: SearchDecision) -> String {
    switch d {
    case .left: "↙"
    case .right: "↘"
    case .found: "✓"
    case .deadEnd: "✗"
    case .climb: "↑"
    case .rollBackRight: "↗"
    }
  }

  /// The focused node: the one holding the selected address, else the nearest below it; with no
  /// selection, where the last search ended (or the area the last operation touched), else the root.
  static func focus(_ tree: AreaTree, selection: UInt64?, report: StepReport?, phase: Phase? = nil) -> NodeID? {
    guard tree.root != noNode else { return nil }
    if selection == nil, let f = phase?.focus, let id = tree.node(at: f) { return id }
    // Where the last search stopped, by slot (an LE or NE cut moved that node's start).
    if selection == nil, phase == nil, let found = report?.kva?.search.last(where: { $0.decision == .found }),
      Int(found.id) < tree.slotCount
    {
      let n = tree[found.id]
      if n.end > n.start && (n.start == found.area.start || n.end == found.area.end) { return found.id }
    }
    let target =
      selection ?? report?.kva?.search.last(where: { $0.decision == .found })?.area.start ?? report?.kva?.area?.start
    guard let a = target else { return tree.root }
    var n = tree.root
    var best = noNode
    while n != noNode {
      let node = tree[n]
      if a < node.start {
        n = node.left
      } else {
        best = n
        if a < node.end { break }
        n = node.right
      }
    }
    return best == noNode ? tree.first : best
  }

  /// One line of the drawn tree: a node, or a closed subtree's summary.
  struct Line {
    enum Content {
      case node(AreaNode)
      case closed(count: Int, max: UInt64)
    }
    var depth: Int
    /// Which child of its parent the line stands for ("/" left, "\" right, "" the root).
    var side: String
    var content: Content
    var id: NodeID
  }

  /// The lines to draw: nodes shallower than `top`, the path from the root to `focus`, and `below`
  /// levels of the focus's subtree are open; every other subtree is one summary line.
  static func lines(_ tree: AreaTree, focus: NodeID?, top: Int, below: Int, alsoOpen: [NodeID] = []) -> [Line] {
    var out: [Line] = []
    guard tree.root != noNode else { return out }
    var onPath = Set<NodeID>()
    var focusDepth = 0
    if let f = focus {
      var n = f
      while n != noNode {
        onPath.insert(n)
        n = tree[n].parent
      }
      focusDepth = onPath.count - 1
    }
    // Nodes a phase marks (the search so far) stay visible: the paths to them are open too.
    for id in alsoOpen {
      var n = tree[id].parent
      while n != noNode && onPath.insert(n).inserted { n = tree[n].parent }
    }
    // (node, depth, side, inside the focus's subtree)
    var stack: [(NodeID, Int, String, Bool)] = [(tree.root, 0, "", focus == tree.root)]
    while let (id, depth, side, inFocus) = stack.popLast() {
      let node = tree[id]
      out.append(Line(depth: depth, side: side, content: .node(node), id: id))
      let open = onPath.contains(id) || depth < top || (inFocus && depth - focusDepth < below)
      // Open children are pushed right first so the left comes out first; closed ones are written
      // at once, left first.
      let children = open ? [(node.right, "\\"), (node.left, "/")] : [(node.left, "/"), (node.right, "\\")]
      for (child, childSide) in children where child != noNode {
        if open {
          stack.append((child, depth + 1, childSide, inFocus || child == focus))
        } else {
          out.append(
            Line(
              depth: depth + 1, side: childSide,
              content: .closed(count: subtreeCount(tree, child), max: tree[child].subtreeMax),
              id: child))
        }
      }
    }
    return out
  }

  static func subtreeCount(_ tree: AreaTree, _ id: NodeID) -> Int {
    var count = 0
    var stack = [id]
    while let n = stack.popLast() {
      count += 1
      let node = tree[n]
      if node.left != noNode { stack.append(node.left) }
      if node.right != noNode { stack.append(node.right) }
    }
    return count
  }

  /// Indentation: two columns a level near the root, one deeper down, so a 30-level path still fits.
  static func indent(_ depth: Int) -> Int { depth <= 8 ? 2 * depth : 16 + min(depth - 8, 16) }

  static func draw(_ b: inout Buffer, _ r: Rect, _ input: FrameInput, _ state: UIState, _ theme: Theme, focused: Bool) {
    let kva = input.machine.kva
    let title: String
    switch state.treeView {
    case .free:
      title =
        kva.current.map {
          let count = (input.phaseTree ?? $0.free).count
          return input.phaseTree == nil
            ? "free-area tree (\(count) node\(count == 1 ? "" : "s"), height \(input.freeTreeHeight))"
            : r.width >= 60
              ? "free-area tree (\(count) node\(count == 1 ? "" : "s"), as in this phase)"
              : "free-area tree (this phase)"
        }
        ?? "free holes (pre-5.2: no free tree)"
    case .busy: title = "busy areas (\(input.busyCount))"
    case .lazy: title = "lazy areas (\(input.lazyCount), \(kva.lazyPages) pages)"
    }
    b.border(r, title: title + "  t: free/busy/lazy", style: focused ? theme.focusedBorder : theme.border)
    let inner = r.inset(1)
    guard !inner.isEmpty else { return }
    if state.treeView == .free, let current = kva.current {
      let area = treeRect(inner)
      drawTree(&b, area, input.phaseTree ?? current.free, input, state, theme, focused: focused)
      if area.height < inner.height {
        let legends = [
          "max = subtree_max_size  ↙↘ went ✓ found ✗ dead end ↗ roll back ↑ climb * changed",
          "max=subtree_max_size ↙↘ went ✓ found ✗ dead end ↗ roll back ↑ climb *changed",
          "max=subtree_max_size ↙↘went ✓found ✗dead end ↗back ↑climb *changed",
          "max=subtree_max_size ↙↘went ✓found ✗dead ↗back ↑climb",
          "max=subtree_max_size ↙↘✓✗↗↑ search *changed",
          "max=subtree_max_size",
        ]
        b.put(
          inner.x, inner.maxY - 1, legends.first { $0.count <= inner.width } ?? legends.last!, theme.label,
          clip: inner)
      }
    } else if state.treeView == .free, let legacy = kva.legacy, inner.height > 2 {
      // The old allocator's only memory of where to look next: its cache and the hole it skipped.
      let cache = legacy.freeCacheStart.map { "after the area at \($0.hex)" } ?? "none (walk from the start)"
      let hole = Units.size(legacy.cachedHoleSize)
      let start = legacy.freeCacheStart.map(\.hex) ?? "none"
      let lines = [
        "free_vmap_cache: \(cache); cached_hole_size \(hole)",
        "free_vmap_cache \(start)  cached_hole_size \(hole)",
        "free_vmap_cache \(start) hole \(hole)",
        "cache \(start) hole \(hole)",
      ]
      b.put(
        inner.x, inner.y, lines.first { $0.count < inner.width } ?? fitted(lines.last!, width: inner.width - 1),
        theme.label, clip: inner)
      drawList(&b, listRect(inner, input, state), input, state, theme, focused: focused)
    } else {
      drawList(&b, inner, input, state, theme, focused: focused)
    }
  }

  /// The tree's lines, the first one shown (the focus kept in the middle) and the focus.
  static func visibleTree(_ tree: AreaTree, _ inner: Rect, _ input: FrameInput, _ state: UIState) -> (
    lines: [Line], offset: Int, focus: NodeID?
  ) {
    let focus = focus(tree, selection: state.selection, report: input.report, phase: input.phase?.phase)
    let zoom = state.zoom[.tree, default: 0]
    let open = input.phase == nil ? [] : Array(marks(tree, input).keys)
    let all = lines(tree, focus: focus, top: 2 + zoom, below: 2 + zoom, alsoOpen: open)
    let focusLine = all.firstIndex { $0.id == focus && { if case .node = $0.content { true } else { false } }($0) } ?? 0
    return (all, max(0, min(focusLine - inner.height / 2, all.count - inner.height)), focus)
  }

  /// Where the tree's lines go: all of the panel, less a legend line at the bottom when it is tall.
  static func treeRect(_ inner: Rect) -> Rect {
    inner.height >= 5 ? Rect(x: inner.x, y: inner.y, width: inner.width, height: inner.height - 1) : inner
  }

  /// Where the list goes: below the cache line in the legacy allocator's hole list.
  static func listRect(_ inner: Rect, _ input: FrameInput, _ state: UIState) -> Rect {
    guard state.treeView == .free, input.machine.kva.legacy != nil, inner.height > 2 else { return inner }
    return Rect(x: inner.x, y: inner.y + 1, width: inner.width, height: inner.height - 1)
  }

  /// The areas the list shows (busy, lazy, or free runs), in address order: the runs hold them all.
  static func listedAreas(_ input: FrameInput, _ state: UIState) -> [AreaRun] {
    let wanted: AreaView.State = state.treeView == .busy ? .busy : state.treeView == .lazy ? .lazy : .free
    return input.runs.filter { $0.state == wanted }
  }

  /// The list's areas and the first one shown (the selection kept in the middle).
  static func visibleList(_ inner: Rect, _ input: FrameInput, _ state: UIState) -> (
    areas: [AreaRun], offset: Int, selected: Int?
  ) {
    let areas = listedAreas(input, state)
    var selected: Int? = nil
    if let t = input.selectedAddress(state) {
      var lo = 0
      var hi = areas.count
      while lo < hi {
        let mid = (lo + hi) / 2
        if areas[mid].span.start <= t { lo = mid + 1 } else { hi = mid }
      }
      if lo > 0 && areas[lo - 1].span.contains(t) { selected = lo - 1 }
    }
    let offset = max(0, min((selected ?? 0) - inner.height / 2, areas.count - inner.height))
    return (areas, offset, selected)
  }

  /// The address a click on row `row` of the panel's inside selects: a node's start (a closed
  /// subtree's root, which opens it), or a listed area's.
  static func selection(atRow row: Int, _ r: Rect, _ input: FrameInput, _ state: UIState) -> UInt64? {
    let inner = r.inset(1)
    guard row >= 0, row < inner.height else { return nil }
    if state.treeView == .free, let tree = input.phaseTree ?? input.machine.kva.current?.free {
      let (lines, offset, _) = visibleTree(tree, treeRect(inner), input, state)
      return offset + row < lines.count ? tree[lines[offset + row].id].start : nil
    }
    let list = listRect(inner, input, state)
    let listRow = row - (list.y - inner.y)
    let (areas, offset, _) = visibleList(list, input, state)
    return listRow >= 0 && offset + listRow < areas.count ? areas[offset + listRow].span.start : nil
  }

  /// The search decisions to mark, by node slot of the drawn tree: in a phase, the steps it shows;
  /// for a whole step, the last search's steps whose nodes are still there (an NE cut keeps the
  /// found node's slot for the right part, so the ✓ sits on the node the kernel stopped at).
  static func marks(_ tree: AreaTree, _ input: FrameInput) -> [NodeID: [SearchDecision]] {
    guard let k = input.report?.kva else { return [:] }
    var out: [NodeID: [SearchDecision]] = [:]
    if let (_, p) = input.phase {
      guard let shown = p.searchShown else { return [:] }
      let end = min(p.searchFrom + shown, k.search.count)
      for s in k.search[min(p.searchFrom, end)..<end] { out[s.id, default: []].append(s.decision) }
      return out
    }
    for s in k.search[min(k.retrySearchStart ?? 0, k.search.count)...] {
      guard Int(s.id) < tree.slotCount else { continue }
      let n = tree[s.id]
      if n.end > n.start, n.start == s.area.start || n.end == s.area.end { out[s.id, default: []].append(s.decision) }
    }
    return out
  }

  /// The tree lines' text, fitted to `width` columns: the whole range first; if that does not fit,
  /// the start alone, then without the size; never a number cut in the middle.
  static func nodeText(_ n: AreaNode, marks: String, star: String, width: Int) -> String {
    let sizes = "\(Units.size(n.size)) max \(Units.size(n.subtreeMax))\(star)"
    let lead = marks.isEmpty ? "" : marks + " "
    let candidates = [
      lead + "\(Units.span(Span(n.start, n.end))) " + sizes,
      lead + "\(n.start.hex) " + sizes,
      lead + "\(n.start.hex) max \(Units.size(n.subtreeMax))\(star)",
      lead + "max \(Units.size(n.subtreeMax))\(star)",
    ]
    return candidates.first { $0.count <= width } ?? String(candidates.last!.prefix(max(0, width - 1))) + "…"
  }

  static func drawTree(
    _ b: inout Buffer, _ inner: Rect, _ tree: AreaTree, _ input: FrameInput, _ state: UIState, _ theme: Theme,
    focused: Bool
  ) {
    let report = input.report?.kva
    let path = marks(tree, input)
    var changed = Set<NodeID>()
    var lit = Set<NodeID>()
    if let (_, p) = input.phase {
      for sp in p.changed { if let id = tree.node(at: sp) { changed.insert(id) } }
      for sp in p.highlight { if let id = tree.node(at: sp) { lit.insert(id) } }
    } else {
      for c in report?.maxChanges ?? [] { if let id = tree.node(at: c.area) { changed.insert(id) } }
    }
    let (all, offset, focus) = visibleTree(tree, inner, input, state)
    guard !all.isEmpty else {
      b.put(inner.x, inner.y, "(no free areas)", theme.label, clip: inner)
      return
    }
    for (row, line) in all.dropFirst(offset).prefix(inner.height).enumerated() {
      let y = inner.y + row
      var x = inner.x + indent(line.depth)
      if !line.side.isEmpty {
        b.put(x - 1, y, line.side, theme.label, clip: inner)
      }
      switch line.content {
      case .closed(let count, let max):
        // The longest form that fits whole: a count or size is never cut at the border.
        let forms = [
          "… \(count) node\(count == 1 ? "" : "s"), max \(Units.size(max))", "… \(count), max \(Units.size(max))",
          "… \(count)", "…",
        ]
        let text = forms.first { $0.count < inner.maxX - x } ?? ""
        b.put(x, y, text, theme.label, clip: inner)
      case .node(let n):
        let glyphs = (path[line.id] ?? []).map(decisionGlyph).joined()
        let star = changed.contains(line.id) ? "*" : ""
        var colourStyle = n.color == .red ? theme.red : theme.black
        var textStyle = Style.plain
        if !glyphs.isEmpty || lit.contains(line.id) {
          textStyle = theme.highlight
        } else if !star.isEmpty {
          textStyle = theme.changed
        }
        if line.id == focus && state.selection != nil {
          colourStyle = focused ? colourStyle.reversed : colourStyle.underlined
          textStyle = focused ? textStyle.reversed : textStyle.underlined
        }
        b.put(x, y, n.color == .red ? "R" : "B", colourStyle, clip: inner)
        x += 2
        let text = nodeText(n, marks: glyphs, star: star, width: inner.maxX - x - 1)
        b.put(x, y, text, textStyle, clip: inner)
      }
    }
  }

  /// The busy or lazy areas (or the legacy allocator's holes) as a list scrolled to the selection;
  /// only the visible lines are formatted, so 100k areas cost a binary search.
  static func drawList(
    _ b: inout Buffer, _ inner: Rect, _ input: FrameInput, _ state: UIState, _ theme: Theme, focused: Bool
  ) {
    let kva = input.machine.kva
    let (areas, offset, selected) = visibleList(inner, input, state)
    guard !areas.isEmpty else {
      b.put(inner.x, inner.y, "(none)", theme.label, clip: inner)
      return
    }
    for row in 0..<min(inner.height, areas.count - offset) {
      let i = offset + row
      let a = areas[i]
      let owner = input.machine.owner(a.owner)
      let who = a.state == .free ? "free" : owner.kind.rawValue + (owner.name.map { " \($0)" } ?? "")
      let node = kva.current != nil && a.state != .free ? "  node \(a.node)" : ""
      // The longest form that fits: the node goes first, then the end address; a number is never cut.
      let forms = [
        "\(Units.span(a.span)) \(Units.size(a.span.size)) \(who)\(node)",
        "\(Units.span(a.span)) \(Units.size(a.span.size)) \(who)",
        "\(a.span.start.hex) \(Units.size(a.span.size)) \(who)\(node)",
        "\(a.span.start.hex) \(Units.size(a.span.size)) \(who)",
      ]
      let text = forms.first { $0.count <= inner.width } ?? fitted(forms[3], width: inner.width)
      var style: Style = a.span == input.report?.kva?.area ? theme.highlight : .plain
      if i == selected && state.selection != nil { style = focused ? style.reversed : style.underlined }
      b.put(inner.x, inner.y + row, text, style, clip: inner)
    }
  }
}
