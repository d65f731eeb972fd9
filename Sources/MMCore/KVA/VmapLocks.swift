/// The locks the KVA allocator takes, named as the kernel names them. Which ones exist depends on the
/// layout: v6.9+ with vmap nodes has a busy, lazy and pool lock per node; one node stands for the
/// pre-v6.9 layout, where one `vmap_area_lock` guarded every busy area and `purge_vmap_area_lock` the
/// lazy ones; the pre-5.2 allocator did everything under `vmap_area_lock`.
public enum VmapLock: String, Sendable, Codable, CaseIterable, Comparable {
  /// The global free tree and list (`free_vmap_area_root`), v5.2 onwards.
  case freeArea = "free_vmap_area_lock"
  /// A vmap node's busy tree (`vn->busy.lock`), v6.9 onwards.
  case nodeBusy = "vmap_node.busy.lock"
  /// A vmap node's lazy tree (`vn->lazy.lock`).
  case nodeLazy = "vmap_node.lazy.lock"
  /// A vmap node's size-class pools (`vn->pool_lock`).
  case nodePool = "vmap_node.pool_lock"
  /// Before v6.9: the one busy tree of the whole machine; before v5.2 also the search.
  case vmapArea = "vmap_area_lock"
  /// v5.9 to v6.8: the one tree of lazily freed areas.
  case purgeArea = "purge_vmap_area_lock"
  /// The mutex that serialises purges (`vmap_purge_lock`); a sleeping lock, not a spinlock.
  case purgeMutex = "vmap_purge_lock"

  /// Whether waiters spin (every lock here but the purge mutex).
  public var spins: Bool { self != .purgeMutex }

  public static func < (a: VmapLock, b: VmapLock) -> Bool {
    allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
  }
}

/// One acquisition: the lock, which node's instance (0 for the global locks), and the work done while
/// holding it, in steps (nodes compared in a tree descent, list links changed).
public struct LockUse: Sendable, Equatable, Codable {
  public var lock: VmapLock
  public var node: Int
  public var work: Int

  public init(_ lock: VmapLock, node: Int = 0, work: Int) {
    self.lock = lock
    self.node = node
    self.work = work
  }

  /// The steps an rbtree descent to a leaf takes in a tree of `count` nodes: a perfectly balanced
  /// tree's depth, floor(log2(count)) + 1 (1 for one node, 2 for two or three, 3 for four to seven).
  /// The model does not record each busy/lazy descent, so it charges that; an empty tree costs 1.
  public static func descent(_ count: Int) -> Int { count <= 0 ? 1 : 64 - UInt64(count).leadingZeroBitCount }
}

/// Acquisitions and work per lock, summed over a run.
public struct LockTotals: Sendable, Equatable, Codable {
  public var acquisitions = 0
  public var work = 0
  public init(acquisitions: Int = 0, work: Int = 0) {
    self.acquisitions = acquisitions
    self.work = work
  }
}
