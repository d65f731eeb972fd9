// `classify_va_fit_type` and `va_clip`: cutting an allocation out of a free area.
extension AreaTree {
  /// The fit type of `[nva, nva + size)` inside `node`, or nil when it does not lie inside.
  static func classifyFit(_ node: AreaNode, nva: UInt64, size: UInt64) -> FitType? {
    let end = nva &+ size
    if nva < node.start || end > node.end || end < nva { return nil }
    if node.start == nva {
      return node.end == end ? .FL : .LE
    }
    return node.end == end ? .RE : .NE
  }

  /// Cuts `[nva, nva + size)` out of free area `id` and keeps the augmented values right. For NE the
  /// original node keeps the right remainder and a new node for the left remainder is linked by a
  /// descent that starts at the original node.
  mutating func clip(_ id: NodeID, nva: UInt64, size: UInt64, changes: inout [FreeTreeChange], record: Bool)
    -> FitType?
  {
    let node = nodes[Int(id)]
    guard let fit = Self.classifyFit(node, nva: nva, size: size) else { return nil }
    let before = Span(node.start, node.end)
    switch fit {
    case .FL:
      // Said before the erase, whose own steps follow.
      if recordingSteps { noteStep(.clipped(.FL, before: before, after: nil)) }
      unlink(id)
      releaseNode(id)
      if record { changes.append(.clipped(.FL, before: before, after: nil)) }
      return .FL
    case .LE:
      setStart(id, nva &+ size)
    case .RE:
      setEnd(id, nva)
    case .NE:
      setStart(id, nva &+ size)
    }
    if recordingSteps { noteStep(.clipped(fit, before: before, after: span(id))) }
    propagate(from: id, stop: noNode)
    if record { changes.append(.clipped(fit, before: before, after: Span(nodes[Int(id)].start, node.end))) }
    if fit == .NE {
      let left = makeNode(start: before.start, end: nva)
      insert(left, from: id)
      if record { changes.append(.inserted(Span(before.start, nva))) }
    }
    return fit
  }
}
