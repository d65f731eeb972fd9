import Testing

@testable import MMCore

/// Hand-worked examples of the current allocator: exact addresses, fit types, tree dumps and reports.
@Suite struct CurrentKVATests {
  let max = UInt64.max

  @Test func startsAsOneFreeAreaOverTheWholeAddressSpace() {
    let kva = CurrentKVA(config: KVAConfig(cpus: 1))
    #expect(kva.dump == ["0 B 0x1 0xffffffffffffffff 18446744073709551614"])
  }

  @Test func earlyBusyAreasLeaveGaps() {
    let kva = CurrentKVA(config: KVAConfig(cpus: 1, earlyBusy: [Span(0x2000, 0x3000), Span(0x5000, 0x8000)]))
    #expect(
      kva.free.inOrder.map { Span($0.start, $0.end) } == [Span(1, 0x2000), Span(0x3000, 0x5000), Span(0x8000, max)])
    #expect(kva.nodes[0].busy.inOrder.map(\.start) == [0x2000, 0x5000])
  }

  @Test func firstAllocationIsANoEdgeFitAndSplitsTheNode() {
    var kva = CurrentKVA(config: KVAConfig(cpus: 1))
    let r = kva.alloc(.small(0x4000))
    #expect(r.area == Span(0x10000, 0x14000))
    #expect(r.fit == .NE)
    #expect(r.chosenFree == Span(1, max))
    // NE: the original node keeps the right part; the left part is a new node linked below it.
    #expect(
      r.freeTreeChanges == [
        .clipped(.NE, before: Span(1, max), after: Span(0x14000, max)), .inserted(Span(1, 0x10000)),
      ])
    #expect(kva.dump == ["0 B 0x14000 0xffffffffffffffff 18446744073709469695", "1 R 0x1 0x10000 65535"])
    #expect(r.search.map(\.decision) == [.found])
  }

  @Test func leftEdgeThenFullThenRightEdge() {
    var kva = CurrentKVA(config: KVAConfig(cpus: 1))
    _ = kva.alloc(.small(0x4000))  // [0x10000, 0x14000) NE
    let b = kva.alloc(.small(0x2000))
    #expect(b.area == Span(0x14000, 0x16000) && b.fit == .LE)
    let c = kva.alloc(.small(0x3000))
    #expect(c.area == Span(0x16000, 0x19000) && c.fit == .LE)
    _ = kva.alloc(.small(0x1000))  // [0x19000, 0x1a000)
    // Free b and purge: an isolated 8 KiB hole between busy neighbours.
    let f = kva.free(0x14000)
    #expect(f.area == Span(0x14000, 0x16000) && f.nrLazy == 2 && f.purges.isEmpty)
    let p = kva.purge(fullDecay: false)
    #expect(p.start == 0x14000 && p.end == 0x16000 && p.areas == 1 && p.pages == 2)
    #expect(kva.lazyPages == 0)
    // The same size again: the lowest fit is exactly the hole.
    let e = kva.alloc(.small(0x2000))
    #expect(e.area == Span(0x14000, 0x16000) && e.fit == .FL)
    // Free c, purge, then ask for exactly [0x17000, 0x19000): the hole's right edge.
    _ = kva.free(0x16000)
    _ = kva.purge(fullDecay: false)
    let g = kva.alloc(KVARequest(size: 0x2000, align: 0x1000, vstart: 0x17000, vend: 0x19000))
    #expect(g.area == Span(0x17000, 0x19000) && g.fit == .RE)
    #expect(
      kva.free.inOrder.map { Span($0.start, $0.end) } == [Span(1, 0x10000), Span(0x16000, 0x17000), Span(0x1a000, max)])
  }

  @Test func freeingCoalescesWithNextThenPrevious() {
    var kva = CurrentKVA(config: KVAConfig(cpus: 1))
    for _ in 0..<3 { _ = kva.alloc(.small(0x1000)) }  // 0x10000, 0x11000, 0x12000
    _ = kva.free(0x10000)
    _ = kva.free(0x12000)
    _ = kva.purge(fullDecay: false)
    // Two isolated holes remain around the busy 0x11000; merged with their outer neighbours.
    #expect(kva.free.inOrder.map { Span($0.start, $0.end) } == [Span(1, 0x11000), Span(0x12000, max)])
    let r = kva.free(0x11000)
    #expect(r.purges.isEmpty)
    var changes: [FreeTreeChange] = []
    let p = kva.purge(fullDecay: false, changes: &changes)
    #expect(p.areas == 1)
    // Next first (0x12000..), then the predecessor grows over both and the next node is erased.
    #expect(
      changes == [
        .mergedNext(freed: Span(0x11000, 0x12000), into: Span(0x12000, max), result: Span(0x11000, max)),
        .erased(Span(0x11000, max)),
        .mergedPrev(freed: Span(0x11000, 0x12000), into: Span(1, 0x11000), result: Span(1, max)),
      ])
    #expect(kva.dump == ["0 B 0x1 0xffffffffffffffff 18446744073709551614"])
  }

  @Test func alignmentAbovePageSizePadsTheSearchLength() {
    var kva = CurrentKVA(config: KVAConfig(cpus: 1))
    _ = kva.alloc(.small(0x1000))  // [0x10000, 0x11000)
    let r = kva.alloc(.small(0x4000, align: 0x8000))
    // ALIGN(0x11000, 0x8000) = 0x18000: NE leaves [0x11000, 0x18000) free on the left.
    #expect(r.area == Span(0x18000, 0x1c000) && r.fit == .NE)
  }

  /// The tree's shape decides: a 32 KiB-aligned 16 KiB hole off the search path is skipped even though
  /// it is the lowest fit, while one that is itself a node on the path is returned.
  @Test func treeShapeDecidesWhenAlignExceedsPageSize() {
    func holes(freeing order: [Int]) -> CurrentKVA {
      var kva = CurrentKVA(config: KVAConfig(cpus: 1))
      for _ in 0..<16 { _ = kva.alloc(KVARequest(size: 0x4000, align: 0x4000, vstart: 0x10_0000, vend: 0x100_0000)) }
      for i in order {
        _ = kva.free(0x10_0000 + UInt64(i) * 0x4000)
        _ = kva.purge(fullDecay: false)
      }
      return kva
    }
    let req = KVARequest(size: 0x4000, align: 0x8000, vstart: 0x10_0000, vend: 0x100_0000)
    // Off the path (the kernel oracle's sequence): 0x108000 fits but sits under a subtree whose maximum
    // is below 16 KiB + 32 KiB - 1, so the kernel returns 0x128000.
    var off = holes(freeing: [5, 10, 11, 12, 2])
    #expect(off.dump[0] == "0 B 0x114000 0x118000 18446744073708240895")
    let a = off.alloc(req)
    #expect(a.area?.start == 0x12_8000)
    // Left into [1, 0x100000) (nothing there above vstart), back up: the root [0x114000, 0x118000) does
    // not hold an aligned 16 KiB, but its right subtree may, so vstart moves past the root; then left
    // to [0x128000, 0x134000), which holds it.
    #expect(a.search.map(\.decision) == [.left, .deadEnd, .rollBackRight, .left, .found])
    #expect(a.search[2].vstart == 0x10_0000 && a.search[3].vstart == 0x11_4001)
    // On the path: freeing 0x118000 instead of 0x114000 makes the root itself a 32 KiB-aligned
    // 16 KiB hole. The descent goes left, finds nothing above vstart, climbs back and takes the root,
    // although 0x108000 is lower.
    var on = holes(freeing: [6, 10, 11, 12, 2])
    #expect(on.dump[0] == "0 B 0x118000 0x11c000 18446744073708240895")
    let b = on.alloc(req)
    #expect(b.area == Span(0x11_8000, 0x11_c000) && b.fit == .FL)
    #expect(b.search.last?.decision == .found)
  }

  @Test func lazyAreasStayReservedUntilPurged() {
    var kva = CurrentKVA(config: KVAConfig(cpus: 1))
    _ = kva.alloc(.small(0x1000))
    _ = kva.free(0x10000)
    // The freed range is neither busy nor free: a new request goes above it.
    let r = kva.alloc(.small(0x1000))
    #expect(r.area?.start == 0x11000)
    #expect(kva.nodes[0].lazy.inOrder.map(\.start) == [0x10000])
  }

  @Test func crossingLazyMaxPagesPurgesAtOnce() {
    // One CPU: lazy_max_pages() = 8192 pages. Two 4096-page areas reach it; a third crosses it.
    var kva = CurrentKVA(config: KVAConfig(cpus: 1))
    for _ in 0..<3 { _ = kva.alloc(KVARequest(size: 4096 * 4096)) }
    let base = KernelConstants.vmallocStart
    #expect(kva.free(base).purges.isEmpty)
    #expect(kva.free(base + 4096 * 4096).purges.isEmpty)
    let third = kva.free(base + 2 * 4096 * 4096)
    #expect(third.nrLazy == 12288)
    #expect(third.purges.count == 1 && third.purges[0].areas == 3 && third.lazyPages == 0)
    #expect(kva.free.count == 1)
  }

  @Test func freeInsideAnAreaFreesTheWholeArea() {
    // v6.18's lookup finds the area containing the address, as vfree() of an interior page would.
    var kva = CurrentKVA(config: KVAConfig(cpus: 1))
    _ = kva.alloc(.small(0x4000))
    let r = kva.free(0x12000)
    #expect(r.area == Span(0x10000, 0x14000) && r.interiorAddress)
  }

  @Test func poolServesTheSameSizeOnTheSameNode() {
    // Two nodes: a full-window allocation is tagged with the CPU's node; once purged, the area waits in
    // that node's pool and the next same-size request on that node takes it without a tree search.
    var kva = CurrentKVA(config: KVAConfig(cpus: 2))
    let a = kva.alloc(KVARequest(size: 0x2000, cpu: 1))
    #expect(a.vmapNode == 1 && !a.poolHit)
    _ = kva.free(a.area!.start)
    let p = kva.purge(fullDecay: false)
    #expect(p.pooled == 1)
    #expect(kva.nodes[1].pooledAreas.map(\.pages) == [2])
    let b = kva.alloc(KVARequest(size: 0x2000, cpu: 1))
    #expect(b.poolHit && b.area == a.area && b.search.isEmpty)
    // Another CPU's node has nothing pooled: it searches the tree.
    let c = kva.alloc(KVARequest(size: 0x2000, cpu: 0))
    #expect(!c.poolHit && !c.search.isEmpty)
  }

  @Test func searchReportsEveryVisitedNodeAndMaxChange() {
    var kva = CurrentKVA(config: KVAConfig(cpus: 1))
    _ = kva.alloc(.small(0x4000))
    let r = kva.alloc(.small(0x2000))
    // Root [0x14000, max) with left child [1, 0x10000): the left subtree is big enough and lies above
    // vstart's start, so the descent goes left; nothing there ends above vstart + 8 KiB, so it climbs
    // back and takes the root (LE), whose maximum shrinks by 8 KiB.
    #expect(r.search.map(\.decision) == [.left, .deadEnd, .found] && r.visited == 3)
    #expect(r.search.map(\.area) == [Span(0x14000, max), Span(1, 0x10000), Span(0x14000, max)])
    #expect(r.maxChanges == [MaxChange(area: Span(0x16000, max), old: max - 0x14000, new: max - 0x16000)])
  }
}
