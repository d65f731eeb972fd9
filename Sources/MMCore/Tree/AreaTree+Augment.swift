// The augmented callbacks of `RB_DECLARE_CALLBACKS_MAX(..., subtree_max_size, va_size)`.
extension AreaTree {
  /// Recomputes `max(size, left max, right max)` for `id`. With `exit` set it reports `true` (and writes
  /// nothing) when the stored value is already right: the early stop that keeps propagation short.
  @inline(__always)
  mutating func computeMax(_ id: NodeID, exit: Bool) -> Bool {
    let node = nodes[Int(id)]
    var m = node.size
    if node.left != noNode { m = Swift.max(m, nodes[Int(node.left)].subtreeMax) }
    if node.right != noNode { m = Swift.max(m, nodes[Int(node.right)].subtreeMax) }
    if exit && node.subtreeMax == m { return true }
    writeMax(id, m)
    return false
  }

  /// Walks from `id` towards the root (stopping at `stop`), recomputing each value until one is unchanged.
  mutating func propagate(from id: NodeID, stop: NodeID) {
    guard augmented else { return }
    var n = id
    while n != stop && n != noNode {
      let old = nodes[Int(n)].subtreeMax
      if computeMax(n, exit: true) {
        if recordingSteps { noteStep(.propagationStopped(node: span(n), value: old)) }
        break
      }
      if recordingSteps { noteStep(.propagated(node: span(n), old: old, new: nodes[Int(n)].subtreeMax)) }
      n = nodes[Int(n)].parent
    }
  }

  /// After a rotation `new` took `old`'s place: `new` inherits the subtree's value, `old` is recomputed.
  @inline(__always)
  mutating func augmentRotate(old: NodeID, new: NodeID) {
    guard augmented else { return }
    writeMax(new, nodes[Int(old)].subtreeMax)
    _ = computeMax(old, exit: false)
  }

  /// When `new` replaces `old` in place (erase via the successor), it inherits the value.
  @inline(__always)
  mutating func augmentCopy(old: NodeID, new: NodeID) {
    guard augmented else { return }
    writeMax(new, nodes[Int(old)].subtreeMax)
  }
}
