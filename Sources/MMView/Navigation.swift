import MMCore

/// What the cursor keys do in each panel. They need the machine on screen (the next area, the
/// parent node), so they live apart from the reducer's time commands and take the frame's input.
///
/// - address space: h/l the previous/next area or free run, k/j ten of them;
/// - free-area tree: k/j the previous/next node in pre-order (the order of the lines), h the parent,
///   l the first child; in the busy and lazy lists k/j and h/l move one area;
/// - buddy: k/j the zone, h/l the order;
/// - direct map: k/j the gigabyte, h/l the cell inside it;
/// - event log: k/j scroll (Enter goes to the step under the cursor);
/// - what happened: k/j scroll a long explanation.
enum Navigation {
  enum Direction { case left, right, up, down }

  static func move(_ s: inout UIState, _ d: Direction, input: FrameInput?) {
    switch s.focus {
    case .addressSpace:
      guard let input else { return }
      let runs = AreaRuns.of(input.machine)
      let delta = d == .left ? -1 : d == .right ? 1 : d == .up ? -10 : 10
      s.selection = AreaRuns.move(from: s.selection, by: delta, fallback: input.touchedArea, in: runs)
    case .tree:
      guard let input else { return }
      moveInTree(&s, d, input)
    case .buddy:
      let zones = input?.machine.memory.zones.count ?? 1
      switch d {
      case .up, .down:
        let current = input.map { BuddyPanel.zoneIndex($0, s) } ?? s.cursor[.buddy, default: 0]
        s.cursor[.buddy] = (current + (d == .down ? 1 : -1) + zones) % max(zones, 1)
      case .left, .right:
        let current = s.column[.buddy] ?? input.flatMap { BuddyPanel.touchedOrder($0, s) } ?? 0
        s.column[.buddy] = min(max(current + (d == .right ? 1 : -1), 0), BuddyConstants.orders - 1)
      }
    case .directMap:
      switch d {
      case .up, .down:
        let gigabytes = max(input?.machine.directMap.gigabytes ?? 1, 1)
        let current = input.map { DirectMapPanel.gigabyte($0, s) } ?? s.cursor[.directMap, default: 0]
        s.cursor[.directMap] = (current + (d == .down ? 1 : -1) + gigabytes) % gigabytes
      case .left, .right:
        // The drawn cell index; the panel clamps it to the cells it draws.
        s.column[.directMap] = max(0, s.column[.directMap, default: -1] + (d == .right ? 1 : -1))
      }
    case .log:
      s.cursor[.log, default: 0] += (d == .up || d == .left) ? -1 : 1
    case .explain:
      s.cursor[.explain] = max(0, s.cursor[.explain, default: 0] + ((d == .up || d == .left) ? -1 : 1))
    }
  }

  static func moveInTree(_ s: inout UIState, _ d: Direction, _ input: FrameInput) {
    let kva = input.machine.kva
    if s.treeView == .free, let tree = kva.current?.free {
      guard let at = TreePanel.focus(tree, selection: s.selection, report: input.report) else { return }
      let n = tree[at]
      var next: NodeID = noNode
      switch d {
      case .down: next = preorderNext(tree, at)
      case .up: next = preorderPrevious(tree, at)
      case .left: next = n.parent
      case .right: next = n.left != noNode ? n.left : n.right
      }
      if next != noNode { s.selection = tree[next].start }
      return
    }
    // The list the panel draws, so the cursor and the lines agree.
    let spans = TreePanel.listedAreas(input, s).map(\.span)
    guard !spans.isEmpty else { return }
    let delta = (d == .up || d == .left) ? -1 : 1
    let i = s.selection.flatMap { a in spans.lastIndex { $0.start <= a } }
    let j = i.map { min(max($0 + delta, 0), spans.count - 1) } ?? 0
    s.selection = spans[j].start
  }

  /// The node after `id` in pre-order: its first child, or the right child of the nearest ancestor
  /// entered from the left.
  static func preorderNext(_ t: AreaTree, _ id: NodeID) -> NodeID {
    let n = t[id]
    if n.left != noNode { return n.left }
    if n.right != noNode { return n.right }
    var child = id
    var p = n.parent
    while p != noNode {
      if t[p].left == child && t[p].right != noNode { return t[p].right }
      child = p
      p = t[p].parent
    }
    return noNode
  }

  /// The node before `id` in pre-order: the parent, or the last node of the left sibling's subtree.
  static func preorderPrevious(_ t: AreaTree, _ id: NodeID) -> NodeID {
    let p = t[id].parent
    guard p != noNode else { return noNode }
    if t[p].left == id || t[p].left == noNode { return p }
    var n = t[p].left
    while true {
      if t[n].right != noNode {
        n = t[n].right
      } else if t[n].left != noNode {
        n = t[n].left
      } else {
        return n
      }
    }
  }
}
