extension AreaTree {
  /// Every structural property the tree must hold, as human-readable violations (empty when sound):
  /// parent links, address order without overlap, the red-black rules, each `subtree_max_size`, and
  /// the list matching the tree's in-order walk.
  public func violations(name: String) -> [String] {
    var out: [String] = []
    if root != noNode {
      if nodes[Int(root)].parent != noNode { out.append("\(name): root has a parent") }
      if nodes[Int(root)].color != .black { out.append("\(name): root is red") }
    }
    // In-order walk with an explicit stack, checking links and order as we go.
    var inorder: [NodeID] = []
    inorder.reserveCapacity(count)
    var stack: [NodeID] = []
    var n = root
    while n != noNode || !stack.isEmpty {
      while n != noNode {
        stack.append(n)
        n = nodes[Int(n)].left
      }
      let top = stack.removeLast()
      inorder.append(top)
      n = nodes[Int(top)].right
    }
    if inorder.count != count {
      out.append("\(name): tree holds \(inorder.count) nodes, count says \(count)")
    }
    for (i, id) in inorder.enumerated() {
      let node = nodes[Int(id)]
      if node.start >= node.end {
        out.append("\(name): empty or inverted area [\(node.start.hex), \(node.end.hex))")
      }
      for child in [node.left, node.right] where child != noNode {
        if nodes[Int(child)].parent != id {
          out.append("\(name): child of [\(node.start.hex), \(node.end.hex)) has a wrong parent link")
        }
        if node.color == .red && nodes[Int(child)].color == .red {
          out.append("\(name): red node [\(node.start.hex), \(node.end.hex)) has a red child")
        }
      }
      if i > 0 {
        let prev = nodes[Int(inorder[i - 1])]
        if prev.end > node.start {
          out.append(
            "\(name): [\(prev.start.hex), \(prev.end.hex)) overlaps or is out of order with [\(node.start.hex), \(node.end.hex))"
          )
        }
      }
      if augmented {
        let want = Swift.max(node.size, maxOf(node.left), maxOf(node.right))
        if node.subtreeMax != want {
          out.append(
            "\(name): subtree_max_size of [\(node.start.hex), \(node.end.hex)) is \(node.subtreeMax), should be \(want)"
          )
        }
      }
    }
    // Equal black height on every path (recursion depth is bounded by the tree's height).
    if root != noNode { _ = blackHeight(root, name: name, into: &out) }
    // The list must be the in-order sequence, with consistent back links.
    var listed: [NodeID] = []
    var m = first
    var prev = noNode
    while m != noNode && listed.count <= count {
      if nodes[Int(m)].prev != prev { out.append("\(name): list back link broken at \(nodes[Int(m)].start.hex)") }
      listed.append(m)
      prev = m
      m = nodes[Int(m)].next
    }
    if last != prev { out.append("\(name): list tail is wrong") }
    if listed != inorder { out.append("\(name): list order differs from tree order") }
    return out
  }

  /// The black height below `id`, reporting the first node whose two sides disagree.
  private func blackHeight(_ id: NodeID, name: String, into out: inout [String]) -> Int {
    if id == noNode { return 1 }
    let node = nodes[Int(id)]
    let l = blackHeight(node.left, name: name, into: &out)
    let r = blackHeight(node.right, name: name, into: &out)
    if l != r && out.count < 20 {
      out.append("\(name): black heights differ below [\(node.start.hex), \(node.end.hex)): \(l) vs \(r)")
    }
    return Swift.max(l, r) + (node.color == .black ? 1 : 0)
  }
}
