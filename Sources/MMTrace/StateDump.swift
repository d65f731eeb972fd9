import MMCore

/// The text dumps of `mmscope dump`: one record a line (formats in docs/CLI.md).
public enum StateDump {
  public enum What: String, CaseIterable, Sendable {
    case freeTree = "free-tree"
    case busy, lazy, pools, buddy
    case directMap = "direct-map"
    case buddyinfo, pagetypeinfo, meminfo, vmstat
    case legacyCache = "legacy-cache"
  }

  public struct Unavailable: Error, CustomStringConvertible {
    public var description: String
  }

  /// The most addresses on a `pools` line: a longer pool continues on lines indented by two spaces.
  public static let poolAddressesPerLine = 8

  public static func lines(_ what: What, of machine: Machine) throws -> [String] {
    let kva = machine.kva
    switch what {
    case .freeTree:
      guard let current = kva.current else {
        throw Unavailable(
          description: "the legacy (pre-5.2) allocator keeps no free tree; dump --what busy shows its busy list")
      }
      return current.free.preorder().map { d, n in
        "\(d) \(n.color == .red ? "R" : "B") \(n.start.hex) \(n.end.hex) \(n.subtreeMax)"
      }
    case .busy:
      return kva.busyAreas.map { areaLine($0, machine) }
    case .lazy:
      return kva.lazyAreas.map { areaLine($0, machine) }
    case .pools:
      guard let current = kva.current else { return [] }
      var out: [String] = []
      for (i, node) in current.nodes.enumerated() {
        for (pages, spans) in node.pooledAreas {
          let addresses = spans.map(\.start.hex)
          for first in stride(from: 0, to: addresses.count, by: poolAddressesPerLine) {
            let line = addresses[first..<min(first + poolAddressesPerLine, addresses.count)].joined(separator: " ")
            out.append((first == 0 ? "node \(i) pool \(pages): " : "  ") + line)
          }
        }
      }
      return out
    case .buddy:
      return buddyLines(machine.memory)
    case .directMap:
      return directMapLines(machine.directMap)
    case .legacyCache:
      // The pre-5.2 allocator's next-fit cache: free_vmap_cache, cached_hole_size, cached_vstart,
      // cached_align.
      guard let legacy = kva.legacy else {
        throw Unavailable(description: "only the legacy (pre-5.2) allocator keeps free_vmap_cache; use --policy legacy")
      }
      return [
        "cache \((legacy.freeCacheStart ?? 0).hex) hole=\(legacy.cachedHoleSize) vstart=\(legacy.cachedVstart.hex) align=\(legacy.cachedAlign)"
      ]
    case .buddyinfo: return ProcViews.buddyinfo(machine.memory)
    case .pagetypeinfo: return ProcViews.pagetypeinfo(machine.memory)
    case .meminfo: return ProcViews.meminfo(machine.directMap)
    case .vmstat: return ProcViews.vmstat(machine.directMap)
    }
  }

  /// `zone <name> order <o> mt <m> nr <n>: 0x<pfn> ...` head to tail for every non-empty list, then
  /// `zone <name> nr_free <c0> ... <c10>` (the kernel-oracle dump with the zone named).
  static func buddyLines(_ memory: PhysicalMemory) -> [String] {
    var out: [String] = []
    for z in memory.zones {
      for order in 0..<BuddyConstants.orders {
        for mt in Migratetype.allCases {
          let list = z.freeList(order: order, migratetype: mt)
          if !list.isEmpty {
            out.append(
              "zone \(z.name) order \(order) mt \(mt.rawValue) nr \(list.count): "
                + list.map(\.hex).joined(separator: " "))
          }
        }
      }
      out.append("zone \(z.name) nr_free " + z.nrFree.map(String.init).joined(separator: " "))
    }
    return out
  }

  /// Runs of leaves: `0x<first pfn> 0x<end pfn> <4K|2M|1G> <attributes>`, consecutive leaves of one
  /// level and attributes merged.
  static func directMapLines(_ map: DirectMap) -> [String] {
    var out: [String] = []
    var pfn: UInt64 = 0
    var run: (start: UInt64, level: MapLevel, attrs: PageAttrs)? = nil
    func flush(_ end: UInt64) {
      if let r = run { out.append("\(r.start.hex) \(end.hex) \(r.level.name) \(r.attrs.label)") }
    }
    while pfn < map.memoryPages {
      guard let leaf = map.lookup(pfn) else { break }
      let step = leaf.base + leaf.level.pages - pfn
      if run == nil || run!.level != leaf.level || run!.attrs != leaf.attrs {
        flush(pfn)
        run = (pfn, leaf.level, leaf.attrs)
      }
      pfn += step
    }
    flush(pfn)
    return out
  }

  /// `0x<start> 0x<end> <size> <kind> node=<i>[ tag=<j>][ name=<name>]`
  static func areaLine(_ a: AreaView, _ machine: Machine) -> String {
    let owner = machine.owner(a.owner)
    var line = "\(a.span.start.hex) \(a.span.end.hex) \(a.span.size) \(owner.kind.rawValue) node=\(a.node)"
    if let t = a.taggedNode { line += " tag=\(t)" }
    if let n = owner.name { line += " name=\(n)" }
    return line
  }
}
