@testable import MMCore

/// Runs a kernel-oracle `buddy-*.ops` script: one zone, `__rmqueue_smallest` only (no per-CPU lists,
/// no fallback), frees through `__free_one_page` (fixtures/kernel-oracle/README.md).
enum BuddyOracleRunner {
  static func dump(_ zone: BuddyZone) -> [String] {
    var out: [String] = []
    for order in 0..<BuddyConstants.orders {
      for mt in Migratetype.allCases {
        let list = zone.freeList(order: order, migratetype: mt)
        if !list.isEmpty {
          out.append("order \(order) mt \(mt.rawValue) nr \(list.count): " + list.map(\.hex).joined(separator: " "))
        }
      }
    }
    out.append("nr_free " + zone.nrFree.map(String.init).joined(separator: " "))
    out.append("end")
    return out
  }

  static func run(_ script: [String]) -> [String] {
    var out: [String] = []
    var zone = BuddyZone(name: "Normal", start: 0, end: 0)
    for line in script where !line.hasPrefix("#") {
      let w = line.split(separator: " ")
      switch w[0] {
      case "zone":
        zone = BuddyZone(name: "Normal", start: KVAOracleRunner.parse(w[1]), end: KVAOracleRunner.parse(w[2]))
      case "setblock":
        zone.setPageblockMigratetype(KVAOracleRunner.parse(w[1]), Migratetype(rawValue: Int(w[2])!)!)
      case "init":
        out.append("init \(zone.freeAllAtBoot())")
      case "alloc":
        let order = Int(w[1])!
        let mt = Migratetype(rawValue: Int(w[2])!)!
        var r = BuddyReport(operation: .alloc, zone: zone.name, order: order, migratetype: mt)
        if let pfn = zone.rmqueueSmallest(order: order, migratetype: mt, report: &r) {
          out.append("alloc \(pfn.hex)")
        } else {
          out.append("alloc ENOMEM")
        }
      case "free":
        let pfn = KVAOracleRunner.parse(w[1])
        guard let block = zone.allocatedBlock(at: pfn) else {
          out.append("free EINVAL")
          continue
        }
        zone.clearAllocated(pfn)
        var r = BuddyReport(operation: .free, zone: zone.name, order: block.order, migratetype: .movable)
        zone.freeOnePage(
          pfn, order: block.order, migratetype: zone.pageblockMigratetype(pfn), toTail: false, report: &r)
        out.append("free \(pfn.hex) -> \(r.resultPFN!.hex) order \(r.resultOrder!) \(r.toTail ? "tail" : "head")")
      case "dump":
        out += dump(zone)
      default:
        out.append("?? \(line)")
      }
    }
    return out
  }
}
