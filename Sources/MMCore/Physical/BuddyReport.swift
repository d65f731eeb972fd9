/// How an allocation found its block.
public enum BuddySource: String, Sendable, Codable {
  /// `__rmqueue_smallest` on the wanted migratetype's lists.
  case smallest
  /// `__rmqueue_claim`: a block of another type, whose pageblock the allocation took over.
  case claimed
  /// `__rmqueue_steal`: a block of another type, taken without changing pageblock ownership.
  case stolen
  /// A per-CPU list.
  case pcp
}

/// One level of a split (`expand`): the upper half put back on a free list.
public struct BuddySplit: Sendable, Equatable {
  public var pfn: UInt64
  public var order: Int
}

/// One level of a merge in `__free_one_page`: the buddy taken off its list to combine.
public struct BuddyMerge: Sendable, Equatable {
  public var buddyPFN: UInt64
  /// The order of the two halves that merged.
  public var order: Int
}

/// Everything one buddy operation did.
public struct BuddyReport: Sendable, Equatable {
  public enum Operation: String, Sendable { case alloc, free }
  public var operation: Operation
  public var zone: String
  /// The block handed out or freed.
  public var pfn: UInt64?
  public var order: Int
  public var migratetype: Migratetype
  public var source: BuddySource?
  /// The free block the allocation was cut from.
  public var takenPFN: UInt64?
  public var takenOrder: Int?
  public var takenMigratetype: Migratetype?
  /// Pageblocks whose migratetype changed (claims, or merges across pageblocks).
  public var pageblocksChanged: [UInt64] = []
  /// Halves put back while splitting, highest order first.
  public var splits: [BuddySplit] = []
  /// Merges while freeing, lowest order first.
  public var merges: [BuddyMerge] = []
  /// The block that went on a free list after merging, and whether at the tail.
  public var resultPFN: UInt64?
  public var resultOrder: Int?
  public var toTail = false
  /// Why merging stopped (the last block freed).
  public var mergeStop: MergeStop?
  /// The caller asked for the tail (`FPI_TO_TAIL`, as boot and some drains do).
  public var tailForced = false
  /// `buddy_merge_likely`: the buddy of the parent block one order up is free, so the block went to
  /// the tail to stay free longer; and which pfn that parent's buddy is (nil at the top orders).
  public var parentBuddyFree = false
  public var parentBuddyPFN: UInt64?
  /// The parent block one order up lies in another zone, so `buddy_merge_likely` said no whatever its
  /// buddy holds (`page_is_buddy` compares the zones).
  public var parentInOtherZone = false
  /// Blocks taken from or given back through a per-CPU list batch.
  public var pcpBatch = 0
  public var error: BuddyError?

  /// Memory descriptors (Wilcox's `struct buddy`) created: one per new free block a split produces.
  /// Freeing never allocates one: merges only retire descriptors.
  public var descriptorsCreated: Int { splits.count }
  public var descriptorsRetired: Int { merges.count }

  public init(operation: Operation, zone: String, order: Int, migratetype: Migratetype) {
    self.operation = operation
    self.zone = zone
    self.order = order
    self.migratetype = migratetype
  }
}

/// Why `__free_one_page` stopped merging.
public enum MergeStop: Sendable, Equatable {
  /// The block reached MAX_PAGE_ORDER.
  case maxOrder
  /// The buddy (`pfn ^ (1 << order)`) is not a free block of that order.
  case buddyNotFree(buddyPFN: UInt64, order: Int)
  /// From pageblock order up, the two pageblocks' migratetypes may not be merged (isolate, CMA).
  case migratetypes(buddyPFN: UInt64, order: Int)
}

/// Why a buddy operation was refused or failed.
public enum BuddyError: Error, Sendable, Equatable, CustomStringConvertible {
  /// No free block of a sufficient order anywhere it may look.
  case noMemory(order: Int)
  case invalidOrder(Int)
  /// Freeing a pfn that is not the first page of an allocated block.
  case notAllocated(UInt64)
  /// Freeing with an order other than the block's.
  case wrongOrder(pfn: UInt64, given: Int, actual: Int)
  case outsideMemory(UInt64)
  /// A recorded allocation of pages the model does not hold free (allocated before the trace began).
  case notFree(UInt64)
  case unknownZone(String)

  public var description: String {
    switch self {
    case .noMemory(let o): "no free block of order \(o) or above (ENOMEM)"
    case .invalidOrder(let o): "order \(o) is outside 0...\(BuddyConstants.maxOrder)"
    case .notAllocated(let p): "pfn \(p.hex) does not start an allocated block: never allocated or already freed"
    case .wrongOrder(let p, let g, let a): "pfn \(p.hex) was allocated with order \(a), freed with order \(g)"
    case .outsideMemory(let p): "pfn \(p.hex) is outside every zone"
    case .notFree(let p):
      "pfn \(p.hex) is not free in the model (allocated before the trace began, or taken again with no recorded free)"
    case .unknownZone(let z): "no zone named \(z)"
    }
  }
}
