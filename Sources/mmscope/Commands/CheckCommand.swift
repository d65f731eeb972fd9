import ArgumentParser
import Foundation
import MMCore
import MMTrace

struct CheckCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "check",
    abstract: "Replay with every invariant after every step and every expect= compared; print a summary.",
    discussion: """
      Exit status: 0 when clean, 1 on invariant violations or expectation mismatches, 65 when the input \
      is malformed (every problem is listed with file:line:column; the lines that parsed still run), 66 \
      when the file cannot be read.

      Examples:
        mmscope check --scenario tour
        mmscope generate teach-fits -o teach.mmtrace
        mmscope check teach.mmtrace
        mmscope check --scenario thread-stacks --every 1000
      """
  )

  @OptionGroup var source: SourceOptions

  @Option(
    name: .long,
    help:
      "Check every invariant after every N-th step (default: every step up to 10000 steps, then 1000 checks spread evenly)."
  )
  var every: Int?

  func run() throws {
    var malformed: [TraceError] = []
    var problemCount = 0
    let script: Script
    if let file = source.file {
      try InputFile.check(file)
      do {
        script = try TraceSource.load(path: file)
      } catch let e as TraceSource.LoadError {
        malformed = e.errors
        problemCount = e.count
        guard let partial = e.partial else {
          print(e.description)
          throw ExitCode(65)
        }
        script = partial
      }
    } else {
      script = try source.script()
    }
    if let every, every < 1 { throw ValidationError("--every must be at least 1") }
    let r = Checker.run(script, every: every)
    for e in malformed { print(e.description) }
    let location = { (p: CheckResult.Problem) in p.line.map { "line \($0)" } ?? "step \(p.step)" }
    for p in r.mismatches { print("\(location(p)): expect mismatch: \(p.message)") }
    for p in r.violations { print("\(location(p)): invariant violated: \(p.message)") }
    for p in r.warnings.prefix(20) { print("\(location(p)): warning: \(p.message)") }
    if r.warningCount > 20 { print("... \(r.warningCount - 20) more warnings") }
    if let stop = r.stoppedAt {
      print(
        "stopped at step \(stop) of \(script.stepCount): more than \(Checker.violationLimit) invariant violations "
          + "(the state is broken; later steps would only repeat them)")
    }
    for note in script.notes { print("note: \(note)") }
    print("events: \(r.events)")
    for (k, n) in r.kinds.sorted(by: { $0.key < $1.key }) { print("  \(k): \(n)") }
    print("expect: \(r.expectChecked) checked, \(r.expectMatched) matched, \(r.mismatches.count) mismatched")
    let spacing = r.every == 1 ? "every step" : "every \(r.every) steps and the last"
    print("invariants: \(r.violations.isEmpty ? "held" : "\(r.violations.count) violations"), checked after \(spacing)")
    let c = r.machine.counters
    if c.agreements + c.divergences + c.unknownBelow > 0 || c.kernelPurgedAreas > 0 {
      print(
        "recorded placements: engine agreed \(c.agreements), chose lower (state unknown before the trace) "
          + "\(c.unknownBelow), diverged \(c.divergences)"
          + (c.firstDivergence.map {
            "; first divergence at step \($0)"
              + (script.sourceLines.count >= $0 ? " (line \(script.sourceLines[$0 - 1]))" : "")
          } ?? ""))
      print("purges: kernel purged \(c.kernelPurgedAreas) areas, the model knew \(c.purgedAreas) of them")
    }
    print("warnings: \(r.warningCount)")
    if !malformed.isEmpty {
      print("malformed: \(SourceOptions.problems(problemCount)) (listed above); everything valid ran")
      throw ExitCode(65)
    }
    if !r.clean { throw ExitCode(1) }
  }
}
