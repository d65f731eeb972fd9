/// Running totals over the operations a machine has applied (the `stats` keys).
public struct Counters: Sendable, Equatable, Codable {
  public var events = 0
  public var allocs = 0
  public var frees = 0
  public var failed = 0
  public var purges = 0
  public var purgedAreas = 0
  public var fit: [FitType: Int] = [:]
  public var poolHits = 0
  public var nodesVisited = 0
  /// Busy areas the pre-5.2 allocator walked in its list (0 under the augmented tree).
  public var areasWalked = 0
  /// Allocations an importer inferred (a range freed twice with no traced allocation between).
  public var inferredAllocs = 0
  /// Areas the kernel's recorded purges say they purged (imported traces), beside `purgedAreas`, the
  /// ones the model knew about.
  public var kernelPurgedAreas = 0
  /// Recorded placements whose address the engine would also have chosen; those where it would have
  /// chosen a lower address (the model does not know what occupied it: state from before the trace);
  /// and true divergences (a higher address, or none), with the event number of the first.
  public var agreements = 0
  public var unknownBelow = 0
  public var divergences = 0
  public var firstDivergence: Int? = nil
  /// Memory descriptors buddy splits created (Wilcox's `struct buddy`, one per new free block).
  public var descriptorsCreated = 0
  /// Refused or failed operations that left the state unchanged (bad frees, invalid requests).
  public var warnings = 0
  /// Acquisitions of each KVA lock and the work done under it (per-node locks summed over nodes).
  public var locks: [VmapLock: LockTotals] = [:]
  /// Executable-memory requests (bpf_prog_pack and execmem) and the search work they did: bitmap bits
  /// scanned, or tree nodes visited.
  public var execAllocs = 0
  public var execFrees = 0
  public var execSearchWork = 0

  public init() {}

  mutating func record(_ r: KVAReport) {
    switch r.operation {
    case .alloc:
      if r.error == nil { allocs += 1 } else { failed += 1 }
      if r.error == nil && r.request?.inferred == true { inferredAllocs += 1 }
      if let a = r.agrees, let area = r.area {
        if a {
          agreements += 1
        } else if let p = r.predicted, p < area.start {
          unknownBelow += 1
        } else {
          divergences += 1
          if firstDivergence == nil { firstDivergence = events }
        }
      }
      if let f = r.fit { fit[f, default: 0] += 1 }
      if r.poolHit { poolHits += 1 }
    case .free:
      if r.error == nil { frees += 1 }
    case .purge:
      break
    }
    nodesVisited += r.visited
    areasWalked += r.walkedCount
    record(r.locks)
    for p in r.purges { record(p) }
  }

  mutating func record(_ p: PurgeReport) {
    purges += 1
    purgedAreas += p.areas
    record(p.locks)
  }

  private mutating func record(_ uses: [LockUse]) {
    for u in uses {
      locks[u.lock, default: LockTotals()].acquisitions += 1
      locks[u.lock, default: LockTotals()].work += u.work
    }
  }
}
