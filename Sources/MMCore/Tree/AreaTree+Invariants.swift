extension AreaTree {
  /// Every structural property the tree must hold, as human-readable violations (empty when sound):
  /// parent links, address order without overlap, the red-black rules, each `subtree_max_size`, and
  /// the list matching the tree's in-order walk. One recursive pass, no allocation while sound.
  public func violations(name: String) -> [String] {
    var out: [String] = []
    if root != noNode {
      if nodes[Int(root)].parent != noNode { out.append("\(name): root has a parent") }
      if nodes[Int(root)].color != .black { out.append("\(name): root is red") }
    }
    var cursor = first
    var previous = noNode
    var seen = 0
    _ = check(root, name: name, cursor: &cursor, previous: &previous, seen: &seen, out: &out)
    if cursor != noNode { out.append("\(name): the list holds areas the tree does not") }
    if seen != count { out.append("\(name): tree holds \(seen) nodes, count says \(count)") }
    if last != previous { out.append("\(name): list tail is wrong") }
    return out
  }

  private func checkChild(_ child: NodeID, of id: NodeID, name: String, out: inout [String]) {
    guard child != noNode else { return }
    let node = nodes[Int(id)]
    if nodes[Int(child)].parent != id {
      out.append("\(name): child of [\(node.start.hex), \(node.end.hex)) has a wrong parent link")
    }
    if node.color == .red && nodes[Int(child)].color == .red {
      out.append("\(name): red node [\(node.start.hex), \(node.end.hex)) has a red child")
    }
  }

  /// Checks the subtree at `id` in order, walking the list beside it; returns the black height.
  private func check(
    _ id: NodeID, name: String, cursor: inout NodeID, previous: inout NodeID, seen: inout Int, out: inout [String]
  ) -> Int {
    if id == noNode || out.count > 20 { return 1 }
    let node = nodes[Int(id)]
    checkChild(node.left, of: id, name: name, out: &out)
    checkChild(node.right, of: id, name: name, out: &out)
    let l = check(node.left, name: name, cursor: &cursor, previous: &previous, seen: &seen, out: &out)
    seen += 1
    if node.start >= node.end { out.append("\(name): empty or inverted area [\(node.start.hex), \(node.end.hex))") }
    if previous != noNode && nodes[Int(previous)].end > node.start {
      let p = nodes[Int(previous)]
      out.append(
        "\(name): [\(p.start.hex), \(p.end.hex)) overlaps or is out of order with [\(node.start.hex), \(node.end.hex))")
    }
    if cursor != id {
      out.append("\(name): list order differs from tree order at [\(node.start.hex), \(node.end.hex))")
    } else {
      cursor = node.next
    }
    if node.prev != previous { out.append("\(name): list back link broken at \(node.start.hex)") }
    previous = id
    if augmented {
      let want = Swift.max(node.size, maxOf(node.left), maxOf(node.right))
      if node.subtreeMax != want {
        out.append(
          "\(name): subtree_max_size of [\(node.start.hex), \(node.end.hex)) is \(node.subtreeMax), should be \(want)")
      }
    }
    let r = check(node.right, name: name, cursor: &cursor, previous: &previous, seen: &seen, out: &out)
    if l != r { out.append("\(name): black heights differ below [\(node.start.hex), \(node.end.hex)): \(l) vs \(r)") }
    return Swift.max(l, r) + (node.color == .black ? 1 : 0)
  }
}
