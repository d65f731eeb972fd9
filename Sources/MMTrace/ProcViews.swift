import Foundation
import MMCore

/// The model's state in the layouts of the kernel's /proc files, column for column.
public enum ProcViews {
  static func pad(_ s: String, _ width: Int, left: Bool = true) -> String {
    s.count >= width
      ? s
      : (left ? String(repeating: " ", count: width - s.count) + s : s + String(repeating: " ", count: width - s.count))
  }

  /// /proc/buddyinfo: `Node 0, zone %8s ` then `%6lu ` per order.
  public static func buddyinfo(_ memory: PhysicalMemory) -> [String] {
    memory.zones.map { z in
      "Node 0, zone \(pad(z.name, 8)) " + z.nrFree.map { pad(String($0), 6) + " " }.joined()
    }
  }

  /// /proc/pagetypeinfo: free blocks per order and migratetype, then pageblocks per migratetype.
  public static func pagetypeinfo(_ memory: PhysicalMemory) -> [String] {
    var out = [
      "Page block order: \(BuddyConstants.pageblockOrder)", "Pages per block:  \(BuddyConstants.pageblockPages)", "",
      pad("Free pages count per migrate type at order", 43, left: false) + " "
        + (0..<BuddyConstants.orders).map { pad(String($0), 6) + " " }.joined(),
    ]
    for z in memory.zones {
      for mt in Migratetype.allCases {
        let counts = (0..<BuddyConstants.orders).map { z.freeList(order: $0, migratetype: mt).count }
        out.append(
          "Node    0, zone \(pad(z.name, 8)), type \(pad(mt.procName, 12)) "
            + counts.map { ($0 > 100_000 ? ">" : "") + pad(String(min($0, 100_000)), 6) + " " }.joined())
      }
    }
    out.append("")
    out.append(
      pad("Number of blocks type ", 23, left: false) + Migratetype.allCases.map { pad($0.procName, 12) + " " }.joined())
    for z in memory.zones {
      var counts = Array(repeating: 0, count: Migratetype.allCases.count)
      var pfn = z.start
      while pfn < z.end {
        counts[z.pageblockMigratetype(pfn).rawValue] += 1
        pfn += UInt64(BuddyConstants.pageblockPages)
      }
      out.append("Node 0, zone \(pad(z.name, 8)) " + counts.map { pad(String($0), 12) + " " }.joined())
    }
    return out
  }

  /// /proc/meminfo's DirectMap lines.
  public static func meminfo(_ map: DirectMap) -> [String] {
    [
      "DirectMap4k:    \(pad(String(map.directMap4k), 8)) kB",
      "DirectMap2M:    \(pad(String(map.directMap2M), 8)) kB",
      "DirectMap1G:    \(pad(String(map.directMap1G), 8)) kB",
    ]
  }

  /// /proc/vmstat's direct-map counters.
  public static func vmstat(_ map: DirectMap) -> [String] {
    [
      "direct_map_level2_splits \(map.level2Splits)", "direct_map_level3_splits \(map.level3Splits)",
      "direct_map_level2_collapses \(map.level2Collapses)", "direct_map_level3_collapses \(map.level3Collapses)",
    ]
  }
}
