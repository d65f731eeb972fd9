import DequeModule

/// One CPU's `per_cpu_pages` for one zone: lists of order-0..3 and THP-order blocks per migratetype,
/// refilled from and drained to the buddy lists in batches.
public struct PerCPULists: Sendable {
  /// `NR_PCP_LISTS`: 3 migratetypes x orders 0..3, plus two THP lists.
  static let listCount = 3 * (BuddyConstants.costlyOrder + 1) + 2
  public internal(set) var lists: [Deque<UInt64>] = Array(repeating: [], count: listCount)
  /// Pages held (`pcp->count`).
  public internal(set) var count = 0
  public let batch: Int
  public let high: Int

  init(batch: Int, high: Int) {
    self.batch = batch
    self.high = high
  }

  /// `pcp_allowed_order()`.
  static func allowed(order: Int) -> Bool {
    order <= BuddyConstants.costlyOrder || order == BuddyConstants.pageblockOrder
  }

  /// `order_to_pindex()`.
  static func index(order: Int, migratetype mt: Migratetype) -> Int {
    order > BuddyConstants.costlyOrder
      ? 3 * (BuddyConstants.costlyOrder + 1) + (mt == .movable ? 1 : 0) : 3 * order + mt.rawValue
  }

  /// `pindex_to_order()`.
  static func order(ofIndex i: Int) -> Int {
    i >= 3 * (BuddyConstants.costlyOrder + 1) ? BuddyConstants.pageblockOrder : i / 3
  }

  /// `zone_batchsize()`: about 0.1% of the zone or 1 MiB, a quarter of it, rounded to 2^n - 1.
  static func batchSize(managedPages: UInt64) -> Int {
    var batch = Int(min(managedPages >> 10, 256)) / 4
    if batch < 1 { batch = 1 }
    let v = batch + batch / 2
    batch = (1 << (Int.bitWidth - 1 - v.leadingZeroBitCount)) - 1
    return max(1, batch)
  }
}
