import MMCore

/// `mmscope check`: replays a script with every invariant after every step and every expectation
/// compared, and summarizes.
public struct CheckResult: Sendable {
  public struct Problem: Sendable, Equatable {
    /// The step (1-based operation number) and its source line, if known.
    public var step: Int
    public var line: Int?
    public var message: String
  }
  public var events = 0
  public var kinds: [String: Int] = [:]
  public var expectChecked = 0
  public var expectMatched = 0
  public var mismatches: [Problem] = []
  public var violations: [Problem] = []
  /// Operations refused or failed that left the state unchanged.
  public var warnings: [Problem] = []
  public var machine: Machine
  /// Every warning, and the step where checking stopped early (after too many violations), if it did.
  public var warningCount = 0
  public var stoppedAt: Int? = nil
  /// Invariants were checked after every `every`-th step (and the last).
  public var every = 1

  public var clean: Bool { mismatches.isEmpty && violations.isEmpty }
}

public enum Checker {
  /// The operation's kind, as the summary counts them.
  public static func kind(_ op: Operation) -> String {
    String(TracePrinter.operation(op).split(separator: " ")[0])
  }

  /// The default spacing of full invariant checks: every step up to 10000 steps, then 1000 checks
  /// spread evenly (each check walks the whole state, which for a real trace holds tens of thousands
  /// of blocks).
  /// Checking stops after this many invariant violations.
  public static let violationLimit = 100

  public static func defaultEvery(steps: Int) -> Int { steps <= 10000 ? 1 : steps / 1000 }

  public static func run(_ script: Script, every requested: Int? = nil) -> CheckResult {
    let every = requested ?? defaultEvery(steps: script.stepCount)
    let total = script.stepCount
    var machine = Machine(config: script.config)
    machine.recordDetail = !script.expectations.isEmpty
    var result = CheckResult(machine: machine)
    result.every = every
    var step = 0
    for item in script.items {
      guard let op = item.operation else { continue }
      let line = step < script.sourceLines.count ? script.sourceLines[step] : nil
      step += 1
      let r = machine.apply(op)
      result.events += 1
      result.kinds[kind(op), default: 0] += 1
      // The same warnings `stats` counts (StepReport.isWarning); the first thousand keep their text.
      if r.isWarning {
        result.warningCount += 1
        if result.warnings.count < 1000 {
          result.warnings.append(.init(step: step, line: line, message: r.failure ?? ""))
        }
      }
      if let e = script.expectations[step - 1] {
        result.expectChecked += 1
        let m = e.mismatches(r)
        if m.isEmpty {
          result.expectMatched += 1
        } else {
          result.mismatches.append(.init(step: step, line: line, message: m.joined(separator: "; ")))
        }
      }
      if step % every == 0 || step == total {
        for v in machine.violations().prefix(5) { result.violations.append(.init(step: step, line: line, message: v)) }
      }
      if result.violations.count > Self.violationLimit {
        // A broken state repeats its violations at every later step: stop, and say where.
        result.stoppedAt = step
        break
      }
    }
    result.machine = machine
    return result
  }
}
