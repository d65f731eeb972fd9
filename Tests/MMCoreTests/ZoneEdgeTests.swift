import Foundation
import Testing

@testable import MMCore

/// `buddy_merge_likely` at a zone's edges. `page_is_buddy` compares the zones of the parent's and its
/// buddy's struct pages; a parent below the zone's first pfn is the zone's own when it lies in a hole
/// (memmap_init gives a hole the zone after it), another zone's when the zone below reaches it.
@Suite struct ZoneEdgeTests {
  /// Allocates `order` from the zone and frees it again; where the freed block went.
  static func allocThenFree(_ z: inout BuddyZone, order: Int) -> (pfn: UInt64, tail: Bool, report: BuddyReport) {
    var a = BuddyReport(operation: .alloc, zone: z.name, order: order, migratetype: .movable)
    let pfn = z.rmqueueSmallest(order: order, migratetype: .movable, report: &a)!
    z.clearAllocated(pfn)
    var f = BuddyReport(operation: .free, zone: z.name, order: order, migratetype: .movable)
    z.freePages(pfn, order: order, toTail: false, report: &f)
    return (pfn, f.toTail, f)
  }

  /// Zone [1, 64) as x86-64's DMA zone starts: boot leaves pfn 1 alone at order 0 and [2, 4) at
  /// order 1. Freeing pfn 1 cannot merge (its buddy, pfn 0, is outside); the parent is pfn 0 and its
  /// buddy [2, 4) is free. With a hole below (pfn 0's struct page is the zone's): tail. With another
  /// zone ending at pfn 1: head.
  @Test func startEdgeHoleBelowGoesToTheTailAnotherZoneBelowToTheHead() {
    var hole = BuddyZone(name: "DMA", start: 1, end: 64, memmapStart: 0)
    #expect(hole.freeAllAtBoot() == 6)
    let a = Self.allocThenFree(&hole, order: 0)
    #expect(a.pfn == 1 && a.tail && a.report.resultOrder == 0 && !a.report.parentInOtherZone)
    #expect(hole.freeList(order: 0, migratetype: .movable) == [1])

    var below = BuddyZone(name: "DMA32", start: 1, end: 64, memmapStart: 1)
    below.freeAllAtBoot()
    let b = Self.allocThenFree(&below, order: 0)
    #expect(b.pfn == 1 && !b.tail && b.report.parentInOtherZone)
  }

  /// Zone [0, 63): boot hands over [0, 32), [32, 48), [48, 56), [56, 60), [60, 62) and pfn 62. Freeing pfn 62 cannot
  /// merge (pfn 63 is past the end); its parent 62 is inside the zone, so the rule is the usual one:
  /// tail while [60, 62) is free, head once it is allocated.
  @Test func endEdgeFollowsTheParentsBuddy() {
    var z = BuddyZone(name: "Normal", start: 0, end: 63)
    #expect(z.freeAllAtBoot() == 6)
    let first = Self.allocThenFree(&z, order: 0)
    #expect(first.pfn == 62 && first.tail && first.report.mergeStop == .buddyNotFree(buddyPFN: 63, order: 0))
    var r = BuddyReport(operation: .alloc, zone: z.name, order: 1, migratetype: .movable)
    #expect(z.rmqueueSmallest(order: 1, migratetype: .movable, report: &r) == 60)
    let second = Self.allocThenFree(&z, order: 0)
    #expect(second.pfn == 62 && !second.tail && !second.report.parentInOtherZone)
  }

  /// A higher order at the start edge: zone [16, 1024) with another zone below ending at 16. Boot
  /// gives [16, 32) at order 4 and [32, 64) at order 5. Allocating order 4 takes [16, 32); freeing it
  /// cannot merge with [0, 16) (outside) and the parent [0, 32) lies in the zone below: head, though
  /// [32, 64) is free. With a hole below instead (nothing below pfn 16): tail. With a zone below
  /// that ends at 8, the parent at pfn 0 is that zone's again: head.
  @Test func higherOrderAtTheStartEdge() {
    var other = BuddyZone(name: "Normal", start: 16, end: 1024, memmapStart: 16)
    other.freeAllAtBoot()
    let a = Self.allocThenFree(&other, order: 4)
    #expect(a.pfn == 16 && !a.tail && a.report.parentInOtherZone)
    var hole = BuddyZone(name: "Normal", start: 16, end: 1024, memmapStart: 0)
    hole.freeAllAtBoot()
    let b = Self.allocThenFree(&hole, order: 4)
    #expect(b.pfn == 16 && b.tail && !b.report.parentInOtherZone)
    var lower = BuddyZone(name: "Normal", start: 16, end: 1024, memmapStart: 8)
    lower.freeAllAtBoot()
    let c = Self.allocThenFree(&lower, order: 4)
    #expect(c.pfn == 16 && !c.tail && c.report.parentInOtherZone)
  }

  /// The machine wires each zone's struct pages to start where the zone below ends.
  @Test func machineZonesStartTheirMemmapAtTheZoneBelow() {
    let config = MemoryConfig(pages: 1 << 16, zones: [ZoneSpec(.dma, 1, 0x1000), ZoneSpec(.dma32, 0x1000, 1 << 16)])
    let m = PhysicalMemory(config: config, cpus: 1)
    #expect(m.zones.map(\.memmapStart) == [0, 0x1000])
  }

  /// Random allocations and frees over zones whose ends are not MAX_PAGE_ORDER-aligned, with holes
  /// or other zones below, against the reference model: every result and every free list, after every
  /// step. MMSCOPE_RANDOM_SCALE=N runs N times as many steps.
  @Test(arguments: 1...6)
  func unalignedZonesMatchTheReference(seed: UInt64) {
    let scale = Int(ProcessInfo.processInfo.environment["MMSCOPE_RANDOM_SCALE"] ?? "") ?? 1
    var rng = SeededRandom(seed: seed &* 0x5851_f42d)
    let start = rng.next() % 3000 + 1
    let end = start + 2048 + rng.next() % 6000
    let memmap = [0, start, start - min(start, rng.next() % 64)][Int(rng.next() % 3)]
    var zone = BuddyZone(name: "Normal", start: start, end: end, memmapStart: memmap)
    var ref = ReferenceBuddy(start: start, end: end, memmapStart: memmap)
    zone.freeAllAtBoot()
    func same(_ what: String) -> Bool {
      for o in 0...10 where zone.freeList(order: o, migratetype: .movable) != ref.lists[o] {
        Issue.record("zone [\(start), \(end)) memmap \(memmap), \(what): order-\(o) lists differ")
        return false
      }
      return true
    }
    guard same("after boot") else { return }
    var live: [UInt64] = []
    var steps = 0
    for step in 0..<(1500 * scale) {
      if live.isEmpty || rng.next() % 5 < 3 {
        let order = [0, 0, 0, 1, 1, 2, 3, 4, 5, 9, 10][Int(rng.next() % 11)]
        var r = BuddyReport(operation: .alloc, zone: zone.name, order: order, migratetype: .movable)
        let got = zone.rmqueueSmallest(order: order, migratetype: .movable, report: &r)
        let want = ref.alloc(order: order)
        #expect(got == want, "step \(step): alloc order \(order)")
        if let got { live.append(got) }
      } else {
        let pfn = live.remove(at: Int(rng.next() % UInt64(live.count)))
        let order = zone.allocatedBlock(at: pfn)!.order
        zone.clearAllocated(pfn)
        var r = BuddyReport(operation: .free, zone: zone.name, order: order, migratetype: .movable)
        zone.freePages(pfn, order: order, toTail: false, report: &r)
        let want = ref.free(pfn)
        #expect(
          r.resultPFN == want.pfn && r.resultOrder == want.order && r.toTail == want.tail,
          "step \(step): free \(pfn) order \(order)")
      }
      guard same("step \(step)") else { return }
      steps += 1
    }
    #expect(steps == 1500 * scale && zone.violations().isEmpty)
  }
}
