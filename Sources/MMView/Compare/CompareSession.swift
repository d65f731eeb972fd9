import MMCore
import MMTrace

/// Everything the compare view needs: one script run on two machines, a timeline for each side's
/// panels, and the step-by-step work of both for the strip. Cursor moves reuse the inputs; a new step
/// or phase rebuilds them.
public struct CompareSession: Sendable {
  public let run: ComparedRun
  public var timelineA: Timeline
  public var timelineB: Timeline
  public let labels: (a: String, b: String)
  public var focus: CompareFocus
  public private(set) var inputA: FrameInput
  public private(set) var inputB: FrameInput

  /// `a` as given and `b` with `variant` applied; `progress` reports both sides' preparation.
  public init(
    script a: Script, variant: MachineVariant, labels: (a: String, b: String),
    progress: ((Int, Int) -> Void)? = nil
  ) {
    let b = variant.applied(to: a, keepExpectations: false)
    run = ComparedRun(a: a, b: b)
    // Side b re-placed what the recorded kernel placed: say so wherever b is named.
    let dropped = b.notes.count > a.notes.count && b.notes.last?.contains("(at=) ignored") == true
    let labels = dropped ? (a: labels.a, b: labels.b + " (its own placements, not the trace's at=)") : labels
    timelineA = Timeline(script: a) { done, total in progress?(done, 2 * total) }
    timelineB = Timeline(script: b) { done, total in progress?(total + done, 2 * total) }
    self.labels = labels
    focus = .suited(to: variant)
    inputA = FrameInput(timeline: &timelineA, step: 0, source: "a: " + labels.a)
    inputB = FrameInput(timeline: &timelineB, step: 0, source: "b: " + labels.b)
  }

  public var stepCount: Int { timelineA.stepCount }

  /// Rebuilds the inputs when the step (or whether phases are shown) changed.
  public mutating func update(_ state: UIState) {
    let phases = state.phase != nil
    if inputA.step != state.step || (phases && !inputA.hasPhases) {
      inputA = FrameInput(timeline: &timelineA, step: state.step, source: "a: " + labels.a, phases: phases)
      inputB = FrameInput(
        timeline: &timelineB, step: min(state.step, timelineB.stepCount), source: "b: " + labels.b, phases: phases)
    }
  }

  public func render(_ state: UIState, width: Int, height: Int, color: Bool) -> Buffer {
    CompareFrame.render(
      a: inputA, b: inputB, run: run, labels: labels, state: state, focus: focus, width: width, height: height,
      color: color)
  }

  /// The most phases either side has at this step (phase stepping walks the longer; the other side
  /// stays on its last).
  public var phaseCount: Int { max(inputA.phases.count, inputB.phases.count) }
}
