import Testing

@testable import MMCore

/// The machine's physical half, worked by hand: pages behind vmalloc, claims and steals, the direct
/// map under modules and secretmem with and without the unmapped cache, and executable-memory sharing.
@Suite struct PhysicalMachineTests {
  static let mib: UInt64 = 1 << 20

  func machine(_ bytes: UInt64, unmapped: Bool = false, pcp: Bool = false, gbpages: Bool = true) -> Machine {
    Machine(
      config: MachineConfig(
        cpus: 1, memory: MemoryConfig(bytes: bytes, gbpages: gbpages, perCPULists: pcp, unmappedCache: unmapped)))
  }

  @Test func zonesFollowTheX86Layout() {
    let m = machine(8 << 30)
    #expect(m.memory.zones.map(\.name) == ["DMA", "DMA32", "Normal"])
    #expect(m.memory.zones.map(\.start) == [1, 4096, 1 << 20])
    #expect(m.memory.zones.map(\.end) == [4096, 1 << 20, 2 << 20])
    // DMA starts at pfn 1: blocks of order 0, 1, ... 9 up to pfn 1024, then three order-10 blocks.
    #expect(m.memory.bootBlocks[0] == 13 && m.memory.zones[0].freePages == 4095)
    #expect(m.memory.zones[0].nrFree == [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 3])
    #expect(m.memory.zones[2].nrFree[10] == 1024)
    #expect(m.violations().isEmpty)
  }

  /// Page metadata is shared between copies in chunks: a copy changed afterwards (a timeline's
  /// replay from a checkpoint) must leave the original exactly as it was, chunk by chunk.
  @Test func copiesOfTheBuddyStateStayIndependent() {
    var original = machine(64 * Self.mib)
    _ = original.apply(.allocPages(order: 0, migratetype: .movable, zone: .normal, cpu: 0, name: "a"))
    let snapshot = original
    let before = original.memory.zones.map(\.nrFree)
    var copy = original
    for i in 0..<300 {
      _ = copy.apply(.allocPages(order: i % 4, migratetype: .unmovable, zone: .normal, cpu: 0, name: "p\(i)"))
    }
    _ = copy.apply(.freePages(.name("a"), order: 0, cpu: 0))
    #expect(copy.memory.zones.map(\.nrFree) != before)
    #expect(original.memory.zones.map(\.nrFree) == before && original.violations().isEmpty && copy.violations().isEmpty)
    // The original still holds "a" where the copy freed it, and nothing the copy allocated.
    let pfn = original.pageNames["a"]!.pfn
    let zone = original.memory.zones.first { $0.contains(pfn) }!
    #expect(zone.allocatedBlock(at: pfn) != nil)
    #expect(copy.memory.zones.first { $0.contains(pfn) }!.allocatedBlock(at: pfn) == nil)
    #expect(original.memory.zones.reduce(0) { $0 + $1.allocatedBlocks } == 1)
    #expect(snapshot.memory.zones.map(\.nrFree) == before)
  }

  @Test func vmallocTakesUnmovablePagesAndClaimsABlock() {
    var m = machine(64 * Self.mib)
    let r = m.apply(.vmalloc(VmallocRequest(size: 3 * 4096, name: "v")))
    // No Normal zone: DMA32 serves. The first unmovable page claims the lowest movable 4 MiB block
    // (both its pageblocks become unmovable) and splits it ten times; the next two split once more.
    let pfns = m.backing[r.kva!.area!.start]!.pfns
    #expect(pfns == [4096, 4097, 4098])
    #expect(r.buddy[0].source == .claimed && r.buddy[0].takenOrder == 10 && r.buddy[0].takenMigratetype == .movable)
    #expect(r.buddy[0].pageblocksChanged == [4096, 4608])
    #expect(r.buddy[0].splits.map(\.order) == [9, 8, 7, 6, 5, 4, 3, 2, 1, 0])
    #expect(r.buddy[1].source == .smallest && r.buddy[2].splits == [BuddySplit(pfn: 4099, order: 0)])
    #expect(r.descriptorsCreated == 11 && r.pagesAllocated == 3)
    #expect(m.memory.zones[1].pageblockMigratetype(4096) == .unmovable)
    #expect(m.violations().isEmpty)
    // vfree gives the pages back at once (the address space only after a purge); they merge back
    // into the 4 MiB block, now on the unmovable list.
    let f = m.apply(.vfree(.name("v"), cpu: 0))
    #expect(f.pagesFreed == 3 && f.descriptorsCreated == 0)
    #expect(m.memory.zones[1].freeList(order: 10, migratetype: .unmovable) == [4096])
    #expect(m.kva.lazyAreas.count == 1)
    #expect(m.violations().isEmpty)
  }

  @Test func largeFallbackBlocksAreClaimedEvenForMovable() {
    // A whole free 4 MiB unmovable block: from pageblock_order / 2 up, claiming is always tried.
    var zone = BuddyZone(name: "Normal", start: 0, end: 1024, migratetype: .unmovable)
    zone.freeAllAtBoot()
    var r = BuddyReport(operation: .alloc, zone: "Normal", order: 0, migratetype: .movable)
    #expect(zone.rmqueue(order: 0, migratetype: .movable, noFragment: false, report: &r) == 0)
    #expect(r.source == .claimed && r.pageblocksChanged == [0, 512] && zone.pageblockMigratetype(0) == .movable)
  }

  @Test func smallFallbackBlocksAreStolenWithoutClaiming() {
    // Only an order-3 unmovable block is free: a movable order-0 request does not try to claim below
    // pageblock_order / 2, so it steals: the block is split on the unmovable lists and the pageblock
    // stays unmovable.
    var zone = BuddyZone(name: "Normal", start: 0, end: 8, migratetype: .unmovable)
    zone.freeAllAtBoot()
    var r = BuddyReport(operation: .alloc, zone: "Normal", order: 0, migratetype: .movable)
    #expect(zone.rmqueue(order: 0, migratetype: .movable, noFragment: false, report: &r) == 0)
    #expect(r.source == .stolen && r.pageblocksChanged.isEmpty && r.takenOrder == 3)
    #expect(zone.freeList(order: 2, migratetype: .unmovable) == [4])
    #expect(zone.freeList(order: 0, migratetype: .unmovable) == [1])
    #expect(zone.pageblockMigratetype(0) == .unmovable)
    #expect(zone.allocatedBlock(at: 0)?.migratetype == .movable)
    // With ALLOC_NOFRAGMENT nothing below a pageblock may be claimed or stolen.
    var n = BuddyReport(operation: .alloc, zone: "Normal", order: 0, migratetype: .movable)
    #expect(zone.rmqueue(order: 0, migratetype: .movable, noFragment: true, report: &n) == nil)
    #expect(zone.violations().isEmpty)
  }

  @Test func unmovableClaimsAPageblockWhenHalfOfItIsFree() {
    var zone = BuddyZone(name: "Normal", start: 0, end: 512)
    zone.freeAllAtBoot()
    // One order-9 movable block: an unmovable order-0 request claims it (> 256 free pages).
    var r = BuddyReport(operation: .alloc, zone: "Normal", order: 0, migratetype: .unmovable)
    #expect(zone.rmqueue(order: 0, migratetype: .unmovable, noFragment: false, report: &r) == 0)
    #expect(r.source == .claimed && zone.pageblockMigratetype(0) == .unmovable)
    #expect(zone.violations().isEmpty)
  }

  @Test func perCPUListsRefillInBatchesAndHideFrees() {
    var m = machine(64 * Self.mib, pcp: true)
    let batch = m.memory.pcp[0][1].batch
    #expect(batch == 3)  // DMA32 of 12288 pages: 12288 >> 10 = 12, / 4 = 3, rounddown_pow2(4) - 1 = 3
    let a = m.apply(.allocPages(order: 0, migratetype: .movable, zone: .dma32, cpu: 0, name: "a"))
    #expect(a.buddy[0].source == .pcp && a.buddy[0].pcpBatch == 3)
    #expect(m.memory.pcp[0][1].count == 2)
    #expect(m.memory.pcp[0][1].lists[1].map { $0 } == [4097, 4098])
    let f = m.apply(.freePages(.name("a"), order: 0, cpu: 0))
    #expect(f.buddy[0].source == .pcp && m.memory.pcp[0][1].lists[1].first == 4096)
    #expect(m.memory.zones[1].freePages + 3 == m.memory.zones[1].spannedPages)
    m.memory.drainAllPCP()
    #expect(m.memory.pcp[0][1].count == 0 && m.memory.zones[1].freePages == m.memory.zones[1].spannedPages)
    #expect(m.violations().isEmpty)
  }

  /// A module's text and rodata pages sit in one 2 MiB region of the first gigabyte: making them
  /// read-only splits the 1 GiB page, then that 2 MiB page. With the unmapped cache the pages come from
  /// a 2 MiB block taken out of the direct map whole: the gigabyte splits, the 2 MiB page does not.
  @Test func modulesSplitTheDirectMapUnlessTheUnmappedCacheHoldsTheirPages() {
    let layout = ModuleLayout(text: 8192, rodata: 4096, data: 4096)
    var plain = machine(2 << 30)
    let r = plain.apply(.loadModule(name: "m", layout, cpu: 0))
    #expect(r.refusal == nil)
    #expect(plain.directMap.level3Splits == 1 && plain.directMap.level2Splits == 1)
    #expect(plain.directMap.lookup(4096)?.attrs == [.present, .nx])  // text page: RO alias (NX kept)
    #expect(plain.directMap.lookup(4098)?.attrs == [.present, .nx])  // rodata
    #expect(plain.directMap.lookup(4099)?.attrs == .kernel)  // data
    #expect(plain.modules["m"]!.count == 3)
    #expect(plain.violations().isEmpty)

    var cached = machine(2 << 30, unmapped: true)
    let c = cached.apply(.loadModule(name: "m", layout, cpu: 0))
    #expect(c.refusal == nil && c.unmappedRefills == [BuddySplit(pfn: 4096, order: 9)])
    #expect(cached.directMap.level3Splits == 1 && cached.directMap.level2Splits == 0)
    #expect(cached.directMap.lookup(4096)?.level == .pmd && cached.directMap.lookup(4096)?.attrs == [.nx])
    #expect(cached.violations().isEmpty)

    // Unloading: vm_reset_perms resets the plain module's aliases page by page (and purges); the
    // cached module's pages go back to the cache, still unmapped.
    let u = plain.apply(.unloadModule(name: "m"))
    #expect(u.kva?.purges.isEmpty == false)
    #expect(plain.directMap.lookup(4096)?.attrs == .kernel)
    #expect(plain.violations().isEmpty)
    _ = cached.apply(.unloadModule(name: "m"))
    #expect(cached.unmapped.freePages == 512)
    let s = cached.apply(.unmappedShrink)
    #expect(s.unmappedReleases == [BuddySplit(pfn: 4096, order: 9)])
    #expect(cached.directMap.lookup(4096)?.attrs == .kernel && cached.directMap.level2Splits == 0)
    #expect(cached.violations().isEmpty)
  }

  @Test func secretmemPagesLeaveTheDirectMap() {
    var m = machine(2 << 30, gbpages: false)
    _ = m.apply(.secretmemAlloc(name: "s", pages: 2))
    let pfns = m.secretmem["s"]!
    #expect(m.directMap.level2Splits == 1)
    #expect(pfns.allSatisfy { m.directMap.lookup($0)?.attrs == [.nx] })
    _ = m.apply(.secretmemFree(name: "s"))
    #expect(pfns.allSatisfy { m.directMap.lookup($0)?.attrs == .kernel })
    #expect(m.violations().isEmpty)
  }

  @Test func progPackSharesA2MiBPackInChunks() {
    var m = machine(256 * Self.mib)
    let a = m.apply(.progPackAlloc(size: 100, name: "a")).exec!
    let base = a.address!
    #expect(a.newBacking == Span(base, base + ProgPack.packSize) && a.metadataBytes == 4096)
    #expect(m.apply(.progPackAlloc(size: 200, name: "b")).exec?.address == base + 128)
    _ = m.apply(.progPackFree(name: "a"))
    // First fit: the two freed chunks at the start take a 64-byte program.
    let c = m.apply(.progPackAlloc(size: 64, name: "c")).exec!
    #expect(c.address == base && c.newBacking == nil && c.searchWork == 1)
    _ = m.apply(.progPackFree(name: "b"))
    let last = m.apply(.progPackFree(name: "c")).exec!
    #expect(last.releasedBacking == Span(base, base + ProgPack.packSize) && m.packs.isEmpty)
    #expect(m.violations().isEmpty)
  }

  @Test func execmemTreeSplitsA2MiBChunkAtByteGranularity() {
    var m = machine(256 * Self.mib)
    let a = m.apply(.execmemAlloc(size: 100, align: 64, name: "a")).exec!
    let chunk = a.newBacking!
    #expect(chunk.size == 2 << 20 && chunk.start % (2 << 20) == 0)
    #expect(a.address == chunk.start && a.fit == .LE && a.metadataBytes == 72)
    // 200 bytes at 64-byte alignment: roundup(start + 100, 64) = start + 128, leaving a 28-byte hole.
    let b = m.apply(.execmemAlloc(size: 200, align: 64, name: "b")).exec!
    #expect(b.address == chunk.start + 128 && b.fit == .NE && b.metadataBytes == 144)
    // The chunk was mapped with one order-9 page: making it RO+X changed its 2 MiB alias in place.
    #expect(m.directMap.level2Splits == 0)
    _ = m.apply(.execmemFree(name: "a"))
    let last = m.apply(.execmemFree(name: "b")).exec!
    #expect(last.releasedBacking == chunk && m.execText.count == 0 && m.execBacking.isEmpty)
    #expect(m.violations().isEmpty)
  }

  @Test func badPageOperationsChangeNothing() {
    var m = machine(64 * Self.mib)
    _ = m.apply(.allocPages(order: 2, migratetype: .movable, zone: .dma32, cpu: 0, name: "p"))
    let pfn = m.pageNames["p"]!.pfn
    let before = (m.memory.zones.map(\.nrFree), m.memory.zones.map(\.freePages), m.directMap.leaves)
    let bad: [(Operation, String)] = [
      (.freePages(.pfn(pfn), order: 1, cpu: 0), "allocated with order 2"),
      (.freePages(.pfn(pfn + 1), order: nil, cpu: 0), "does not start an allocated block"),
      (.freePages(.pfn(1 << 30), order: nil, cpu: 0), "outside every zone"),
      (.freePages(.name("nope"), order: nil, cpu: 0), "no pages are named"),
      (.allocPages(order: 11, migratetype: .movable, zone: .normal, cpu: 0, name: nil), "outside 0...10"),
      (.setMemory(.ro, .address(KernelConstants.pageOffset + (1 << 40)), pages: 1), "neither in the direct map"),
      (.setMemory(.ro, .address(KernelConstants.vmallocStart), pages: 1), "neither in the direct map"),
      (.setMemory(.ro, .address(KernelConstants.pageOffset + 5), pages: 1), "page-aligned"),
      (.unloadModule(name: "none"), "no module named"),
      (.secretmemFree(name: "none"), "no secretmem"),
    ]
    for (op, message) in bad {
      let r = m.apply(op)
      #expect(r.failure?.contains(message) == true, "\(op): \(r.failure ?? "no error")")
      #expect((m.memory.zones.map(\.nrFree), m.memory.zones.map(\.freePages), m.directMap.leaves) == before)
    }
    _ = m.apply(.freePages(.name("p"), order: nil, cpu: 0))
    let twice = m.apply(.freePages(.pfn(pfn), order: nil, cpu: 0))
    #expect(twice.failure?.contains("already freed") == true)
    #expect(m.violations().isEmpty)
  }
}
