import MMCore

/// The augmented red-black tree of free areas drawn as an indented tree: colour, range, size and
/// `subtree_max_size`, the last search's path with each decision, nodes whose maximum changed. Deep
/// subtrees collapse into a count; the cursor scrolls. Toggles to the busy and lazy sets.
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

  /// Lines of the free tree in pre-order, at most `depthLimit` deep; deeper subtrees become one line.
  static func treeLines(_ tree: AreaTree, depthLimit: Int) -> [(depth: Int, node: AreaNode?, hidden: Int)] {
    var out: [(Int, AreaNode?, Int)] = []
    func count(_ id: NodeID) -> Int { id == noNode ? 0 : 1 + count(tree[id].left) + count(tree[id].right) }
    var stack: [(NodeID, Int)] = tree.root == noNode ? [] : [(tree.root, 0)]
    while let (id, d) = stack.popLast() {
      if d > depthLimit {
        out.append((d, nil, count(id)))
        continue
      }
      let n = tree[id]
      out.append((d, n, 0))
      if n.right != noNode { stack.append((n.right, d + 1)) }
      if n.left != noNode { stack.append((n.left, d + 1)) }
    }
    return out
  }

  static func draw(_ b: inout Buffer, _ r: Rect, _ input: FrameInput, _ state: UIState, _ theme: Theme, focused: Bool) {
    let kva = input.machine.kva
    let title: String
    switch state.treeView {
    case .free:
      title =
        kva.current == nil ? "free holes (pre-5.2: no free tree)" : "free-area tree (\(kva.current!.free.count) nodes)"
    case .busy: title = "busy areas (\(kva.busyAreas.count))"
    case .lazy: title = "lazy areas (\(kva.lazyAreas.count), \(kva.lazyPages) pages)"
    }
    b.border(r, title: title + "  t: free/busy/lazy", style: focused ? theme.focusedBorder : theme.border)
    let inner = r.inset(1)
    guard !inner.isEmpty else { return }
    var lines: [(String, Style)] = []
    let report = input.report?.kva
    if state.treeView == .free, let current = kva.current {
      var path: [UInt64: [SearchDecision]] = [:]
      for step in report?.search ?? [] { path[step.area.start, default: []].append(step.decision) }
      let changed = Set((report?.maxChanges ?? []).map(\.area.start))
      let depthLimit = 5 + state.zoom[.tree, default: 0]
      for (depth, node, hidden) in treeLines(current.free, depthLimit: depthLimit) {
        let indent = String(repeating: "  ", count: min(depth, 12))
        guard let n = node else {
          lines.append((indent + "… \(hidden) more node(s)", theme.label))
          continue
        }
        let colour = n.color == .red ? "R" : "B"
        let marks = (path[n.start] ?? []).map(decisionGlyph).joined()
        let star = changed.contains(n.start) ? "*" : ""
        let text =
          indent
          + "\(colour) [\(n.start.hex), \(n.end.hex)) \(Units.size(n.size)) max \(Units.size(n.subtreeMax))\(star) \(marks)"
        var style = n.color == .red ? theme.red : theme.black
        if !marks.isEmpty { style = theme.highlight } else if star == "*" { style = theme.changed }
        lines.append((text, style))
      }
      if lines.isEmpty { lines.append(("(no free areas)", theme.label)) }
    } else {
      let areas: [AreaView] =
        state.treeView == .busy
        ? kva.busyAreas
        : state.treeView == .lazy
          ? kva.lazyAreas
          : kva.freeAreas.map {
            AreaView(span: $0, state: .free, node: 0, taggedNode: nil, owner: 0)
          }
      for a in areas {
        let owner = input.machine.owner(a.owner)
        let text =
          "\(Units.span(a.span)) \(Units.size(a.span.size)) \(owner.kind.rawValue) node \(a.node)"
          + (owner.name.map { " \($0)" } ?? "")
        lines.append((text, a.span == report?.area ? theme.highlight : .plain))
      }
      if lines.isEmpty { lines.append(("(none)", theme.label)) }
    }
    let offset = max(0, min(state.cursor[.tree, default: 0], lines.count - inner.height))
    for (i, (text, style)) in lines.dropFirst(offset).prefix(inner.height).enumerated() {
      b.put(inner.x, inner.y + i, text, style, clip: inner)
    }
  }
}
