/// Which zone a request may start from (the gfp zone modifiers).
public enum ZoneType: String, Sendable, Codable, CaseIterable, Comparable {
  case dma = "DMA"
  case dma32 = "DMA32"
  case normal = "Normal"

  public static func < (a: ZoneType, b: ZoneType) -> Bool {
    allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
  }
}

/// One zone's pfn range.
public struct ZoneSpec: Sendable, Equatable, Codable {
  public var type: ZoneType
  public var start: UInt64
  public var end: UInt64
  public init(_ type: ZoneType, _ start: UInt64, _ end: UInt64) {
    self.type = type
    self.start = start
    self.end = end
  }
}

/// Physical memory: its size, its zones, and the options that change how pages are handed out.
public struct MemoryConfig: Sendable, Equatable, Codable {
  /// RAM in pages, mapped by the direct map from pfn 0.
  public var pages: UInt64
  public var zones: [ZoneSpec]
  /// 1 GiB direct-map pages (`direct_gbpages`, on by default on x86-64).
  public var gbpages: Bool
  /// Per-CPU page lists (off by default; on when a trace shows them).
  public var perCPULists: Bool
  /// Rapoport's `__GFP_UNMAPPED` cache for module and secretmem pages.
  public var unmappedCache: Bool
  /// Pageblock migratetypes other than Movable, set before boot frees the zones: first pfn → type.
  public var pageblockTypes: [UInt64: Migratetype] = [:]
  /// Off: an allocation is served only by `__rmqueue_smallest` of its own migratetype (no claiming or
  /// stealing from another type's lists), ENOMEM otherwise: the kernel's core path, for exercises.
  public var fallback = true
  /// How page metadata is kept: off, mainline's 64-byte `struct page` for every page; on, Wilcox's
  /// memory descriptors (an 8-byte word per page and a descriptor per block, allocated by splits).
  /// It changes only the metadata accounting, never a placement.
  public var memdesc = false

  /// x86-64's zones for `bytes` of RAM: DMA below 16 MiB (pfn 0 stays reserved, as on real machines),
  /// DMA32 below 4 GiB, Normal above.
  public init(bytes: UInt64 = 8 << 30, gbpages: Bool = true, perCPULists: Bool = false, unmappedCache: Bool = false) {
    pages = bytes / KernelConstants.pageSize
    var zones: [ZoneSpec] = []
    let dmaEnd: UInt64 = 4096
    let dma32End: UInt64 = 1 << 20
    if pages > 1 { zones.append(ZoneSpec(.dma, 1, min(pages, dmaEnd))) }
    if pages > dmaEnd { zones.append(ZoneSpec(.dma32, dmaEnd, min(pages, dma32End))) }
    if pages > dma32End { zones.append(ZoneSpec(.normal, dma32End, pages)) }
    self.zones = zones
    self.gbpages = gbpages
    self.perCPULists = perCPULists
    self.unmappedCache = unmappedCache
  }

  /// Explicit zones (a trace's machine line can give them).
  public init(
    pages: UInt64, zones: [ZoneSpec], gbpages: Bool = true, perCPULists: Bool = false, unmappedCache: Bool = false
  ) {
    self.pages = pages
    self.zones = zones
    self.gbpages = gbpages
    self.perCPULists = perCPULists
    self.unmappedCache = unmappedCache
  }
}
