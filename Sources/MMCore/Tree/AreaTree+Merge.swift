/// The outcome of `mergeOrAdd`.
public struct MergeOutcome: Sendable {
  /// The node that now holds the freed range.
  public var node: NodeID
  public var mergedNext: Bool
  public var mergedPrev: Bool
}

// `__merge_or_add_vmap_area`: give a range back to a tree of free areas, coalescing with the
// address-adjacent neighbours the list gives in O(1).
extension AreaTree {
  /// Returns nil (and changes nothing) when the range overlaps an area already in the tree.
  mutating func mergeOrAdd(
    start: UInt64, end: UInt64, changes: inout [FreeTreeChange], record: Bool
  ) -> MergeOutcome? {
    guard let (parent, left) = findLinks(start: start, end: end) else { return nil }
    var outcome = MergeOutcome(node: noNode, mergedNext: false, mergedPrev: false)
    if parent != noNode {
      let next = nextSibling(parent: parent, left: left)
      var current = Span(start, end)
      if next != noNode && nodes[Int(next)].start == end {
        let into = Span(nodes[Int(next)].start, nodes[Int(next)].end)
        setStart(next, start)
        outcome.node = next
        outcome.mergedNext = true
        current = Span(start, into.end)
        if recordingSteps { noteStep(.mergedNext(freed: Span(start, end), result: current)) }
        if record { changes.append(.mergedNext(freed: Span(start, end), into: into, result: current)) }
      }
      let prev = next == noNode ? last : nodes[Int(next)].prev
      if prev != noNode && nodes[Int(prev)].end == start {
        let into = Span(nodes[Int(prev)].start, nodes[Int(prev)].end)
        if outcome.mergedNext {
          // The next node goes first, then the predecessor grows over both.
          let gone = outcome.node
          if recordingSteps { noteStep(.unlinkingMergedNext(node: current, previous: into)) }
          unlink(gone)
          releaseNode(gone)
          if record { changes.append(.erased(current)) }
        }
        setEnd(prev, current.end)
        outcome.node = prev
        outcome.mergedPrev = true
        if recordingSteps { noteStep(.mergedPrev(freed: Span(start, end), result: Span(into.start, current.end))) }
        if record {
          changes.append(.mergedPrev(freed: Span(start, end), into: into, result: Span(into.start, current.end)))
        }
      }
    }
    if outcome.node == noNode {
      let id = makeNode(start: start, end: end)
      link(id, parent: parent, left: left)
      outcome.node = id
      if record { changes.append(.inserted(Span(start, end))) }
    } else {
      propagate(from: outcome.node, stop: noNode)
    }
    return outcome
  }
}
