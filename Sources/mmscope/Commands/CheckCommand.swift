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
      is malformed (every problem is listed with file:line:column; the lines that parsed still run).

      Example:
        mmscope check Recordings/tour.mmtrace
        mmscope check --scenario thread-stacks
      """
  )

  @OptionGroup var source: SourceOptions

  func run() throws {
    var malformed: [TraceError] = []
    let script: Script
    if let file = source.file {
      do {
        script = try TraceSource.load(path: file)
      } catch let e as TraceSource.LoadError {
        malformed = e.errors
        guard let partial = e.partial else {
          print(e.description)
          throw ExitCode(65)
        }
        script = partial
      }
    } else {
      script = try source.script()
    }
    let r = Checker.run(script)
    for e in malformed { print(e.description) }
    let where_ = { (p: CheckResult.Problem) in p.line.map { "line \($0)" } ?? "step \(p.step)" }
    for p in r.mismatches { print("\(where_(p)): expect mismatch: \(p.message)") }
    for p in r.violations { print("\(where_(p)): invariant violated: \(p.message)") }
    for p in r.warnings.prefix(20) { print("\(where_(p)): warning: \(p.message)") }
    if r.warnings.count > 20 { print("... \(r.warnings.count - 20) more warnings") }
    print("events: \(r.events)")
    for (k, n) in r.kinds.sorted(by: { $0.key < $1.key }) { print("  \(k): \(n)") }
    print("expect: \(r.expectChecked) checked, \(r.expectMatched) matched, \(r.mismatches.count) mismatched")
    print("invariants: \(r.violations.isEmpty ? "held after every step" : "\(r.violations.count) violations")")
    print("warnings: \(r.warnings.count)")
    if !malformed.isEmpty {
      print("malformed: \(malformed.count) problems")
      throw ExitCode(65)
    }
    if !r.clean { throw ExitCode(1) }
  }
}
