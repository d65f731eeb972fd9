import MMCore
import MMTrace

/// The `:` prompt: typing operations into the timeline (the sandbox), with completion, history,
/// errors in place, and `:w` / `:export`.
extension UIState {
  mutating func commandKey(_ key: Key, timeline: inout Timeline, input: FrameInput?) {
    guard var p = prompt else { return }
    switch key {
    case .escape:
      prompt = nil
      return
    case .backspace:
      if !p.text.isEmpty { p.text.removeLast() }
      p.error = nil
      p.candidates = []
    case .char(":") where p.text.isEmpty:
      // The prompt is already open (the sandbox opens with it): a second ':' is not part of the line.
      break
    case .char(let c):
      p.text.append(c)
      p.error = nil
      p.candidates = []
    case .space:
      p.text.append(" ")
      p.error = nil
      p.candidates = []
    case .tab:
      guard let machine = input?.machine else { break }
      let (text, candidates) = TypedLine.complete(p.text, machine: machine)
      p.text = text
      p.candidates = candidates.count > 1 ? candidates : []
      p.error = candidates.isEmpty ? TypedLineError(column: p.text.count + 1, message: "nothing to complete here") : nil
    case .up, .down:
      guard !typedHistory.isEmpty else { break }
      let back = p.historyIndex ?? -1
      let next = key == .up ? min(back + 1, typedHistory.count - 1) : back - 1
      if next < 0 {
        p.historyIndex = nil
        p.text = ""
      } else {
        p.historyIndex = next
        p.text = typedHistory[typedHistory.count - 1 - next]
      }
      p.error = nil
    case .enter:
      let text = p.text.trimmingCharacters(in: .whitespaces)
      if text.isEmpty {
        prompt = nil
        return
      }
      switch TypedLine.parse(text) {
      case .failure(let e):
        p.error = e
        p.candidates = []
        prompt = p
        return
      case .success(let command):
        if case .operation(let op, _, _) = command, let machine = input?.machine,
          let name = TypedLine.unknownName(in: op, machine: machine)
        {
          let at = text.range(of: " " + name).map { text.distance(from: text.startIndex, to: $0.lowerBound) + 2 }
          p.error = TypedLineError(
            column: at ?? 1, message: "nothing live is named '\(name)' at step \(step) (Tab lists the names)")
          prompt = p
          return
        }
        prompt = nil
        if typedHistory.last != text { typedHistory.append(text) }
        submitTyped(command, timeline: &timeline)
        return
      }
    default: break
    }
    prompt = p
  }

  mutating func submitTyped(_ command: TypedCommand, timeline: inout Timeline) {
    switch command {
    case .write(let path):
      var script = timeline.script(upTo: step)
      // The note the view shows for a typed step is the view's, not the file's.
      script.items.removeAll { $0 == .narrate(Self.typedNarration) }
      let doc = TraceDocument(script: script)
      requests.append(.write(path: path, text: TracePrinter.text(doc)))
    case .export(let path):
      requests.append(.export(path: path))
    case .operation(let op, let expect, let line):
      let pending = PendingOperation(operation: op, expect: expect, line: line, dropping: timeline.stepCount - step)
      if pending.dropping > 0 {
        // The box above the status line asks; the status line keeps the position.
        pendingOperation = pending
      } else {
        run(pending, timeline: &timeline)
      }
    }
  }

  static let typedNarration = "Typed at the : prompt."

  /// Runs a typed operation as the step after this one; later steps are dropped.
  mutating func run(_ p: PendingOperation, timeline: inout Timeline) {
    timeline = timeline.appending(p.operation, expect: p.expect, narration: Self.typedNarration, after: step)
    step += 1
    phase = nil
    playing = false
    cursor = [:]
    column = [:]
    selection = nil
    marks = marks.filter { $0 < step }
    message = "typed step \(step) ran: . walks its phases, :w FILE saves"
  }
}
