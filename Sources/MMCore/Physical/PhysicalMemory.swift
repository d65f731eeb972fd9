/// The buddy allocator over all zones, with the zonelist fallback a `GFP_KERNEL` request walks and,
/// optionally, per-CPU page lists in front of it.
public struct PhysicalMemory: Sendable {
  public let config: MemoryConfig
  /// Zones from the lowest (DMA) up.
  public internal(set) var zones: [BuddyZone]
  /// `[cpu][zone]`, empty unless per-CPU lists are on.
  public internal(set) var pcp: [[PerCPULists]]
  /// Boot's blocks handed to each zone.
  public internal(set) var bootBlocks: [Int]
  /// Each zone's type, and whether a Normal zone sits above a DMA32 one (ALLOC_NOFRAGMENT applies).
  let zoneTypes: [ZoneType]
  let noFragmentApplies: Bool

  /// Owner recorded for blocks sitting on a per-CPU list.
  static let pcpOwner = UInt32.max

  /// Every zone freed as boot frees it.
  public init(config: MemoryConfig, cpus: Int) {
    self.config = config
    zoneTypes = config.zones.map(\.type)
    noFragmentApplies = zoneTypes.contains(.normal) && zoneTypes.contains(.dma32)
    zones = config.zones.map { BuddyZone(name: $0.type.rawValue, start: $0.start, end: $0.end) }
    // Each zone's struct pages start where the zone below ends (a hole between belongs to the upper).
    for i in zones.indices.dropFirst() { zones[i].memmapStart = zones[i - 1].end }
    for i in zones.indices { zones[i].fallback = config.fallback }
    for (pfn, mt) in config.pageblockTypes {
      if let z = zones.firstIndex(where: { $0.contains(pfn) }) { zones[z].setPageblockMigratetype(pfn, mt) }
    }
    bootBlocks = zones.indices.map { _ in 0 }
    for i in zones.indices { bootBlocks[i] = zones[i].freeAllAtBoot() }
    if config.perCPULists {
      pcp = (0..<max(1, cpus)).map { _ in
        config.zones.map { z in
          let managed = z.end - z.start
          let batch = PerCPULists.batchSize(managedPages: managed)
          return PerCPULists(batch: batch, high: max(batch << 2, Int(managed / 8) / max(1, cpus)))
        }
      }
    } else {
      pcp = []
    }
  }

  public func zoneIndex(of pfn: UInt64) -> Int? { zones.firstIndex { $0.contains(pfn) } }

  public func zoneIndex(_ type: ZoneType) -> Int? { config.zones.firstIndex { $0.type == type } }

  public var totalFreePages: UInt64 {
    zones.reduce(0) { $0 + $1.freePages } + UInt64(pcp.joined().reduce(0) { $0 + $1.count })
  }

  // MARK: Allocation

  /// `alloc_pages()`: zones from `highest` down (Normal → DMA32 → DMA for GFP_KERNEL), first avoiding
  /// fragmenting fallbacks (`ALLOC_NOFRAGMENT`, when the request starts in Normal above a DMA32
  /// zone), then allowing them. No watermarks, reclaim or compaction: a request fails only when no
  /// zone has a block.
  public mutating func allocPages(
    order: Int, migratetype mt: Migratetype, highest: ZoneType = .normal, cpu: Int = 0, owner: UInt32 = 0
  ) -> BuddyReport {
    var report = BuddyReport(operation: .alloc, zone: "", order: order, migratetype: mt)
    guard (0...BuddyConstants.maxOrder).contains(order) else {
      report.error = .invalidOrder(order)
      return report
    }
    let noFragmentFirst = highest == .normal && noFragmentApplies
    for pass in noFragmentFirst ? [true, false] : [false] {
      for z in zones.indices.reversed() where zoneTypes[z] <= highest {
        report.zone = zones[z].name
        var attempt = BuddyReport(operation: .alloc, zone: zones[z].name, order: order, migratetype: mt)
        let got: UInt64?
        if !pcp.isEmpty && PerCPULists.allowed(order: order) && mt.rawValue < 3 {
          got = allocFromPCP(zone: z, cpu: cpu % pcp.count, order: order, mt: mt, noFragment: pass, report: &attempt)
        } else {
          got = zones[z].rmqueue(order: order, migratetype: mt, noFragment: pass, report: &attempt)
        }
        if let pfn = got {
          zones[z].markAllocated(pfn, order: order, mt: mt, owner: owner)
          attempt.pfn = pfn
          return attempt
        }
      }
    }
    report.error = .noMemory(order: order)
    return report
  }

  /// A block a recorded kernel handed out: taken exactly (see `BuddyZone.takeExact`). The report's
  /// error says when the model did not hold those pages free (they were allocated before the trace).
  public mutating func allocPagesAt(_ pfn: UInt64, order: Int, migratetype mt: Migratetype, owner: UInt32 = 0)
    -> BuddyReport
  {
    var report = BuddyReport(operation: .alloc, zone: "", order: order, migratetype: mt)
    guard (0...BuddyConstants.maxOrder).contains(order) else {
      report.error = .invalidOrder(order)
      return report
    }
    guard let z = zoneIndex(of: pfn) else {
      report.error = .outsideMemory(pfn)
      return report
    }
    report.zone = zones[z].name
    guard zones[z].takeExact(pfn, order: order, migratetype: mt, report: &report) != nil else {
      report.error = .notFree(pfn)
      return report
    }
    zones[z].setOwner(pfn, owner)
    return report
  }

  /// `rmqueue_pcplist()`: the head of the CPU's list, refilled with a batch from the buddy lists
  /// (`rmqueue_bulk`, each block added at the tail) when empty.
  mutating func allocFromPCP(
    zone z: Int, cpu: Int, order: Int, mt: Migratetype, noFragment: Bool, report: inout BuddyReport
  )
    -> UInt64?
  {
    let i = PerCPULists.index(order: order, migratetype: mt)
    if pcp[cpu][z].lists[i].isEmpty {
      let batch = pcp[cpu][z].batch
      let n = batch > 1 ? max(batch >> order, 2) : 1
      for _ in 0..<n {
        var bulk = BuddyReport(operation: .alloc, zone: zones[z].name, order: order, migratetype: mt)
        guard let pfn = zones[z].rmqueue(order: order, migratetype: mt, noFragment: noFragment, report: &bulk) else {
          break
        }
        zones[z].markAllocated(pfn, order: order, mt: mt, owner: Self.pcpOwner)
        pcp[cpu][z].lists[i].append(pfn)
        pcp[cpu][z].count += 1 << order
        report.splits += bulk.splits
        report.pageblocksChanged += bulk.pageblocksChanged
        report.pcpBatch += 1
      }
    }
    guard let pfn = pcp[cpu][z].lists[i].popFirst() else { return nil }
    pcp[cpu][z].count -= 1 << order
    report.source = .pcp
    return pfn
  }

  // MARK: Free

  /// `__free_pages()`: the block starting at `pfn` goes back (through the CPU's list when per-CPU
  /// lists are on and the order allows). `order` must match the allocation when given.
  public mutating func freePages(_ pfn: UInt64, order: Int? = nil, cpu: Int = 0) -> BuddyReport {
    guard let z = zoneIndex(of: pfn) else {
      var r = BuddyReport(operation: .free, zone: "", order: order ?? 0, migratetype: .movable)
      r.error = .outsideMemory(pfn)
      return r
    }
    var report = BuddyReport(operation: .free, zone: zones[z].name, order: order ?? 0, migratetype: .movable)
    guard let block = zones[z].allocatedBlock(at: pfn), block.owner != Self.pcpOwner else {
      report.error = .notAllocated(pfn)
      return report
    }
    if let order, order != block.order {
      report.error = .wrongOrder(pfn: pfn, given: order, actual: block.order)
      return report
    }
    report.order = block.order
    report.pfn = pfn
    let mt = zones[z].pageblockMigratetype(pfn)
    report.migratetype = mt
    if !pcp.isEmpty && PerCPULists.allowed(order: block.order) && mt.rawValue < 3 {
      let c = cpu % pcp.count
      zones[z].setOwner(pfn, Self.pcpOwner)
      pcp[c][z].lists[PerCPULists.index(order: block.order, migratetype: mt)].prepend(pfn)
      pcp[c][z].count += 1 << block.order
      report.source = .pcp
      if pcp[c][z].count >= pcp[c][z].high {
        drainPCP(
          zone: z, cpu: c, pages: pcp[c][z].batch, first: PerCPULists.index(order: block.order, migratetype: mt),
          report: &report)
      }
      return report
    }
    zones[z].clearAllocated(pfn)
    zones[z].freePages(pfn, order: block.order, toTail: false, report: &report)
    return report
  }

  /// `free_pcppages_bulk()`: round-robin over the lists starting with `first`, oldest (tail) first.
  mutating func drainPCP(zone z: Int, cpu c: Int, pages: Int, first: Int, report: inout BuddyReport) {
    var count = pages
    var i = first - 1
    while count > 0 && pcp[c][z].count > 0 {
      repeat {
        i += 1
        if i >= PerCPULists.listCount { i = 0 }
      } while pcp[c][z].lists[i].isEmpty
      let order = PerCPULists.order(ofIndex: i)
      repeat {
        let pfn = pcp[c][z].lists[i].removeLast()
        count -= 1 << order
        pcp[c][z].count -= 1 << order
        zones[z].clearAllocated(pfn)
        var r = BuddyReport(operation: .free, zone: zones[z].name, order: order, migratetype: .movable)
        zones[z].freeOnePage(
          pfn, order: order, migratetype: zones[z].pageblockMigratetype(pfn), toTail: false, report: &r)
        report.merges += r.merges
        report.pcpBatch += 1
      } while count > 0 && !pcp[c][z].lists[i].isEmpty
    }
  }

  /// Empties every per-CPU list back to the buddy lists (`drain_all_pages`).
  public mutating func drainAllPCP() {
    for c in pcp.indices {
      for z in pcp[c].indices where pcp[c][z].count > 0 {
        var r = BuddyReport(operation: .free, zone: zones[z].name, order: 0, migratetype: .movable)
        drainPCP(zone: z, cpu: c, pages: pcp[c][z].count, first: 0, report: &r)
      }
    }
  }
}
