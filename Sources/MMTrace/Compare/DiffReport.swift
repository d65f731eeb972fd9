import Foundation
import MMCore

/// `mmscope diff`: both sides' counters, the ratio, and the first steps where they part, as text or
/// as JSON (`{"a": stats, "b": stats, "differences": [...]}`).
public struct DiffReport: Sendable, Encodable {
  public struct Difference: Sendable, Encodable, Equatable {
    public var step: Int
    public var operation: String
    public var a: String
    public var b: String
  }

  public var a: MachineStats
  public var b: MachineStats
  public var differences: [Difference]
  /// Every differing step, where `differences` lists the first ones.
  public var differingSteps: Int

  enum CodingKeys: String, CodingKey {
    case a, b, differences
    case differingSteps = "differing_steps"
  }

  public init(_ run: ComparedRun, limit: Int = 20) {
    a = MachineStats(machine: run.machineA, step: run.workA.count, events: run.a.stepCount)
    b = MachineStats(machine: run.machineB, step: run.workB.count, events: run.b.stepCount)
    let opsA = run.a.items.compactMap(\.operation)
    differences = run.differences(limit: limit).map { i in
      Difference(
        step: i + 1, operation: i < opsA.count ? TracePrinter.operation(opsA[i]) : "-",
        a: Self.outcome(run.workA, i), b: Self.outcome(run.workB, i))
    }
    differingSteps = run.differenceCount
  }

  public static func outcome(_ work: [StepWork], _ i: Int) -> String {
    guard i < work.count else { return "(no such step)" }
    if let f = work[i].failure { return "failed: \(f)" }
    return work[i].placement.map { "at \($0.hex)" } ?? "placed nothing"
  }

  /// The rows: a name, side a's value, side b's; the ratio is worked out when printing.
  public var rows: [(String, UInt64, UInt64)] {
    var r: [(String, UInt64, UInt64)] = []
    func row<T: BinaryInteger>(_ name: String, _ x: T, _ y: T) {
      r.append((name, UInt64(clamping: x), UInt64(clamping: y)))
    }
    row("vmalloc allocations", a.vmalloc.allocs, b.vmalloc.allocs)
    row("vmalloc failed", a.vmalloc.failed, b.vmalloc.failed)
    row("tree nodes visited", a.vmalloc.nodesVisited, b.vmalloc.nodesVisited)
    row("busy areas walked", a.vmalloc.areasWalked, b.vmalloc.areasWalked)
    row("pool hits", a.vmalloc.poolHits, b.vmalloc.poolHits)
    row("purges", a.vmalloc.purges, b.vmalloc.purges)
    row("buddy splits", a.buddy.splits, b.buddy.splits)
    row("descriptors created", a.buddy.descriptorsCreated, b.buddy.descriptorsCreated)
    row("descriptor allocations", a.buddy.descriptorAllocations, b.buddy.descriptorAllocations)
    row("page metadata bytes", a.buddy.pageMetadataBytes, b.buddy.pageMetadataBytes)
    row("direct-map level-2 splits", a.directMap.level2Splits, b.directMap.level2Splits)
    row("direct-map level-3 splits", a.directMap.level3Splits, b.directMap.level3Splits)
    row("DirectMap4k (kB)", a.directMap.directMap4k, b.directMap.directMap4k)
    row("exec allocations", a.exec.allocs, b.exec.allocs)
    row("exec search work", a.exec.searchWork, b.exec.searchWork)
    row("exec metadata bytes", a.exec.metadataBytes, b.exec.metadataBytes)
    row("exec backing chunks", a.exec.backingChunks, b.exec.backingChunks)
    let names = Set(a.locks.keys).union(b.locks.keys).sorted()
    for n in names {
      row("\(n) taken", a.locks[n]?.acquisitions ?? 0, b.locks[n]?.acquisitions ?? 0)
      row("\(n) work", a.locks[n]?.work ?? 0, b.locks[n]?.work ?? 0)
    }
    return r
  }

  /// "12.5x", "1.00x", "-" when both are 0, "only a"/"only b" when one is.
  public static func ratio(_ a: UInt64, _ b: UInt64) -> String {
    if a == 0 { return b == 0 ? "-" : "only b" }
    if b == 0 { return "only a" }
    let r = Double(b) / Double(a)
    return r >= 100 ? String(format: "%.0fx", r) : String(format: "%.2fx", r)
  }

  /// The table, rows where both sides are 0 left out.
  public func text(aName: String, bName: String) -> String {
    let rows = rows.filter { $0.1 != 0 || $0.2 != 0 }
    let w = max(rows.map(\.0.count).max() ?? 0, 9)
    let cw = max(rows.map { max(String($0.1).count, String($0.2).count) }.max() ?? 0, 12)
    func pad(_ s: String, _ n: Int, left: Bool = false) -> String {
      let p = String(repeating: " ", count: max(0, n - s.count))
      return left ? s + p : p + s
    }
    var out = ["a: \(aName)", "b: \(bName)", ""]
    out.append(pad("", w, left: true) + "  " + pad("a", cw) + "  " + pad("b", cw) + "      b/a")
    for (name, x, y) in rows {
      out.append(
        pad(name, w, left: true) + "  " + pad(String(x), cw) + "  " + pad(String(y), cw) + "  "
          + pad(Self.ratio(x, y), 7))
    }
    out.append("")
    let steps = max(a.step, b.step)
    if differingSteps == 0 {
      out.append("All \(steps) steps placed the same on both sides.")
    } else {
      out.append("\(differingSteps) of \(steps) steps placed differently or failed on one side; the first:")
      for d in differences {
        out.append("  step \(d.step): \(d.operation)")
        out.append("    a: \(d.a)")
        out.append("    b: \(d.b)")
      }
    }
    return out.joined(separator: "\n")
  }
}
