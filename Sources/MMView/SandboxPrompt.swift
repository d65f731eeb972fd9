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
      let doc = TraceDocument(script: timeline.script(upTo: step))
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

  /// Runs a typed operation as the step after this one; later steps are dropped.
  mutating func run(_ p: PendingOperation, timeline: inout Timeline) {
    timeline = timeline.appending(p.operation, expect: p.expect, narration: "Typed at the : prompt.", after: step)
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
