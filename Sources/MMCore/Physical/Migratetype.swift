/// `enum migratetype` of a kernel built without CMA (as the fixture machine is), in the kernel's order.
public enum Migratetype: Int, Sendable, CaseIterable, Codable, Comparable {
  case unmovable = 0
  case movable = 1
  case reclaimable = 2
  case highAtomic = 3
  case isolate = 4

  /// The names /proc/pagetypeinfo prints.
  public var procName: String {
    switch self {
    case .unmovable: "Unmovable"
    case .movable: "Movable"
    case .reclaimable: "Reclaimable"
    case .highAtomic: "HighAtomic"
    case .isolate: "Isolate"
    }
  }

  /// `migratetype_is_mergeable()`: only the per-CPU types merge across pageblocks of another type.
  public var isMergeable: Bool { rawValue < 3 }

  /// `fallbacks[]`: where an allocation of this type looks when its own lists are empty.
  public var fallbacks: [Migratetype] {
    switch self {
    case .unmovable: [.reclaimable, .movable]
    case .movable: [.reclaimable, .unmovable]
    case .reclaimable: [.unmovable, .movable]
    case .highAtomic, .isolate: []
    }
  }

  public static func < (a: Migratetype, b: Migratetype) -> Bool { a.rawValue < b.rawValue }
}

/// Buddy-allocator constants for x86-64 with 4 KiB pages.
public enum BuddyConstants {
  /// `MAX_PAGE_ORDER`: blocks of up to 2^10 pages (4 MiB).
  public static let maxOrder = 10
  public static let orders = maxOrder + 1
  /// `pageblock_order`: 2 MiB pageblocks.
  public static let pageblockOrder = 9
  public static let pageblockPages = 1 << pageblockOrder
  /// `PAGE_ALLOC_COSTLY_ORDER`.
  public static let costlyOrder = 3
}
