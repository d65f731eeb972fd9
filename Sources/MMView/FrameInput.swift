import MMCore
import MMTrace

/// What a frame shows besides the UI state: the machine at the step, the step's report, and the
/// surrounding context from the timeline. Built once per step; cursor moves and redraws reuse it.
public struct FrameInput: Sendable {
  public var machine: Machine
  public var report: StepReport?
  public var step: Int
  public var total: Int
  public var narration: String?
  /// The narration was given at this very step (the tour's text for it), not carried over.
  public var narrationIsNew = false
  /// The operations, for the event log (step k is the k-th operation).
  public var operations: OperationLog
  public var source: String
  /// The address space as runs (areas and the free runs between them), shared by the address panel,
  /// the cursor and the inspector.
  public let runs: [AreaRun]
  /// How many busy and lazy areas there are (counted once, for titles).
  public let busyCount: Int
  public let lazyCount: Int
  /// From the first area in use (busy, lazy or pooled) to the end of the last; nil when all is free.
  public let inUse: Span?
  /// The free tree's height (a walk of the whole tree: once per step, not per frame).
  public let freeTreeHeight: Int
  /// The machine before the step's operation, and the operation's phases (empty at step 0, and
  /// until asked for: recording them costs a comparison of the whole free tree per tree step).
  public var before: Machine? = nil
  public var phases: [Phase] = []
  /// Whether `phases` were built (an input for phases shown is built with them).
  public var hasPhases = false
  /// The `before` machine's input, computed once with the phases (its runs feed phases drawn on the
  /// state before the operation).
  var beforeInput: Box<FrameInput>? = nil
  /// Set on the input `forPhase` derives: the phase shown (1-based number and the phase), and the
  /// free tree as it stood at that phase (nil: the machine's own tree).
  public var phase: (number: Int, phase: Phase)? = nil
  public var phaseTree: AreaTree? = nil
  /// The chapter (the last bookmark at or before the step), for the status line.
  public var chapter: String? = nil

  /// Reads everything from a timeline at `step`; with `phases`, also the operation's phases.
  public init(timeline: inout Timeline, step: Int, source: String, phases withPhases: Bool = false) {
    let (m, before, r) =
      withPhases
      ? timeline.stateWithSteps(at: step)
      : {
        let s = timeline.state(at: step)
        return (s.0, nil, s.1)
      }()
    self.init(
      machine: m, report: r, step: step, total: timeline.stepCount, narration: timeline.narration(at: step),
      operations: timeline.operations, source: source)
    narrationIsNew = timeline.narrationEntry(at: step)?.isNew ?? false
    chapter = timeline.bookmarks.last { $0.step <= step }?.name
    hasPhases = withPhases
    if let r, let before { attachPhases(report: r, before: before) }
  }

  /// Takes the step's report recorded with its tree steps (`Machine.recordSteps`) and the machine
  /// before the operation, and builds the phases and what phases drawn on that machine need.
  public mutating func attachPhases(report r: StepReport, before: Machine) {
    report = r
    self.before = before
    hasPhases = true
    phases = PhaseBuilder.phases(r, before: before, after: machine)
    var b = FrameInput(
      machine: before, report: r, step: step, total: total, narration: narration, operations: operations,
      source: source)
    b.narrationIsNew = narrationIsNew
    b.chapter = chapter
    beforeInput = Box(b)
  }

  /// The input for phase `number` (1-based) of the step's operation: the machine before the
  /// operation where the phase shows it, the tree as it stood then. nil or no phases: this input.
  public func forPhase(_ number: Int?) -> FrameInput {
    guard let number, !phases.isEmpty else { return self }
    let n = min(max(number, 1), phases.count)
    let p = phases[n - 1]
    var out = self
    if p.showsBefore, let b = beforeInput {
      out = b.value
      out.before = before
      out.phases = phases
      out.hasPhases = true
    }
    out.phase = (n, p)
    if let k = p.treeSteps, let tree = before?.kva.current?.free, let r = report {
      out.phaseTree = tree.applying(r.treeSteps[0..<min(k, r.treeSteps.count)])
    }
    return out
  }

  public init(
    machine: Machine, report: StepReport?, step: Int, total: Int, narration: String? = nil,
    operations: OperationLog, source: String
  ) {
    self.machine = machine
    self.report = report
    self.step = step
    self.total = total
    self.narration = narration
    self.operations = operations
    self.source = source
    runs = AreaRuns.of(machine)
    var busy = 0
    var lazy = 0
    var lo = UInt64.max
    var hi: UInt64 = 0
    for r in runs where r.state != .free {
      if r.state == .busy { busy += 1 } else if r.state == .lazy { lazy += 1 }
      lo = min(lo, r.span.start)
      hi = max(hi, r.span.end)
    }
    inUse = lo < hi ? Span(lo, hi) : nil
    busyCount = busy
    lazyCount = lazy
    freeTreeHeight = machine.kva.current?.free.height ?? 0
  }

  /// The selected address: the user's, else the area the last operation worked on.
  func selectedAddress(_ state: UIState) -> UInt64? { state.selection ?? touchedArea }

  /// The area the last operation allocated or freed, or the busy area it named (set_memory on an
  /// area changes its pages, so those are what the other panels should show).
  var touchedArea: UInt64? {
    // Before the cut the answer is not known yet: nothing is selected.
    if phase?.phase.showsBefore == true { return nil }
    if let a = report?.kva?.area { return a.start }
    guard case .setMemory(_, let ref, _) = report?.operation else { return nil }
    switch ref {
    case .name(let n): return machine.names[n]
    case .address(let a): return machine.kva.busyArea(containing: a)?.start
    }
  }

  /// The run holding the selected address.
  func selectedRun(_ state: UIState) -> AreaRun? {
    guard let a = selectedAddress(state), let i = AreaRuns.index(of: a, in: runs) else { return nil }
    return runs[i].span.contains(a) ? runs[i] : nil
  }

  /// The pages behind the selected area, as (first pfn, order) blocks: what the buddy and direct-map
  /// panels highlight. Empty when the selection is not a busy area with recorded pages.
  func linkedBlocks(_ state: UIState) -> [(pfn: UInt64, order: Int)] {
    guard let run = selectedRun(state), run.state == .busy, let backing = machine.backing[run.span.start] else {
      return []
    }
    return backing.pfns.map { ($0, backing.order) }
  }
}

/// A shared, immutable value (lets a struct hold another of its own type).
final class Box<T: Sendable>: Sendable {
  let value: T
  init(_ value: T) { self.value = value }
}
