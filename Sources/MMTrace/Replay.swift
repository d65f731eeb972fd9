import MMCore

/// Runs a script's operations on a fresh machine.
public enum Replay {
  /// The state after the first `steps` operations (all of them when nil), with the last step's report.
  /// `check` runs every invariant after every `checkEvery`-th step (and the last) and collects what
  /// breaks.
  public static func run(
    _ script: Script, steps: Int? = nil, recordDetail: Bool = false, check: Bool = false, checkEvery: Int = 1
  ) -> (machine: Machine, last: StepReport?, violations: [(step: Int, message: String)]) {
    var machine = Machine(config: script.config)
    machine.recordDetail = recordDetail
    var last: StepReport? = nil
    var done = 0
    var broken: [(Int, String)] = []
    let limit = steps ?? Int.max
    for item in script.items where done < limit {
      guard let op = item.operation else { continue }
      // Record detail for the final step only, so bulk runs stay fast but the report is complete.
      if !recordDetail && done == limit - 1 { machine.recordDetail = true }
      last = machine.apply(op)
      done += 1
      if check && (done % checkEvery == 0 || done == limit) {
        for v in machine.violations() { broken.append((done, v)) }
      }
    }
    machine.recordDetail = recordDetail
    return (machine, last, broken)
  }
}
