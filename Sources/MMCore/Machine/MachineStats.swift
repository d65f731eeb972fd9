/// The counters `mmscope stats` reports, named after the kernel's where one exists.
public struct MachineStats: Sendable, Equatable, Codable {
  public struct Vmalloc: Sendable, Equatable, Codable {
    public var allocs = 0
    public var frees = 0
    public var failed = 0
    public var purges = 0
    public var purgedAreas = 0
    public var busyAreas = 0
    public var lazyAreas = 0
    public var lazyPages: UInt64 = 0
    public var pooledAreas = 0
    public var freeAreas = 0
    public var largestFree: UInt64 = 0
    public var fit: [String: Int] = [:]
    public var poolHits = 0
    public var nodesVisited = 0

    enum CodingKeys: String, CodingKey {
      case allocs, frees, failed, purges, fit
      case purgedAreas = "purged_areas"
      case busyAreas = "busy_areas"
      case lazyAreas = "lazy_areas"
      case lazyPages = "lazy_pages"
      case pooledAreas = "pooled_areas"
      case freeAreas = "free_areas"
      case largestFree = "largest_free"
      case poolHits = "pool_hits"
      case nodesVisited = "nodes_visited"
    }
  }

  public struct Expect: Sendable, Equatable, Codable {
    public var checked = 0
    public var matched = 0
    public var mismatched = 0
    public init(checked: Int = 0, matched: Int = 0, mismatched: Int = 0) {
      self.checked = checked
      self.matched = matched
      self.mismatched = mismatched
    }
  }

  public var step: Int
  public var events: Int
  public var vmalloc: Vmalloc
  public var expect: Expect
  public var warnings: Int

  /// Reads the counters and the current state of `machine`, which stands at `step` of `events`.
  public init(machine: Machine, step: Int, events: Int, expect: Expect = Expect()) {
    self.step = step
    self.events = events
    self.expect = expect
    let c = machine.counters
    var v = Vmalloc()
    v.allocs = c.allocs
    v.frees = c.frees
    v.failed = c.failed
    v.purges = c.purges
    v.purgedAreas = c.purgedAreas
    v.poolHits = c.poolHits
    v.nodesVisited = c.nodesVisited
    for f in FitType.allCases { v.fit[f.rawValue] = c.fit[f, default: 0] }
    let kva = machine.kva
    v.busyAreas = kva.busyAreas.count
    v.lazyAreas = kva.lazyAreas.count
    v.lazyPages = kva.lazyPages
    v.pooledAreas = kva.pooledAreas.count
    v.freeAreas = kva.freeAreas.count
    v.largestFree = kva.largestFree
    vmalloc = v
    warnings = c.warnings
  }
}
