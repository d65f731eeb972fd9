/// A set of non-overlapping spans with O(log n) insertion, on the same red-black tree as the free
/// areas (not augmented): for the importer, which learns areas from frees one at a time and must
/// refuse one that overlaps an area it already learned, over traces with hundreds of thousands.
public struct DisjointSpans: Sendable {
  var tree = AreaTree(augmented: false)

  public init() {}

  public var count: Int { tree.count }

  /// Adds `span` unless it overlaps one already held; whether it was added.
  public mutating func insert(_ span: Span) -> Bool {
    guard span.start < span.end, tree.findLinks(start: span.start, end: span.end) != nil else { return false }
    let id = tree.makeNode(start: span.start, end: span.end)
    tree.insert(id)
    return true
  }

  /// Every span, in address order.
  public var spans: [Span] {
    var out: [Span] = []
    out.reserveCapacity(tree.count)
    var n = tree.first
    while n != noNode {
      out.append(Span(tree[n].start, tree[n].end))
      n = tree[n].next
    }
    return out
  }
}
