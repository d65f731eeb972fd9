import Foundation
import MMCore

/// `mmscope contention`: the simulation at each CPU count on both machines, as a table (and JSON).
public struct ContentionReport: Sendable {
  public struct Row: Sendable {
    public var a: ContentionResult
    public var b: ContentionResult
    /// How much faster side a finishes the same work.
    public var speedUp: Double { a.makespan == 0 ? 0 : Double(b.makespan) / Double(a.makespan) }
  }

  public var rows: [Row]
  public var costs: ContentionCosts
  public var workload: String
  public var aName: String
  public var bName: String

  /// Runs `workload(cpus)` (each CPU's operations) on `config` with that many CPUs (side a) and with
  /// `variant` over it (side b), for each count in `cpuCounts`.
  public init(
    cpuCounts: [Int], config: MachineConfig, variant: MachineVariant, workload: String,
    costs: ContentionCosts = ContentionCosts(), perCPU: (Int) -> [[MMCore.Operation]]
  ) {
    self.costs = costs
    self.workload = workload
    var rows: [Row] = []
    var aConfig = config
    var bConfig = config
    for n in cpuCounts {
      var cpus = MachineVariant()
      cpus.cpus = n
      aConfig = cpus.applied(to: config)
      bConfig = variant.applied(to: aConfig)
      let ops = perCPU(n)
      rows.append(
        Row(
          a: ContentionSimulation.run(config: aConfig, perCPU: ops, costs: costs),
          b: ContentionSimulation.run(config: bConfig, perCPU: ops, costs: costs)))
    }
    self.rows = rows
    aName = Self.describe(aConfig)
    bName = Self.describe(bConfig) + " (--vs \(variant))"
  }

  static func describe(_ c: MachineConfig) -> String {
    let k = c.kva
    if k.policy == .legacy { return "pre-5.2 allocator: everything under vmap_area_lock" }
    return k.vmapNodes > 1
      ? "vmap nodes (v6.9+): \(k.vmapNodes) nodes at the largest CPU count" : "one global vmap_area_lock (v5.2 to v6.8)"
  }

  /// The locks either side spun on, in the kernel's order.
  var spunLocks: [VmapLock] {
    VmapLock.allCases.filter { l in l.spins && rows.contains { ($0.a.spinning[l] ?? 0) + ($0.b.spinning[l] ?? 0) > 0 } }
  }

  /// Column headings short enough for 80 columns.
  static func short(_ l: VmapLock) -> String {
    switch l {
    case .freeArea: "free_va"
    case .nodeBusy: "node.busy"
    case .nodeLazy: "node.lazy"
    case .nodePool: "node.pool"
    case .vmapArea: "vmap_area"
    case .purgeArea: "purge_va"
    case .purgeMutex: "purge_mtx"
    }
  }

  public static func percent(_ x: Double) -> String { String(format: "%.1f%%", 100 * x) }
  public static func rate(_ x: Double) -> String { x >= 100 ? String(format: "%.0f", x) : String(format: "%.1f", x) }

  public var text: String {
    func pad(_ s: String, _ n: Int) -> String { String(repeating: " ", count: max(0, n - s.count)) + s }
    var out = [
      "Workload: \(workload)", "a: \(aName)", "b: \(bName)", "",
      pad("cpus", 5) + pad("a ops/ms", 10) + pad("a spin", 8) + pad("b ops/ms", 10) + pad("b spin", 8)
        + pad("speed-up", 10),
    ]
    for r in rows {
      out.append(
        pad("\(r.a.cpus)", 5) + pad(Self.rate(r.a.throughput), 10) + pad(Self.percent(r.a.spinShare), 8)
          + pad(Self.rate(r.b.throughput), 10) + pad(Self.percent(r.b.spinShare), 8)
          + pad(String(format: "%.2fx", r.speedUp), 10))
    }
    let locks = spunLocks
    if !locks.isEmpty {
      for (side, pick) in [("a", { (r: Row) in r.a }), ("b", { (r: Row) in r.b })] {
        out.append("")
        out.append("\(side): share of CPU time spinning, by lock")
        out.append(pad("cpus", 5) + locks.map { pad(Self.short($0), 11) }.joined())
        for r in rows {
          let res = pick(r)
          out.append(pad("\(res.cpus)", 5) + locks.map { pad(Self.percent(res.spinShare($0)), 11) }.joined())
        }
      }
    }
    if !locks.isEmpty {
      out.append("(" + locks.map { "\(Self.short($0)) = \($0.rawValue)" }.joined(separator: ", ") + ")")
    }
    out.append("")
    out.append("Speed-up: how much sooner a finishes the same operations than b. Assumptions:")
    out += costs.lines.map { "  - " + $0 }
    return out.joined(separator: "\n")
  }

  /// `--json`: a row per CPU count, each side's figures.
  public var json: [[String: Any]] {
    func side(_ r: ContentionResult) -> [String: Any] {
      [
        "operations": r.operations, "makespan_ns": r.makespan, "cpu_ns": r.cpuTime,
        "ops_per_ms": (r.throughput * 10).rounded() / 10, "spin_share": (r.spinShare * 1000).rounded() / 1000,
        "spin_ns": Dictionary(uniqueKeysWithValues: r.spinning.map { ($0.key.rawValue, $0.value) }),
        "contended": Dictionary(uniqueKeysWithValues: r.contended.map { ($0.key.rawValue, $0.value) }),
        "sleep_ns": r.sleeping,
      ]
    }
    return rows.map {
      ["cpus": $0.a.cpus, "a": side($0.a), "b": side($0.b), "speed_up": ($0.speedUp * 100).rounded() / 100]
    }
  }
}
