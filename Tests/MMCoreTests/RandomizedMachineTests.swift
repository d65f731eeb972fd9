import Foundation
import Testing

@testable import MMCore

/// Random mixes of every machine operation with all invariants checked after every step: buddy blocks
/// aligned and disjoint, list counts equal to nr_free, direct-map counters equal to the leaves present,
/// every allocated page held by exactly one user; and the free-page total equal to what a simple
/// ledger of allocations says.
@Suite struct RandomizedMachineTests {
  static let scale = Int(ProcessInfo.processInfo.environment["MMSCOPE_RANDOM_SCALE"] ?? "") ?? 1

  struct Ledger {
    var pages: [String: UInt64] = [:]  // name -> pages held by a page allocation
  }

  func run(seed: UInt64, pcp: Bool, unmapped: Bool, gbpages: Bool, steps: Int) {
    var m = Machine(
      config: MachineConfig(
        cpus: 2,
        memory: MemoryConfig(bytes: 96 << 20, gbpages: gbpages, perCPULists: pcp, unmappedCache: unmapped)))
    var rng = SeededRandom(seed: seed)
    var pageNames: [String] = []
    var areas: [String] = []
    var modules: [String] = []
    var secrets: [String] = []
    var packs: [String] = []
    var exec: [String] = []
    var unmappedNames: [String] = []
    var next = 0
    func pick(_ a: inout [String]) -> String? {
      a.isEmpty ? nil : a.remove(at: Int(rng.inclusive(0...UInt64(a.count - 1))))
    }
    for step in 1...steps {
      next += 1
      let name = "n\(next)"
      let roll = rng.inclusive(0...99)
      let op: MMCore.Operation
      switch roll {
      case 0..<20:
        let divisor: UInt64 = rng.inclusive(0...3) == 0 ? 1 : 3
        let order = Int(rng.inclusive(0...10) / divisor)
        let mt = Migratetype(rawValue: Int(rng.inclusive(0...2)))!
        let zones: [ZoneType] = [.normal, .dma32, .dma]
        let zone = zones[Int(rng.inclusive(0...2))]
        op = .allocPages(order: order, migratetype: mt, zone: zone, cpu: Int(rng.inclusive(0...1)), name: name)
        pageNames.append(name)
      case 20..<35:
        let ref: PageRef
        if let n = pick(&pageNames) { ref = .name(n) } else { ref = .pfn(rng.inclusive(0...30000)) }
        op = .freePages(ref, order: nil, cpu: Int(rng.inclusive(0...1)))
      case 35..<47:
        let huge = rng.inclusive(0...9) == 0
        let size = huge ? rng.inclusive(512...1100) * 4096 : rng.inclusive(1...40) * 4096
        op = .vmalloc(VmallocRequest(size: size, cpu: Int(rng.inclusive(0...1)), name: name, huge: huge))
        areas.append(name)
      case 47..<56:
        op = .vfree(AreaRef.name(pick(&areas) ?? "none"), cpu: 0)
      case 56..<62:
        let change = AttrChange.Named.allCases.randomElement(using: &rng)!
        if let a = areas.randomElement(using: &rng) {
          op = .setMemory(change, AreaRef.name(a), pages: 1)
        } else {
          let addr = KernelConstants.pageOffset + rng.inclusive(0...20000) * 4096
          op = .setMemory(change, AreaRef.address(addr), pages: rng.inclusive(1...700))
        }
      case 62..<66:
        let change = AttrChange.Named.allCases.randomElement(using: &rng)!
        let addr = KernelConstants.pageOffset + rng.inclusive(0...24000) * 4096
        op = .setMemory(change, AreaRef.address(addr), pages: rng.inclusive(1...1100))
      case 66..<70:
        let text = rng.inclusive(0...8) * 4096 + 100
        let rodata = rng.inclusive(0...3) * 4096
        let data = rng.inclusive(1...4) * 4096
        op = .loadModule(name: name, ModuleLayout(text: text, rodata: rodata, data: data), cpu: 0)
        modules.append(name)
      case 70..<73:
        op = .unloadModule(name: pick(&modules) ?? "none")
      case 73..<76:
        op = .secretmemAlloc(name: name, pages: Int(rng.inclusive(1...4)))
        secrets.append(name)
      case 76..<78:
        op = .secretmemFree(name: pick(&secrets) ?? "none")
      case 78..<82:
        op = .progPackAlloc(size: rng.inclusive(1...5000), name: name)
        packs.append(name)
      case 82..<85:
        op = .progPackFree(name: pick(&packs) ?? "none")
      case 85..<88:
        op = .execmemAlloc(size: rng.inclusive(1...9000), align: 1 << rng.inclusive(0...7), name: name)
        exec.append(name)
      case 88..<91:
        op = .execmemFree(name: pick(&exec) ?? "none")
      case 91..<94:
        op = .unmappedAlloc(order: Int(rng.inclusive(0...3)), name: name)
        unmappedNames.append(name)
      case 94..<96:
        op = .unmappedFree(PageRef.name(pick(&unmappedNames) ?? "none"))
      case 96..<98:
        op = .unmappedShrink
      default:
        op = .purge
      }
      m.apply(op)
      let broken = m.violations()
      if !broken.isEmpty {
        Issue.record("seed \(seed) step \(step) after \(op): \(broken.prefix(3))")
        return
      }
      // The ledger: free pages = RAM in zones - pages held by allocations the machine records.
      var held: UInt64 = 0
      for (_, b) in m.backing where !b.unmapped { held += UInt64(b.pfns.count) << UInt64(b.order) }
      for (_, p) in m.pageNames where !p.unmapped { held += UInt64(1) << UInt64(m.pageOrder(p)) }
      if !m.config.memory.unmappedCache { held += UInt64(m.secretmem.values.reduce(0) { $0 + $1.count }) }
      held += m.unmapped.cachedPages
      let pcpHeld = UInt64(m.memory.pcp.joined().reduce(0) { $0 + $1.count })
      let total = m.memory.zones.reduce(0) { $0 + $1.spannedPages }
      let free = m.memory.zones.reduce(0) { $0 + $1.freePages }
      if free + held + pcpHeld != total {
        Issue.record("seed \(seed) step \(step): \(free) free + \(held) held + \(pcpHeld) on per-CPU lists != \(total)")
        return
      }
    }
  }

  @Test(arguments: [(false, false, true), (true, false, true), (false, true, true), (true, true, false)])
  func everyOperationKeepsEveryInvariant(pcp: Bool, unmapped: Bool, gbpages: Bool) {
    for seed in 1...UInt64(2 * Self.scale) {
      run(
        seed: seed * 31 + (pcp ? 1 : 0) + (unmapped ? 2 : 0), pcp: pcp, unmapped: unmapped, gbpages: gbpages,
        steps: 1200)
    }
  }
}
