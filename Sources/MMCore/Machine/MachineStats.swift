/// The counters `mmscope stats` reports, named after the kernel's where one exists.
public struct MachineStats: Sendable, Equatable, Codable {
  public struct Vmalloc: Sendable, Equatable, Codable {
    public var allocs = 0
    public var frees = 0
    public var failed = 0
    public var purges = 0
    public var purgedAreas = 0
    public var busyAreas = 0
    public var lazyAreas = 0
    public var lazyPages: UInt64 = 0
    public var pooledAreas = 0
    public var freeAreas = 0
    public var largestFree: UInt64 = 0
    public var fit: [String: Int] = [:]
    public var poolHits = 0
    public var nodesVisited = 0
    public var areasWalked = 0
    public var inferredAllocs = 0
    /// Imported kernel traces: areas the kernel's purges reported, and how often the engine's own
    /// choice agreed with the recorded placement.
    public var kernelPurgedAreas = 0
    public var agreements = 0
    public var unknownBelow = 0
    public var divergences = 0
    public var firstDivergence: Int? = nil

    enum CodingKeys: String, CodingKey {
      case allocs, frees, failed, purges, fit
      case purgedAreas = "purged_areas"
      case busyAreas = "busy_areas"
      case lazyAreas = "lazy_areas"
      case lazyPages = "lazy_pages"
      case pooledAreas = "pooled_areas"
      case freeAreas = "free_areas"
      case largestFree = "largest_free"
      case poolHits = "pool_hits"
      case nodesVisited = "nodes_visited"
      case areasWalked = "areas_walked"
      case inferredAllocs = "inferred_allocs"
      case kernelPurgedAreas = "kernel_purged_areas"
      case agreements, divergences
      case unknownBelow = "unknown_below"
      case firstDivergence = "first_divergence"
    }
  }

  public struct Zone: Sendable, Equatable, Codable {
    /// `free_area[order].nr_free` for orders 0..10, as /proc/buddyinfo prints them.
    public var nrFree: [Int]
    public var freePages: UInt64
    enum CodingKeys: String, CodingKey {
      case nrFree = "nr_free"
      case freePages = "free_pages"
    }
  }

  public struct Buddy: Sendable, Equatable, Codable {
    public var zones: [String: Zone] = [:]
    public var splits = 0
    public var merges = 0
    /// Memory descriptors created by splits (one per new free block); freeing creates none.
    public var descriptorsCreated = 0
    /// Pages on per-CPU lists (0 when they are off).
    public var pcpPages = 0
    /// Blocks boot handed to the free lists (`memblock_free_all`), over all zones.
    public var bootBlocks = 0
    /// Which page metadata the machine keeps (`memdesc=`), the descriptors it had to allocate (none
    /// for struct pages, which exist from boot), and the bytes of metadata now: 64 per page, or 8 per
    /// page plus one descriptor per live block (free or allocated).
    public var memdesc = false
    public var descriptorAllocations = 0
    public var pageMetadataBytes: UInt64 = 0
    enum CodingKeys: String, CodingKey {
      case zones, splits, merges, memdesc
      case descriptorAllocations = "descriptor_allocations"
      case pageMetadataBytes = "page_metadata_bytes"
      case descriptorsCreated = "descriptors_created"
      case pcpPages = "pcp_pages"
      case bootBlocks = "boot_blocks"
    }
  }

  public struct DirectMapStats: Sendable, Equatable, Codable {
    public var directMap4k: UInt64
    public var directMap2M: UInt64
    public var directMap1G: UInt64
    public var level2Splits: Int
    public var level3Splits: Int
    public var level2Collapses: Int
    public var level3Collapses: Int
    enum CodingKeys: String, CodingKey {
      case directMap4k = "DirectMap4k"
      case directMap2M = "DirectMap2M"
      case directMap1G = "DirectMap1G"
      case level2Splits = "direct_map_level2_splits"
      case level3Splits = "direct_map_level3_splits"
      case level2Collapses = "direct_map_level2_collapses"
      case level3Collapses = "direct_map_level3_collapses"
    }
  }

  public struct Expect: Sendable, Equatable, Codable {
    public var checked = 0
    public var matched = 0
    public var mismatched = 0
    public init(checked: Int = 0, matched: Int = 0, mismatched: Int = 0) {
      self.checked = checked
      self.matched = matched
      self.mismatched = mismatched
    }
  }

  /// bpf_prog_pack and execmem: requests, search work, and the metadata they hold now.
  public struct Exec: Sendable, Equatable, Codable {
    public var allocs = 0
    public var frees = 0
    public var searchWork = 0
    public var metadataBytes = 0
    /// 2 MiB packs or text chunks backing the programs now.
    public var backingChunks = 0
    enum CodingKeys: String, CodingKey {
      case allocs, frees
      case searchWork = "search_work"
      case metadataBytes = "metadata_bytes"
      case backingChunks = "backing_chunks"
    }
  }

  public var step: Int
  public var events: Int
  public var vmalloc: Vmalloc
  public var buddy: Buddy
  public var directMap: DirectMapStats
  public var expect: Expect
  public var warnings: Int
  public var exec: Exec
  /// Acquisitions and work per KVA lock, by the kernel's lock name.
  public var locks: [String: LockTotals]

  /// Reads the counters and the current state of `machine`, which stands at `step` of `events`.
  public init(machine: Machine, step: Int, events: Int, expect: Expect = Expect()) {
    self.step = step
    self.events = events
    self.expect = expect
    let c = machine.counters
    var v = Vmalloc()
    v.allocs = c.allocs
    v.frees = c.frees
    v.failed = c.failed
    v.purges = c.purges
    v.purgedAreas = c.purgedAreas
    v.poolHits = c.poolHits
    v.nodesVisited = c.nodesVisited
    v.areasWalked = c.areasWalked
    v.inferredAllocs = c.inferredAllocs
    v.kernelPurgedAreas = c.kernelPurgedAreas
    v.agreements = c.agreements
    v.divergences = c.divergences
    v.unknownBelow = c.unknownBelow
    v.firstDivergence = c.firstDivergence
    for f in FitType.allCases { v.fit[f.rawValue] = c.fit[f, default: 0] }
    let kva = machine.kva
    v.busyAreas = kva.busyAreas.count
    v.lazyAreas = kva.lazyAreas.count
    v.lazyPages = kva.lazyPages
    v.pooledAreas = kva.pooledAreas.count
    v.freeAreas = kva.freeAreas.count
    v.largestFree = kva.largestFree
    vmalloc = v
    var b = Buddy()
    b.bootBlocks = machine.memory.bootBlocks.reduce(0, +)
    for z in machine.memory.zones {
      b.zones[z.name] = Zone(nrFree: z.nrFree, freePages: z.freePages)
      b.splits += z.splits
      b.merges += z.merges
    }
    b.descriptorsCreated = c.descriptorsCreated
    b.memdesc = machine.memory.config.memdesc
    b.descriptorAllocations = b.memdesc ? c.descriptorsCreated : 0
    b.pageMetadataBytes = Self.pageMetadataBytes(machine)
    b.pcpPages = machine.memory.pcp.joined().reduce(0) { $0 + $1.count }
    buddy = b
    let d = machine.directMap
    directMap = DirectMapStats(
      directMap4k: d.directMap4k, directMap2M: d.directMap2M, directMap1G: d.directMap1G,
      level2Splits: d.level2Splits, level3Splits: d.level3Splits, level2Collapses: d.level2Collapses,
      level3Collapses: d.level3Collapses)
    warnings = c.warnings
    exec = Exec(
      allocs: c.execAllocs, frees: c.execFrees, searchWork: c.execSearchWork,
      metadataBytes: Self.execMetadataBytes(machine),
      backingChunks: machine.packs.count + machine.execBacking.count)
    locks = Dictionary(uniqueKeysWithValues: c.locks.map { ($0.key.rawValue, $0.value) })
  }

  /// Bytes the executable-memory allocators hold: a bitmap per pack, a `vmap_area` per tree node.
  public static func execMetadataBytes(_ machine: Machine) -> Int {
    machine.packs.count * Machine.packBitmapBytes + machine.execText.count * Machine.vmapAreaBytes
  }

  /// Bytes of page metadata: mainline's 64-byte struct page for every page of RAM, or with memory
  /// descriptors an 8-byte word per page and a descriptor (about 40 bytes, after Wilcox's sketch of
  /// `struct buddy`) per live block.
  public static func pageMetadataBytes(_ machine: Machine) -> UInt64 {
    let pages = machine.memory.config.pages
    guard machine.memory.config.memdesc else { return 64 * pages }
    let blocks = machine.memory.zones.reduce(0) { $0 + $1.nrFree.reduce(0, +) + $1.allocatedBlocks }
    return 8 * pages + 40 * UInt64(blocks)
  }

  enum CodingKeys: String, CodingKey {
    case step, events, vmalloc, buddy, expect, warnings, exec, locks
    case directMap = "direct_map"
  }
}
