// `find_vmap_lowest_match` and `is_within_this_va` over the augmented free tree.
extension AreaTree {
  /// Whether `[ALIGN(max(start, vstart), align), +size)` lies inside the area. The additions are
  /// checked for wrap-around explicitly, as the kernel does, because the top area ends at ULONG_MAX.
  @inline(__always)
  static func isWithin(_ node: AreaNode, size: UInt64, align: UInt64, vstart: UInt64) -> Bool {
    let nva = KernelMath.alignUp(node.start > vstart ? node.start : vstart, align)
    let (end, overflow) = nva.addingReportingOverflow(size)
    if overflow || nva < vstart { return false }
    return end <= node.end
  }

  /// The lowest free area that can hold `size` at `align` above `vstart`, found by descending on
  /// `subtree_max_size` with the kernel's roll-back. Only the subtrees the maxima point to are visited,
  /// so with `length = size + align - 1` a smaller block off the path is not found: the tree's shape
  /// decides the answer. `vend` is not looked at here; the caller checks it afterwards.
  func findLowestMatch(
    size: UInt64, align: UInt64, vstart startBound: UInt64, adjustSearchSize: Bool,
    steps: inout [SearchStep], visited: inout Int, record: Bool
  ) -> NodeID? {
    var vstart = startBound
    // `size + align - 1` wraps in C for absurd requests; wrapping here keeps the same behaviour.
    let length = adjustSearchSize ? size &+ (align &- 1) : size
    var n = root
    while n != noNode {
      let node = nodes[Int(n)]
      visited += 1
      if maxOf(node.left) >= length && vstart < node.start {
        if record {
          steps.append(
            SearchStep(
              id: n, area: Span(node.start, node.end), subtreeMax: node.subtreeMax, decision: .left, vstart: vstart))
        }
        n = node.left
        continue
      }
      if Self.isWithin(node, size: size, align: align, vstart: vstart) {
        if record {
          steps.append(
            SearchStep(
              id: n, area: Span(node.start, node.end), subtreeMax: node.subtreeMax, decision: .found, vstart: vstart))
        }
        return n
      }
      if maxOf(node.right) >= length {
        if record {
          steps.append(
            SearchStep(
              id: n, area: Span(node.start, node.end), subtreeMax: node.subtreeMax, decision: .right, vstart: vstart))
        }
        n = node.right
        continue
      }
      if record {
        steps.append(
          SearchStep(
            id: n, area: Span(node.start, node.end), subtreeMax: node.subtreeMax, decision: .deadEnd, vstart: vstart))
      }
      // Climb to the first ancestor that holds the request itself or whose right subtree may;
      // moving vstart just past that ancestor keeps the search out of the subtree already checked.
      var resumed = false
      n = node.parent
      while n != noNode {
        let up = nodes[Int(n)]
        visited += 1
        if Self.isWithin(up, size: size, align: align, vstart: vstart) {
          if record {
            steps.append(
              SearchStep(
                id: n, area: Span(up.start, up.end), subtreeMax: up.subtreeMax, decision: .found, vstart: vstart))
          }
          return n
        }
        if maxOf(up.right) >= length && vstart <= up.start {
          if record {
            steps.append(
              SearchStep(
                id: n, area: Span(up.start, up.end), subtreeMax: up.subtreeMax, decision: .rollBackRight, vstart: vstart
              ))
          }
          vstart = up.start &+ 1
          n = up.right
          resumed = true
          break
        }
        if record {
          steps.append(
            SearchStep(
              id: n, area: Span(up.start, up.end), subtreeMax: up.subtreeMax, decision: .climb, vstart: vstart))
        }
        n = up.parent
      }
      if !resumed { return nil }
    }
    return nil
  }
}
