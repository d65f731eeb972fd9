import Foundation
import MMCore

/// The human-readable form of `mmscope stats`.
public enum StatsTable {
  public static func text(_ s: MachineStats, config: MachineConfig) -> String {
    let v = s.vmalloc
    let k = config.kva
    let fits = FitType.allCases.map { "\($0.rawValue) \(v.fit[$0.rawValue] ?? 0)" }.joined(separator: "  ")
    var rows: [(String, String)] = [
      ("step", "\(s.step) of \(s.events)"),
      (
        "machine",
        "\(k.cpus) CPU(s), \(k.policy == .legacy ? "no" : String(k.vmapNodes)) vmap node(s), \(k.policy.rawValue) allocator, \(config.memory.pages >> 8) MiB"
      ),
      ("allocations", "\(v.allocs) (failed \(v.failed), from pools \(v.poolHits))"),
      ("fit types", fits),
      ("frees", "\(v.frees)"),
      ("purges", "\(v.purges) (\(v.purgedAreas) areas)"),
      ("busy areas", "\(v.busyAreas)"),
      ("lazy areas", "\(v.lazyAreas) (\(v.lazyPages) of \(k.lazyMaxPages) pages)"),
      ("pooled areas", "\(v.pooledAreas)"),
      ("free areas", "\(v.freeAreas), largest \(v.largestFree) bytes"),
      k.policy == .legacy
        ? ("areas walked", "\(v.areasWalked) busy areas, \(v.nodesVisited) tree nodes")
        : ("nodes visited", "\(v.nodesVisited)"),
      (
        "buddy free",
        s.buddy.zones.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.freePages)" }.joined(separator: "  ")
          + " pages"
      ),
      (
        "buddy splits",
        "\(s.buddy.splits) (descriptors created \(s.buddy.descriptorsCreated)), merges \(s.buddy.merges)"
      ),
      (
        "DirectMap",
        "4k \(s.directMap.directMap4k) kB  2M \(s.directMap.directMap2M) kB  1G \(s.directMap.directMap1G) kB"
      ),
      (
        "direct-map splits",
        "level2 \(s.directMap.level2Splits)  level3 \(s.directMap.level3Splits)  collapses \(s.directMap.level2Collapses)/\(s.directMap.level3Collapses)"
      ),
      (
        "page metadata",
        "\(s.buddy.pageMetadataBytes) bytes ("
          + (s.buddy.memdesc
            ? "memory descriptors, \(s.buddy.descriptorAllocations) allocated by splits)" : "struct page, 64 per page)")
      ),
    ]
    if s.exec.allocs + s.exec.frees > 0 {
      rows.append(
        (
          "executable memory",
          "\(s.exec.allocs) allocations, \(s.exec.frees) frees, search work \(s.exec.searchWork), "
            + "metadata \(s.exec.metadataBytes) bytes, \(s.exec.backingChunks) backing chunk(s)"
        ))
    }
    for (name, t) in s.locks.sorted(by: {
      (VmapLock(rawValue: $0.key)!, $0.key) < (VmapLock(rawValue: $1.key)!, $1.key)
    }) {
      rows.append((name, "\(t.acquisitions) acquisitions, work \(t.work)"))
    }
    rows.append(("warnings", "\(s.warnings)"))
    let w = rows.map(\.0.count).max()!
    return rows.map { $0.0.padding(toLength: w, withPad: " ", startingAt: 0) + "  " + $0.1 }.joined(separator: "\n")
  }
}
