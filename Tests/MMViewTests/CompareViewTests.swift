import Foundation
import MMCore
import MMTrace
import Testing

@testable import MMView

/// The compare view and the contention chart: golden frames (glyphs and colours), and what the strip
/// claims checked against the run it draws.
@Suite struct CompareViewTests {
  func session(_ scenario: String, _ vs: String, steps: Int? = nil) throws -> CompareSession {
    let script = ScenarioLibrary.named(scenario)!.script(ScenarioOptions(steps: steps))
    return CompareSession(
      script: script, variant: try MachineVariant.parse(vs).get(), labels: (a: "scenario \(scenario)", b: vs))
  }

  func frame(_ c: inout CompareSession, step: Int, _ w: Int, _ h: Int, color: Bool = true) -> Buffer {
    var state = UIState()
    state.step = step
    c.update(state)
    return c.render(state, width: w, height: h, color: color)
  }

  func row(_ b: Buffer, _ y: Int) -> String {
    String(b.text.split(separator: "\n", omittingEmptySubsequences: false)[y])
  }

  @Test func unmappedCacheSideBySide() throws {
    var c = try session("modules-rwx", "unmapped-cache=on")
    #expect(c.focus == .panel(.directMap))
    let b = frame(&c, step: 20, 120, 40)
    try GoldenFrameTests.compare(b, "compare-modules-rwx-20-120x40", in: GoldenFrameTests.dir)
    // Each half is its own machine: a split one 2 MiB page of the direct map, b none.
    #expect(b.text.contains("splits L2 1 L3 1") && b.text.contains("splits L2 0 L3 1"))
    #expect(b[0, 0].glyph == "a" && b[60, 0].glyph == "b")
    // The strip's totals are the run's: direct-map splits up to step 20.
    let total = { (w: [StepWork]) in w[0..<20].reduce(0) { $0 + $1.directMapSplits } }
    #expect(total(c.run.workA) == 2 && total(c.run.workB) == 1)
    let aTotal = try #require(b.text.split(separator: "\n").first { $0.contains("│a total") })
    let bTotal = try #require(b.text.split(separator: "\n").first { $0.contains("│b total") })
    #expect(aTotal.split(separator: " ").contains("2") && bTotal.split(separator: " ").contains("1"))
    #expect(b.text.contains("step 20 differs: a at 0xffffffffc01a6000, b at 0xffffffffc0221000"))
  }

  /// At 80x24 too: the strip's box ends a row above the screen's last, which holds the summary (a
  /// terminal cannot draw its bottom-right cell).
  @Test func legacyAgainstTheTreeAt80x24() throws {
    var c = try session("long-busy-mixed", "policy=legacy", steps: 15100)
    let b = frame(&c, step: 15060, 80, 24)
    try GoldenFrameTests.compare(b, "compare-long-busy-mixed-15060-80x24", in: GoldenFrameTests.dir)
    #expect(row(b, 22).hasPrefix("└─") && row(b, 22).hasSuffix("┘"))
    #expect(row(b, 23).hasPrefix(" 13 of 15099 steps placed differently") && row(b, 23).last == " ")
    // The sparkline's last cell is this step's search work; a differing step is highlighted.
    let theme = Theme(color: true)
    let sparkRow = (0..<24).first { row(b, $0).hasPrefix("│b work") }!
    let differing = (15060 - 70..<15060).filter { c.run.differs(at: $0) }
    #expect(!differing.isEmpty)
    for i in differing {
      let x = 1 + 8 + (i - (15060 - 70))
      #expect(b[x, sparkRow].style == theme.highlight, "step \(i + 1) is not highlighted")
    }
  }

  /// A deep free tree in a quarter of the screen: collapsed subtrees keep their counts whole ("… 7")
  /// or drop them, never "… 1" for 15 at the border.
  @Test func narrowTreeLinesKeepNumbersWhole() throws {
    var c = try session("thread-stacks", "vmap-nodes=off")
    let b = frame(&c, step: 6700, 120, 40, color: false)
    let treeRows = (9..<30).map { row(b, $0) }.filter { $0.hasPrefix("│") }
    #expect(treeRows.count > 10)
    for line in treeRows {
      let tree = Array(line.prefix(30))
      // Column 29 is the tree panel's right border; what touches it must not be a digit or a comma.
      guard tree.count == 30, tree[29] == "│" else { continue }
      #expect(!(tree[28].isNumber || tree[28] == ","), "cut at the border: \(String(tree))")
    }
    #expect(treeRows.contains { $0.contains("/… 7 ") })
  }

  @Test func tooSmallForTwoHalvesSaysSo() throws {
    var c = try session("teach-fits", "policy=legacy")
    let b = frame(&c, step: 3, 70, 24)
    #expect(row(b, 0).hasPrefix("compare needs at least 80x22 (this is 70x24)"))
  }

  @Test func contentionChart() throws {
    let ops = ParallelWorkload.testVmallocMask7(stepsPerCPU: 100)
    let report = ContentionReport(
      cpuCounts: [1, 8], config: MachineConfig(cpus: 1, memory: MemoryConfig(bytes: 1 << 30)),
      variant: try! MachineVariant.parse("vmap-nodes=off").get(), workload: "test_vmalloc mask 7",
      perCPU: { ParallelWorkload.replicate(ops, cpus: $0) })
    let b = ContentionChart.render(report, width: 100, height: 10)
    try GoldenFrameTests.compare(b, "contention-chart-100x10", in: GoldenFrameTests.dir)
    // One CPU: both sides alike, no spinning, speed-up 1.00x.
    #expect(row(b, 2).hasSuffix("0.0%     1.00x│") && row(b, 3).hasSuffix("0.0%          │"))
    #expect(row(b, 4).contains(String(format: "%.2fx", report.rows[1].speedUp)))
    #expect(!b.text.contains("q quits"))
  }
}
