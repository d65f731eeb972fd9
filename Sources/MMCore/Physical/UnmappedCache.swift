/// Mike Rapoport's `__GFP_UNMAPPED` cache (RFC, March 2023): a small buddy allocator of pages that are
/// not in the direct map. It refills with a 2 MiB (order-9) block from the page allocator, or the
/// largest order it can get, removes the whole block from the direct map at once, and serves requests
/// of any order from it; a shrink maps free blocks back and returns them. One free list per order, no
/// migratetypes, as in the RFC.
public struct UnmappedCache: Sendable {
  /// Free lists per order, head first.
  public internal(set) var freeLists: [[UInt64]] = Array(repeating: [], count: BuddyConstants.orders)
  /// Blocks the cache took from the page allocator: pfn → order.
  public internal(set) var refills: [UInt64: Int] = [:]
  /// Blocks handed out: pfn → order.
  public internal(set) var allocated: [UInt64: Int] = [:]
  /// `nr_cached`: pages taken from the page allocator and not given back.
  public var cachedPages: UInt64 { refills.reduce(0) { $0 + (1 << UInt64($1.value)) } }
  public var freePages: UInt64 {
    freeLists.enumerated().reduce(0) { $0 + UInt64($1.element.count) << UInt64($1.offset) }
  }

  public init() {}

  func isFree(_ pfn: UInt64, order: Int) -> Bool { freeLists[order].contains(pfn) }

  /// The refill block holding `pfn`.
  func refill(containing pfn: UInt64) -> (pfn: UInt64, order: Int)? {
    refills.first { pfn >= $0.key && pfn < $0.key + (1 << UInt64($0.value)) }.map { ($0.key, $0.value) }
  }

  /// The RFC's `__rmqueue_smallest` + `expand`: head of the smallest non-empty list; upper halves go
  /// back at the heads. Returns the pfn and the halves put back.
  mutating func rmqueueSmallest(order: Int) -> (pfn: UInt64, splits: [BuddySplit])? {
    for current in order..<BuddyConstants.orders where !freeLists[current].isEmpty {
      let pfn = freeLists[current].removeFirst()
      var splits: [BuddySplit] = []
      var h = current
      while h > order {
        h -= 1
        let upper = pfn + (1 << UInt64(h))
        freeLists[h].insert(upper, at: 0)
        splits.append(BuddySplit(pfn: upper, order: h))
      }
      allocated[pfn] = order
      return (pfn, splits)
    }
    return nil
  }

  /// The RFC's `__free_one_page`: merge with a free buddy of the same order inside the same refill
  /// block, then add at the head.
  mutating func free(_ pfnIn: UInt64, order orderIn: Int) -> [BuddyMerge] {
    var pfn = pfnIn
    var order = orderIn
    var merges: [BuddyMerge] = []
    let block = refill(containing: pfn)
    while order < BuddyConstants.maxOrder, let block {
      let buddy = pfn ^ (1 << UInt64(order))
      guard buddy >= block.pfn && buddy < block.pfn + (1 << UInt64(block.order)),
        let i = freeLists[order].firstIndex(of: buddy)
      else { break }
      freeLists[order].remove(at: i)
      merges.append(BuddyMerge(buddyPFN: buddy, order: order))
      pfn &= buddy
      order += 1
    }
    freeLists[order].insert(pfn, at: 0)
    return merges
  }

  /// Takes a refilled block in (already removed from the direct map).
  mutating func addRefill(_ pfn: UInt64, order: Int) {
    refills[pfn] = order
    freeLists[order].insert(pfn, at: 0)
  }

  /// Whole refill blocks that are entirely free: what a shrink can give back.
  func reclaimable() -> [(pfn: UInt64, order: Int)] {
    refills.filter { isFree($0.key, order: $0.value) }.map { ($0.key, $0.value) }.sorted { $0.pfn < $1.pfn }
  }

  mutating func release(_ pfn: UInt64, order: Int) {
    if let i = freeLists[order].firstIndex(of: pfn) { freeLists[order].remove(at: i) }
    refills[pfn] = nil
  }

  /// Free blocks inside refills, disjoint, covering each refill with what is allocated.
  public func violations() -> [String] {
    var out: [String] = []
    var spans: [(UInt64, UInt64)] = []
    for (order, list) in freeLists.enumerated() {
      for pfn in list {
        spans.append((pfn, pfn + (1 << UInt64(order))))
        if refill(containing: pfn) == nil { out.append("unmapped cache: free block \(pfn.hex) is outside its refills") }
      }
    }
    for (pfn, order) in allocated { spans.append((pfn, pfn + (1 << UInt64(order)))) }
    spans.sort { $0.0 < $1.0 }
    for i in spans.indices.dropFirst() where spans[i].0 < spans[i - 1].1 {
      out.append("unmapped cache: blocks at \(spans[i - 1].0.hex) and \(spans[i].0.hex) overlap")
    }
    let held = spans.reduce(0) { $0 + ($1.1 - $1.0) }
    if held != cachedPages { out.append("unmapped cache: \(held) pages free or allocated, \(cachedPages) cached") }
    return out
  }
}
