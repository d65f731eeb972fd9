/// Which KVA allocator runs.
public enum VmallocPolicy: String, Sendable, Codable, CaseIterable {
  /// Rezki's augmented free tree (v5.2 onwards) with vmap nodes (v6.9 onwards) when enabled.
  case current
  /// The pre-5.2 busy-list walk with `free_vmap_cache` (O(N) in busy areas).
  case legacy
}

/// The machine-level settings that shape the KVA allocator.
public struct KVAConfig: Sendable, Equatable, Codable {
  /// Whether a span can be an area busy from boot: inside the space the free tree starts with,
  /// [1, ULONG_MAX) (`vmap_init_free_space`). The parser and the importer both hold to it.
  public static func isValidEarlyBusy(_ s: Span) -> Bool {
    s.start >= KernelConstants.kvaFirst && s.start < s.end && s.end <= KernelConstants.kvaLast
  }

  /// `num_online_cpus()`, which sets `lazy_max_pages()`.
  public var cpus: Int
  /// `nr_vmap_nodes`: 1 means a single global node (no pools), as before v6.9 or on one CPU.
  public var vmapNodes: Int
  public var policy: VmallocPolicy
  /// Busy areas registered before the allocator starts (the kernel's early `vmlist`).
  public var earlyBusy: [Span]
  /// Whether crossing `lazy_max_pages()` purges by itself. A replayed kernel trace turns this off and
  /// purges where the kernel's `purge_vmap_area_lazy` events say it did.
  public var autoPurge = true

  /// The most lazy pages the model may hold after an operation: lazy_max_pages() when it purges by
  /// itself; with recorded purges (a trace), none, since the kernel's purge runs later from a
  /// workqueue and the trace says when.
  public var purgeThreshold: UInt64 { autoPurge ? lazyMaxPages : .max }

  /// A configuration with `nr_vmap_nodes` derived from the CPU count as `vmap_init_nodes` derives it,
  /// unless `vmapNodes` says otherwise (1 switches the nodes off).
  public init(cpus: Int = 1, vmapNodes: Int? = nil, policy: VmallocPolicy = .current, earlyBusy: [Span] = []) {
    self.cpus = max(1, cpus)
    self.vmapNodes = min(max(vmapNodes ?? cpus, 1), KernelConstants.maxVmapNodes)
    self.policy = policy
    self.earlyBusy = earlyBusy
  }

  /// `lazy_max_pages()`.
  public var lazyMaxPages: UInt64 { KernelMath.lazyMaxPages(cpus: cpus) }

  /// `vmap_zone_size`: 16 pages with several nodes, 1 byte (everything in node 0) otherwise.
  public var zoneSize: UInt64 { vmapNodes > 1 ? KernelConstants.vmapZonePages * KernelConstants.pageSize : 1 }

  /// `addr_to_node_id()`.
  @inline(__always) public func nodeID(of addr: UInt64) -> Int { Int((addr / zoneSize) % UInt64(vmapNodes)) }
}

/// One `alloc_vmap_area` request. `size` already includes any guard page and must be page-aligned.
public struct KVARequest: Sendable, Equatable, Codable {
  public var size: UInt64
  public var align: UInt64
  public var vstart: UInt64
  public var vend: UInt64
  /// The CPU that asks; it picks the vmap node (`raw_smp_processor_id() % nr_vmap_nodes`).
  public var cpu: Int
  /// An owner index the caller attaches to the busy area (0 = none).
  public var owner: UInt32
  /// The address a recorded kernel chose: the area is placed there, and the engine's own choice is
  /// computed beside it (`KVAReport.predicted`).
  public var at: UInt64? = nil
  /// The recorded kernel failed this allocation (`failed=1` in the trace event): replaying it records
  /// the failure and changes nothing.
  public var recordedFailure = false
  /// Not a recorded event: the importer inferred it (the trace freed the range again with no traced
  /// allocation in between), so the kernel allocated it on a path the trace does not show.
  public var inferred = false

  public init(
    size: UInt64, align: UInt64 = KernelConstants.pageSize,
    vstart: UInt64 = KernelConstants.vmallocStart, vend: UInt64 = KernelConstants.vmallocEnd,
    cpu: Int = 0, owner: UInt32 = 0
  ) {
    self.size = size
    self.align = align
    self.vstart = vstart
    self.vend = vend
    self.cpu = cpu
    self.owner = owner
  }

  /// The argument checks `alloc_vmap_area` makes before touching any state.
  public func validate() -> KVAError? {
    if size == 0 || size % KernelConstants.pageSize != 0 { return .invalidSize(size) }
    if !KernelMath.isPowerOfTwo(align) { return .invalidAlignment(align) }
    if vstart >= vend { return .invalidWindow(vstart: vstart, vend: vend) }
    return nil
  }
}
