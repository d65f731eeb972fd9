import DequeModule

/// One `struct vmap_node`: its busy and lazy areas, and (with more than one node) 256 size-class pools
/// of areas kept for reuse, pool `i` holding areas of exactly `i + 1` pages (guard page included).
public struct VmapNode: Sendable {
  public internal(set) var busy = AreaTree(augmented: false)
  public internal(set) var lazy = AreaTree(augmented: false)
  /// Pool lists, head first. Empty when the machine has a single node.
  public internal(set) var pools: [Deque<Span>]
  /// Areas in all pools of this node.
  public internal(set) var pooled = 0

  init(withPools: Bool) {
    pools = withPools ? Array(repeating: Deque<Span>(), count: KernelConstants.maxPoolPages) : []
  }

  /// `size_to_va_pool()`: the pool index for an area of `size` bytes, nil above 256 pages.
  @inline(__always)
  static func poolIndex(size: UInt64) -> Int? {
    let idx = (size &- 1) / KernelConstants.pageSize
    return idx < UInt64(KernelConstants.maxPoolPages) ? Int(idx) : nil
  }

  /// `node_pool_add_va()`: push on the front of the size class.
  mutating func poolAdd(_ span: Span) -> Bool {
    guard !pools.isEmpty, let idx = Self.poolIndex(size: span.size) else { return false }
    pools[idx].prepend(span)
    pooled += 1
    return true
  }

  /// `node_pool_del_va()`: only the head is looked at. An aligned head is taken; a misaligned one
  /// moves to the tail and the caller falls back to the global tree.
  mutating func poolTake(size: UInt64, align: UInt64) -> (span: Span?, rotated: Bool) {
    guard !pools.isEmpty, let idx = Self.poolIndex(size: size), let head = pools[idx].first else {
      return (nil, false)
    }
    if KernelMath.isAligned(head.start, align) && head.size == size {
      pools[idx].removeFirst()
      pooled -= 1
      return (head, false)
    }
    pools[idx].removeFirst()
    pools[idx].append(head)
    return (nil, true)
  }

  /// `decay_va_pool_node()`'s first half: takes a quarter (rounded down) of every pool, or all of it,
  /// from the heads. `poolLocks` counts the `pool_lock` acquisitions: one to detach each non-empty
  /// pool, one more to attach back what is left of it.
  mutating func poolDecay(full: Bool) -> (spans: [Span], poolLocks: Int) {
    var out: [Span] = []
    var locks = 0
    guard pooled > 0 else { return (out, 0) }
    for i in pools.indices where !pools[i].isEmpty {
      let n = full ? pools[i].count : pools[i].count >> 2
      for _ in 0..<n { out.append(pools[i].removeFirst()) }
      pooled -= n
      locks += pools[i].isEmpty ? 1 : 2
    }
    return (out, locks)
  }

  /// Every pooled area, pool by pool, head first.
  public var pooledAreas: [(pages: Int, spans: [Span])] {
    pools.indices.compactMap { i in pools[i].isEmpty ? nil : (i + 1, Array(pools[i])) }
  }
}
