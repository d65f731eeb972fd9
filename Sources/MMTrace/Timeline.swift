import MMCore

/// A script's time axis: the machine at any step, in either direction, from checkpoints (whole
/// `Machine` copies, which share storage until they diverge) taken every `interval` steps. Reaching a
/// step replays at most `interval - 1` operations from the checkpoint below it.
public struct Timeline: Sendable {
  public let config: MachineConfig
  /// The script's items, and where each operation sits among them (one copy of the script only).
  let items: [ScriptItem]
  let opIndex: [Int32]
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
    self.init(script: script, interval: interval, reusing: [], progress: progress)
  }

  /// As above, starting from `reusing`: checkpoints 0, interval, 2 × interval, ... of a script whose
  /// operations up to them are this one's (a timeline edited after them).
  init(script: Script, interval: Int?, reusing: [Machine], progress: ((Int, Int) -> Void)? = nil) {
    config = script.config
    var index: [Int32] = []
    var marks: [(String, Int)] = []
    var texts: [(Int, String)] = []
    for (i, item) in script.items.enumerated() {
      switch item {
      case .operation: index.append(Int32(i))
      case .bookmark(let b): marks.append((b, index.count))
      case .narrate(let t): texts.append((index.count, t))
      }
    }
    items = script.items
    opIndex = index
    bookmarks = marks
    narration = texts
    expectations = script.expectations
    sourceLines = script.sourceLines
    let count = index.count
    self.interval = interval ?? max(256, min(4096, count / 256))
    var machine = reusing.last ?? Machine(config: config)
    machine.recordDetail = false
    checkpoints.reserveCapacity(count / self.interval + 1)
    if reusing.isEmpty { checkpoints.append(machine) } else { checkpoints = reusing }
    let start = min((checkpoints.count - 1) * self.interval, count)
    for i in start..<count {
      machine.apply(items[Int(index[i])].operation!)
      if (i + 1) % self.interval == 0 { checkpoints.append(machine) }
      if let progress, (i + 1) % 65536 == 0 { progress(i + 1, count) }
    }
  }

  public var stepCount: Int { opIndex.count }

  /// The operations as a value sharing the timeline's storage, for views that page through them.
  public var operations: OperationLog { OperationLog(items: items, opIndex: opIndex) }

  /// Operation `i` (0-based): the one that leads from step i to step i + 1.
  public func operation(_ i: Int) -> Operation { items[Int(opIndex[i])].operation! }

  /// The machine after `step` operations and the full report of the last of them (nil at step 0).
  /// The report comes from replaying that last operation, so the state is reached from step - 1.
  public mutating func state(at step: Int) -> (machine: Machine, report: StepReport?) {
    let s = state(at: step, recordingSteps: false)
    return (s.machine, s.report)
  }

  /// The machine after `step` operations, the machine before the last of them, and its report with
  /// every free-tree step recorded (what an operation's phases are built from).
  public mutating func stateWithSteps(at step: Int) -> (machine: Machine, before: Machine?, report: StepReport?) {
    state(at: step, recordingSteps: true)
  }

  mutating func state(at step: Int, recordingSteps: Bool) -> (machine: Machine, before: Machine?, report: StepReport?) {
    let target = min(max(step, 0), stepCount)
    guard target > 0 else {
      var m = checkpoints[0]
      m.recordDetail = true
      return (m, nil, nil)
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
      machine.apply(operation(i))
      i += 1
      if i % fineInterval == 0 && i % interval != 0 && fine[i] == nil { fine[i] = machine }
    }
    machine.recordDetail = true
    let previous = recordingSteps ? machine : nil
    machine.recordSteps = recordingSteps
    let report = machine.apply(operation(before))
    machine.recordSteps = false
    return (machine, previous, report)
  }

  /// The step a bookmark stands at.
  public func step(ofBookmark name: String) -> Int? { bookmarks.first { $0.name == name }?.step }

  /// The narration shown at `step`. Text written before an operation describes that operation, so
  /// it shows from the step the operation leads to until the next text; step 0 shows the first text
  /// and the last step any text written after the last operation.
  public func narration(at step: Int) -> String? { narrationEntry(at: step)?.text }

  /// The narration shown at `step` and whether it was written for exactly that step.
  public func narrationEntry(at step: Int) -> (text: String, isNew: Bool)? {
    if step <= 0 { return narration.first { $0.step == 0 }.map { ($0.text, true) } }
    // Text after the last operation closes the script: shown at the last step.
    if step >= stepCount, let closing = narration.last, closing.step == stepCount { return (closing.text, true) }
    return narration.last { $0.step < step }.map { ($0.text, $0.step == step - 1) }
  }

  /// The next (or previous) bookmark strictly after (before) `step`.
  public func bookmark(after step: Int) -> (name: String, step: Int)? { bookmarks.first { $0.step > step } }
  public func bookmark(before step: Int) -> (name: String, step: Int)? { bookmarks.last { $0.step < step } }

  /// Operations whose printed form contains `text`, after (or before) `step`, wrapping around.
  public func search(_ text: String, from step: Int, forward: Bool = true) -> Int? {
    guard stepCount > 0 else { return nil }
    let n = stepCount
    for k in 1...n {
      let i = forward ? (step + k - 1) % n : (step - k - 1 + 2 * n) % n
      if TracePrinter.operation(operation(i)).contains(text) { return i + 1 }
    }
    return nil
  }
}

/// A script's operations by index, without the timeline's checkpoints (copying it copies nothing).
public struct OperationLog: Sendable {
  let items: [ScriptItem]
  let opIndex: [Int32]

  public init(_ operations: [Operation]) {
    items = operations.map { .operation($0) }
    opIndex = (0..<Int32(operations.count)).map { $0 }
  }

  init(items: [ScriptItem], opIndex: [Int32]) {
    self.items = items
    self.opIndex = opIndex
  }

  public var count: Int { opIndex.count }

  /// Operation `i` (0-based): the one that leads from step i to step i + 1.
  public subscript(i: Int) -> Operation { items[Int(opIndex[i])].operation! }
}
