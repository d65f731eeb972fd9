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
  /// Memory descriptors buddy splits created (Wilcox's `struct buddy`, one per new free block).
  public var descriptorsCreated = 0
  /// Refused or failed operations that left the state unchanged (bad frees, invalid requests).
  public var warnings = 0

  public init() {}

  mutating func record(_ r: KVAReport) {
    switch r.operation {
    case .alloc:
      if r.error == nil { allocs += 1 } else { failed += 1 }
      if let f = r.fit { fit[f, default: 0] += 1 }
      if r.poolHit { poolHits += 1 }
    case .free:
      if r.error == nil { frees += 1 } else { warnings += 1 }
    case .purge:
      break
    }
    if case .invalidSize = r.error { warnings += 1 }
    if case .invalidAlignment = r.error { warnings += 1 }
    if case .invalidWindow = r.error { warnings += 1 }
    nodesVisited += r.visited
    for p in r.purges { record(p) }
  }

  mutating func record(_ p: PurgeReport) {
    purges += 1
    purgedAreas += p.areas
  }
}
