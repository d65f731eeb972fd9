import ArgumentParser
import Foundation
import MMCore
import MMTerminal
import MMTrace
import MMView

struct ContentionCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "contention",
    abstract: "Simulate CPUs contending for the vmap locks, with and without vmap nodes.",
    discussion: """
      Each CPU replays its own copy of the operations on one shared machine; every lock the engine \
      reports is a critical section lasting in proportion to the work done under it. The built-in \
      test_vmalloc runs run_test_mask=7 (fix_size, full_fit, long_busy_list) on each CPU, as \
      test_vmalloc.sh does with nr_threads; other sources replay their own operations per CPU.

      Examples:
        mmscope contention --scenario test_vmalloc --cpus 1,4,16 --steps 400
        mmscope contention --scenario thread-stacks --steps 300 --cpus 2,8
        mmscope contention --scenario test_vmalloc --cpus 1,8 --steps 200 --chart
      """
  )

  @Argument(help: "A trace file (.mmtrace, or a kernel trace); or give --scenario instead.")
  var file: String?

  @Option(name: .long, help: "A built-in scenario (see `mmscope scenarios`).")
  var scenario: String?

  @Option(name: .long, help: "Seed for the scenario's random choices.")
  var seed: UInt64 = 1

  @Option(name: .long, help: "Operations per CPU for test_vmalloc, or the scenario's steps.")
  var steps: Int?

  @Option(name: .long, help: "CPU counts, comma-separated (1 to 256).")
  var cpus = "1,2,4,8,16,32,64"

  @Option(name: .long, help: "The machine side b changes (default: vmap-nodes=off, the pre-v6.9 global lock).")
  var vs = "vmap-nodes=off"

  @Flag(name: .long, help: "Print JSON: a row per CPU count with both sides' figures.")
  var json = false

  @Flag(name: .long, help: "Print the results as a chart (bars of throughput and spinning) instead of a table.")
  var chart = false

  @Flag(name: .long, help: "Show the chart in the terminal (q quits).")
  var view = false

  func validate() throws {
    switch (file, scenario) {
    case (nil, nil): throw ValidationError("give a trace file or --scenario NAME")
    case (.some, .some): throw ValidationError("give either a trace file or --scenario, not both")
    case (nil, .some(let s)): _ = try MachineOptions.scenario(named: s)
    case (.some, nil): if steps != nil { throw ValidationError("--steps applies to --scenario") }
    }
    _ = try cpuCounts()
    if let steps, !(1...100_000).contains(steps) {
      throw ValidationError("--steps must be between 1 and 100000, got \(steps)")
    }
    if case .failure(let e) = MachineVariant.parse(vs) { throw ValidationError("--vs: \(e)") }
    if [json, chart, view].filter({ $0 }).count > 1 {
      throw ValidationError("--json, --chart and --view are three different outputs: choose one")
    }
  }

  func cpuCounts() throws -> [Int] {
    let parts = cpus.split(separator: ",", omittingEmptySubsequences: false)
    let counts = parts.map { Int($0.trimmingCharacters(in: .whitespaces)) }
    guard !parts.isEmpty, parts.count <= 16, counts.allSatisfy({ $0.map { (1...256).contains($0) } ?? false }) else {
      throw ValidationError("--cpus takes up to 16 counts from 1 to 256, comma-separated, e.g. 1,2,4,8; got '\(cpus)'")
    }
    return counts.map { $0! }
  }

  func run() throws {
    let variant = try MachineVariant.parse(vs).get()
    let counts = try cpuCounts()
    let script: Script
    let workload: String
    // Checked before the simulation runs, so a missing terminal costs nothing.
    if view { try ViewCommand.requireTerminal() }
    var perCPU: (Int) -> [[MMCore.Operation]]
    if scenario == "test_vmalloc" {
      let steps = self.steps ?? 800
      script = ScenarioLibrary.named("test_vmalloc")!.script(ScenarioOptions(seed: seed, steps: 100))
      let ops = ParallelWorkload.testVmallocMask7(stepsPerCPU: steps)
      workload =
        "test_vmalloc run_test_mask=7 (fix_size, full_fit, long_busy_list) on every CPU, \(ops.count) operations each"
      perCPU = { ParallelWorkload.replicate(ops, cpus: $0) }
    } else {
      if let file {
        script = try SourceOptions.load(file)
      } else {
        script = ScenarioLibrary.named(scenario!)!.script(ScenarioOptions(seed: seed, steps: steps))
      }
      // Per-CPU copies cannot share recorded addresses: name them and let the engine place them.
      var renamed = MachineVariant()
      renamed.cpus = script.config.kva.cpus
      renamed.policy = script.config.kva.policy
      let ops = renamed.applied(to: script, keepExpectations: false).items.compactMap(\.operation)
      workload = "\(file ?? scenario!) on every CPU, \(ops.count) operations each"
      perCPU = { ParallelWorkload.replicate(ops, cpus: $0) }
    }
    var config = script.config
    // Enough memory that no CPU count runs out of pages.
    if config.memory.pages < (4 << 18) {
      var m = MachineVariant()
      m.memoryBytes = 4 << 30
      config = m.applied(to: config)
    }
    let report = ContentionReport(
      cpuCounts: counts, config: config, variant: variant, workload: workload, perCPU: perCPU)
    if view {
      try Self.show(report)
    } else if chart {
      let rows = 2 * report.rows.count + 6
      print(ContentionChart.render(report, width: 100, height: rows, color: false).text, terminator: "")
    } else if json {
      let data = try JSONSerialization.data(withJSONObject: report.json, options: [.prettyPrinted, .sortedKeys])
      print(String(decoding: data, as: UTF8.self))
    } else {
      print(report.text)
    }
  }

  /// The chart in the terminal until q (or Esc); it is redrawn when the terminal is resized.
  static func show(_ report: ContentionReport) throws {
    let session = try ViewCommand.startSession()
    defer { TerminalSession.restore() }
    var dirty = true
    while !session.hungUp {
      if dirty {
        session.draw(
          ContentionChart.render(
            report, width: session.width, height: session.height, color: session.hasColor, interactive: true))
        dirty = false
      }
      if session.refreshSize() { dirty = true }
      guard let key = session.readKey() else { continue }
      if key == .char("q") || key == .escape || key == .ctrl("c") { return }
      dirty = true
    }
  }
}
