@testable import MMCore

/// The buddy allocator of one zone written the plain way, for differential tests: each free list an
/// array (index 0 the head), free blocks in a dictionary, one migratetype (no fallback). It follows
/// mm/page_alloc.c's rules one by one: boot frees the largest aligned blocks to the tail;
/// `__rmqueue_smallest` takes the head of the smallest non-empty order and puts each split half at the
/// head; `__free_one_page` merges while the buddy (inside the zone) is free at the same order, then
/// `buddy_merge_likely` sends the block to the tail when the parent's buddy is free and the parent's
/// struct page is this zone's (it lies at or above `memmapStart`); blocks above pageblock order are
/// freed a pageblock at a time (`split_large_buddy`).
struct ReferenceBuddy {
  let start: UInt64
  let end: UInt64
  let memmapStart: UInt64
  var lists: [[UInt64]] = Array(repeating: [], count: 11)
  var free: [UInt64: Int] = [:]
  var allocated: [UInt64: Int] = [:]

  init(start: UInt64, end: UInt64, memmapStart: UInt64) {
    self.start = start
    self.end = end
    self.memmapStart = memmapStart
    var pfn = start
    while pfn < end {
      var order = pfn == 0 ? 10 : min(10, pfn.trailingZeroBitCount)
      while pfn + (1 << UInt64(order)) > end { order -= 1 }
      _ = release(pfn, order: order, forceTail: true)
      pfn += 1 << UInt64(order)
    }
  }

  mutating func alloc(order: Int) -> UInt64? {
    for o in order...10 where !lists[o].isEmpty {
      let pfn = lists[o].removeFirst()
      free[pfn] = nil
      var h = o
      while h > order {
        h -= 1
        let upper = pfn + (1 << UInt64(h))
        lists[h].insert(upper, at: 0)
        free[upper] = h
      }
      allocated[pfn] = order
      return pfn
    }
    return nil
  }

  /// Frees an allocated block; the last piece's outcome (merged pfn, order, tail).
  mutating func free(_ pfn: UInt64) -> (pfn: UInt64, order: Int, tail: Bool) {
    let order = allocated.removeValue(forKey: pfn)!
    let piece = min(order, 9)
    var last = (pfn: pfn, order: order, tail: false)
    var p = pfn
    while p < pfn + (1 << UInt64(order)) {
      last = release(p, order: piece, forceTail: false)
      p += 1 << UInt64(piece)
    }
    return last
  }

  mutating func release(_ pfnIn: UInt64, order orderIn: Int, forceTail: Bool) -> (pfn: UInt64, order: Int, tail: Bool) {
    var pfn = pfnIn
    var order = orderIn
    while order < 10 {
      let buddy = pfn ^ (1 << UInt64(order))
      guard buddy >= start, buddy < end, free[buddy] == order else { break }
      lists[order].removeAll { $0 == buddy }
      free[buddy] = nil
      pfn = min(pfn, buddy)
      order += 1
    }
    var tail = forceTail
    if !tail && order < 9 {
      let parent = pfn & ~(UInt64(1) << UInt64(order))
      let parentBuddy = parent ^ (1 << UInt64(order + 1))
      tail = parent >= memmapStart && parentBuddy >= start && parentBuddy < end && free[parentBuddy] == order + 1
    }
    if tail { lists[order].append(pfn) } else { lists[order].insert(pfn, at: 0) }
    free[pfn] = order
    return (pfn, order, tail)
  }
}
