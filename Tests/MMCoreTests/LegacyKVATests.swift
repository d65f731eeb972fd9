import Foundation
import Testing

@testable import MMCore

/// The pre-5.2 allocator: randomized runs with invariants after every step, and the same workload
/// under both policies to show the O(N) walk beside the O(log N) descent.
@Suite struct LegacyKVATests {
  static let page = KernelConstants.pageSize

  /// First fit over the holes between `occupied` (sorted), from vstart: what the walk finds when it
  /// starts from vstart rather than from the cache.
  func firstFit(_ occupied: [Span], size: UInt64, align: UInt64, vstart: UInt64, vend: UInt64) -> UInt64? {
    var addr = KernelMath.alignUp(vstart, align)
    for s in occupied where s.end > addr {
      if addr + size <= s.start { break }
      addr = KernelMath.alignUp(s.end, align)
    }
    return addr + size <= vend ? addr : nil
  }

  @Test func randomWorkloadKeepsInvariantsAndFirstFit() {
    let steps = 20000 * (Int(ProcessInfo.processInfo.environment["MMSCOPE_RANDOM_SCALE"] ?? "") ?? 1)
    var kva = LegacyKVA(config: KVAConfig(cpus: 1, policy: .legacy))
    var rng = SeededRandom(seed: 42)
    var occupied: [Span] = []  // busy and lazy, sorted: an independent record of the list
    var live: [UInt64] = []
    let vstart: UInt64 = 0x10_0000
    for step in 1...steps {
      let roll = rng.inclusive(0...99)
      if roll < 55 && live.count < 150 || live.isEmpty {
        let size = rng.inclusive(1...16) * Self.page
        let align: UInt64 = rng.inclusive(0...3) == 0 ? 1 << rng.inclusive(13...16) : Self.page
        let lo = vstart + rng.inclusive(0...3) * 0x10_0000
        let req = KVARequest(size: size, align: align, vstart: lo, vend: lo + 0x20_0000)
        let cacheUsable =
          kva.freeCache != nil && !(size < kva.cachedHoleSize || lo < kva.cachedVstart || align < kva.cachedAlign)
        let r = kva.alloc(req)
        // A purge before the retry happens before the new area exists.
        for p in r.purges { occupied.removeAll { p.purged.contains($0) } }
        if let a = r.area {
          #expect(KernelMath.isAligned(a.start, align) && a.start >= lo && a.end <= req.vend, "step \(step)")
          if !cacheUsable && r.purges.isEmpty {
            #expect(a.start == firstFit(occupied, size: size, align: align, vstart: lo, vend: req.vend), "step \(step)")
          }
          occupied.insert(a, at: occupied.firstIndex { $0.start > a.start } ?? occupied.count)
          live.append(a.start)
        }
      } else if roll < 95 {
        let i = Int(rng.inclusive(0...UInt64(live.count - 1)))
        let r = kva.free(live[i])
        #expect(r.area?.start == live[i], "step \(step)")
        live.remove(at: i)
        for p in r.purges { occupied.removeAll { p.purged.contains($0) } }
      } else {
        let p = kva.purge()
        occupied.removeAll { p.purged.contains($0) }
      }
      let broken = kva.violations()
      if !broken.isEmpty {
        Issue.record("step \(step): \(broken.prefix(3))")
        return
      }
      if kva.busy.inOrder.map({ Span($0.start, $0.end) }) != occupied {
        Issue.record("step \(step): the busy list differs from the areas allocated and not yet purged")
        return
      }
    }
  }

  /// 600 busy pages, then pairs of a 32 KiB-aligned request and a plain vmalloc: the smaller alignment
  /// invalidates the old allocator's cache, so every plain request walks the whole busy list, while the
  /// augmented tree descends a few levels.
  @Test func legacyWalksTheBusyListWhereTheTreeDescends() {
    let busy = 600
    var results: [VmallocPolicy: [Int]] = [:]
    for policy in VmallocPolicy.allCases {
      var m = Machine(config: MachineConfig(cpus: 1, policy: policy))
      for i in 0..<busy { m.apply(.vmalloc(VmallocRequest(size: Self.page, name: "b\(i)"))) }
      var visits: [Int] = []
      for _ in 0..<20 {
        m.apply(.vmalloc(VmallocRequest(size: 5 * Self.page, align: 32 * 1024, name: "x")))
        let r = m.apply(.vmalloc(VmallocRequest(size: Self.page, name: "y")))
        #expect(r.kva?.area != nil)
        visits.append(r.kva!.visited)
        m.apply(.vfree(.name("x"), cpu: 0))
        m.apply(.vfree(.name("y"), cpu: 0))
        #expect(m.violations().isEmpty, "\(policy)")
      }
      results[policy] = visits
    }
    let legacy = results[.legacy]!
    let current = results[.current]!
    // The walk steps over every busy area below the hole; the descent is bounded by the tree height.
    #expect(legacy.allSatisfy { $0 >= busy }, "legacy visits: \(legacy)")
    #expect(current.allSatisfy { $0 <= 20 }, "current visits: \(current)")
  }
}
