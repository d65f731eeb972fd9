import MMCore

/// A script's time axis: the machine at any step, in either direction, from checkpoints (whole
/// `Machine` copies, which share storage until they diverge) taken every `interval` steps. Reaching a
/// step replays at most `interval - 1` operations from the checkpoint below it.
public struct Timeline: Sendable {
  public let config: MachineConfig
  /// The operations alone, in order (narration and bookmarks are indexed separately).
  public let operations: [Operation]
  public let interval: Int
  var checkpoints: [Machine] = []
  /// Finer checkpoints (every `fineInterval` steps) inside the segment last visited, built while
  /// seeking there, so stepping back and forth nearby replays only a few hundred operations.
  public let fineInterval = 512
  var fine: [Int: Machine] = [:]
  var fineSegment = -1
  /// Bookmarks with their steps, and narration with the step it starts at.
  public let bookmarks: [(name: String, step: Int)]
  public let narration: [(step: Int, text: String)]
  public let expectations: [Int: Expectation]
  public let sourceLines: [Int]

  /// Builds the checkpoints with one pass over the script. `progress` is called every 65536 steps.
  public init(script: Script, interval: Int? = nil, progress: ((Int, Int) -> Void)? = nil) {
    config = script.config
    var ops: [Operation] = []
    var marks: [(String, Int)] = []
    var texts: [(Int, String)] = []
    for item in script.items {
      switch item {
      case .operation(let op): ops.append(op)
      case .bookmark(let b): marks.append((b, ops.count))
      case .narrate(let t): texts.append((ops.count, t))
      }
    }
    operations = ops
    bookmarks = marks
    narration = texts
    expectations = script.expectations
    sourceLines = script.sourceLines
    self.interval = interval ?? max(256, min(4096, ops.count / 256))
    var machine = Machine(config: config)
    machine.recordDetail = false
    checkpoints.reserveCapacity(ops.count / self.interval + 1)
    checkpoints.append(machine)
    for (i, op) in ops.enumerated() {
      machine.apply(op)
      if (i + 1) % self.interval == 0 { checkpoints.append(machine) }
      if let progress, (i + 1) % 65536 == 0 { progress(i + 1, ops.count) }
    }
  }

  public var stepCount: Int { operations.count }

  /// The machine after `step` operations and the full report of the last of them (nil at step 0).
  /// The report comes from replaying that last operation, so the state is reached from step - 1.
  public mutating func state(at step: Int) -> (machine: Machine, report: StepReport?) {
    let target = min(max(step, 0), operations.count)
    guard target > 0 else {
      var m = checkpoints[0]
      m.recordDetail = true
      return (m, nil)
    }
    let before = target - 1
    let segment = before / interval
    if segment != fineSegment {
      fine = [:]
      fineSegment = segment
    }
    // Start from the nearest checkpoint at or below the step before the target.
    var start = segment * interval
    var machine = checkpoints[segment]
    let fineStart = (before / fineInterval) * fineInterval
    if fineStart > start, let m = fine[fineStart] {
      start = fineStart
      machine = m
    } else if let best = fine.keys.filter({ $0 > start && $0 <= before }).max() {
      start = best
      machine = fine[best]!
    }
    machine.recordDetail = false
    var i = start
    while i < before {
      machine.apply(operations[i])
      i += 1
      if i % fineInterval == 0 && i % interval != 0 && fine[i] == nil { fine[i] = machine }
    }
    machine.recordDetail = true
    let report = machine.apply(operations[before])
    return (machine, report)
  }

  /// The step a bookmark stands at.
  public func step(ofBookmark name: String) -> Int? { bookmarks.first { $0.name == name }?.step }

  /// The narration in force at `step`: the last text given at or before it.
  public func narration(at step: Int) -> String? {
    narration.last { $0.step <= step }?.text
  }

  /// The next (or previous) bookmark strictly after (before) `step`.
  public func bookmark(after step: Int) -> (name: String, step: Int)? { bookmarks.first { $0.step > step } }
  public func bookmark(before step: Int) -> (name: String, step: Int)? { bookmarks.last { $0.step < step } }

  /// Operations whose printed form contains `text`, after (or before) `step`, wrapping around.
  public func search(_ text: String, from step: Int, forward: Bool = true) -> Int? {
    guard !operations.isEmpty else { return nil }
    let n = operations.count
    for k in 1...n {
      let i = forward ? (step + k - 1) % n : (step - k - 1 + 2 * n) % n
      if TracePrinter.operation(operations[i]).contains(text) { return i + 1 }
    }
    return nil
  }
}
