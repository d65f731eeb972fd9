import MMCore
import MMTrace

/// What a frame shows besides the UI state: the machine at the step, the step's report, and the
/// surrounding context from the timeline.
public struct FrameInput: Sendable {
  public var machine: Machine
  public var report: StepReport?
  public var step: Int
  public var total: Int
  public var narration: String?
  /// Operations around the step, (step number, printed operation); step k is the k-th operation.
  public var log: [(step: Int, text: String)]
  public var source: String

  /// Reads everything from a timeline at `step` (`logRadius` operations each side for the log).
  public init(timeline: inout Timeline, step: Int, source: String, logRadius: Int = 12) {
    let (m, r) = timeline.state(at: step)
    machine = m
    report = r
    self.step = step
    total = timeline.stepCount
    narration = timeline.narration(at: step)
    let lo = max(1, step - logRadius)
    let hi = min(timeline.stepCount, step + logRadius)
    log = lo <= hi ? (lo...hi).map { ($0, TracePrinter.operation(timeline.operation($0 - 1))) } : []
    self.source = source
  }
}

/// Word-wraps text to `width` columns.
func wrap(_ text: String, width: Int) -> [String] {
  guard width > 0 else { return [] }
  var lines: [String] = []
  var line = ""
  for word in text.split(separator: " ", omittingEmptySubsequences: true) {
    if line.isEmpty {
      line = String(word)
    } else if line.count + 1 + word.count <= width {
      line += " " + word
    } else {
      lines.append(line)
      line = String(word)
    }
    while line.count > width {
      lines.append(String(line.prefix(width)))
      line = String(line.dropFirst(width))
    }
  }
  if !line.isEmpty { lines.append(line) }
  return lines
}
