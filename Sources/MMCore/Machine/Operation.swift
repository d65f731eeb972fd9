/// What kind of user a busy area has, for colouring and for the inspector.
public enum AreaKind: String, Sendable, Codable, CaseIterable {
  case vmalloc, vmap, ioremap, module, stack
  case progPack = "prog-pack"
  case vmMapRam = "vm_map_ram"
  case percpu
  /// Present before a recorded trace began; nobody knows who owns it.
  case unknown
}

/// How an operation names a busy area it frees: by address, or by the name its allocation was given.
public enum AreaRef: Sendable, Equatable, Codable, CustomStringConvertible {
  case address(UInt64)
  case name(String)

  public var description: String {
    switch self {
    case .address(let a): a.hex
    case .name(let n): n
    }
  }
}

/// A `vmalloc()`-family request as a caller makes it: the size in bytes before page rounding and the
/// guard page, as `__get_vm_area_node` receives it.
public struct VmallocRequest: Sendable, Equatable, Codable {
  public var size: UInt64
  /// `vmalloc()` passes 1; `__vmalloc_node()` callers pass their own (thread stacks: THREAD_ALIGN).
  public var align: UInt64
  public var vstart: UInt64
  public var vend: UInt64
  /// `VM_NO_GUARD`: no trailing guard page.
  public var noGuard: Bool
  public var kind: AreaKind
  public var cpu: Int
  /// A name later operations can use instead of the address.
  public var name: String?
  /// `vmalloc_huge()`: back a request of at least 2 MiB with order-9 pages, PMD-aligned.
  public var huge: Bool

  public init(
    size: UInt64, align: UInt64 = 1, vstart: UInt64 = KernelConstants.vmallocStart,
    vend: UInt64 = KernelConstants.vmallocEnd, noGuard: Bool = false, kind: AreaKind = .vmalloc,
    cpu: Int = 0, name: String? = nil, huge: Bool = false
  ) {
    self.size = size
    self.align = align
    self.vstart = vstart
    self.vend = vend
    self.noGuard = noGuard
    self.kind = kind
    self.cpu = cpu
    self.name = name
    self.huge = huge
  }

  /// Whether the request gets PMD mappings: `vmalloc_huge` with at least PMD_SIZE.
  public var usesHugePages: Bool { huge && size >= KernelConstants.pmdSize }

  /// The `alloc_vmap_area` request this becomes: size page-aligned, `VM_IOREMAP`'s alignment rule,
  /// then one guard page unless `noGuard`. Nil for a zero size (vmalloc returns NULL before that).
  public func kvaRequest(owner: UInt32) -> KVARequest? {
    let page = KernelConstants.pageSize
    // vmalloc_huge rounds to PMD_SIZE and aligns to it (`shift = PMD_SHIFT`).
    let unit = usesHugePages ? KernelConstants.pmdSize : page
    let (rounded, overflow) = size.addingReportingOverflow(unit - 1)
    let aligned = rounded & ~(unit - 1)
    if size == 0 || overflow || aligned == 0 { return nil }
    var align = usesHugePages ? max(align, KernelConstants.pmdSize) : align
    if kind == .ioremap {
      // align = 1 << clamp(get_count_order(size), PAGE_SHIFT, IOREMAP_MAX_ORDER); x86-64 has PUD_SHIFT.
      let order = aligned <= 1 ? 0 : 64 - (aligned - 1).leadingZeroBitCount
      align = 1 << UInt64(min(max(order, Int(KernelConstants.pageShift)), 30))
    }
    let (withGuard, o2) = aligned.addingReportingOverflow(noGuard ? 0 : page)
    if o2 { return nil }
    return KVARequest(size: withGuard, align: align, vstart: vstart, vend: vend, cpu: cpu, owner: owner)
  }
}

/// How an operation names a block of pages: by pfn, or by the name its allocation was given.
public enum PageRef: Sendable, Equatable, Codable, CustomStringConvertible {
  case pfn(UInt64)
  case name(String)

  public var description: String {
    switch self {
    case .pfn(let p): p.hex
    case .name(let n): n
    }
  }
}

/// A module's memory as `load_module` lays it out: one allocation per kind of section.
public struct ModuleLayout: Sendable, Equatable, Codable {
  public var text: UInt64
  public var rodata: UInt64
  public var data: UInt64
  public init(text: UInt64, rodata: UInt64, data: UInt64) {
    self.text = text
    self.rodata = rodata
    self.data = data
  }
}

/// One step of the engine.
public enum Operation: Sendable, Equatable, Codable {
  /// `vmalloc()` and friends: size rounding and the guard page, then `alloc_vmap_area`.
  case vmalloc(VmallocRequest)
  /// `alloc_vmap_area()` with exactly this size (guard included), as the kernel's trace event shows it.
  case allocVmapArea(KVARequest, kind: AreaKind, name: String?)
  /// `vfree()`: unmap and free lazily.
  case vfree(AreaRef, cpu: Int)
  /// The lazy-purge work, run now.
  case purge
  /// `alloc_pages(gfp, order)` with the gfp's migratetype and highest zone.
  case allocPages(order: Int, migratetype: Migratetype, zone: ZoneType, cpu: Int, name: String?)
  /// A block a recorded kernel allocated (`mm_page_alloc` / `mm_page_alloc_zone_locked`), placed at its pfn.
  case allocPagesAt(pfn: UInt64, order: Int, migratetype: Migratetype)
  /// A recorded `purge_vmap_area_lazy`: the model purges what it holds lazy; `recorded` is the kernel's count.
  case kernelPurge(recorded: Int)
  /// `__free_pages()`; `order` must match the allocation when given.
  case freePages(PageRef, order: Int?, cpu: Int)
  /// `set_memory_*()` / `set_direct_map_*()` on `pages` pages from a direct-map or vmalloc address (or a
  /// named area's start).
  case setMemory(AttrChange.Named, AreaRef, pages: UInt64)
  /// `load_module()` with CONFIG_STRICT_MODULE_RWX: text RO+X, rodata RO, data NX.
  case loadModule(name: String, ModuleLayout, cpu: Int)
  case unloadModule(name: String)
  /// A `memfd_secret` page: allocated and removed from the direct map.
  case secretmemAlloc(name: String, pages: Int)
  case secretmemFree(name: String)
  /// `alloc_pages(__GFP_UNMAPPED, order)` and its free; `unmappedShrink` runs the cache's shrinker.
  case unmappedAlloc(order: Int, name: String?)
  case unmappedFree(PageRef)
  case unmappedShrink
  /// `bpf_prog_pack_alloc(size)` / `bpf_prog_pack_free()`.
  case progPackAlloc(size: UInt64, name: String)
  case progPackFree(name: String)
  /// Song Liu's `execmem_alloc(size, align)` / `execmem_free()` (tree-based, v2 2022).
  case execmemAlloc(size: UInt64, align: UInt64, name: String)
  case execmemFree(name: String)
}
