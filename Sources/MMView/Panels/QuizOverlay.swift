import MMTrace

/// The quiz box above the status line: the question with its choices and the answer being typed,
/// or, once the operation has run, each answer marked right or wrong with the reason.
enum QuizOverlay {
  static func lines(_ q: QuizState, step: Int, width: Int, theme: Theme) -> [(String, Style)] {
    let w = max(width - 4, 10)
    var out: [(String, Style)] = []
    func add(_ text: String, _ style: Style = .plain) { out += wrap(text, width: w).map { ($0, style) } }
    if q.finished {
      add("\(q.notice ?? "no more questions"). Score: \(q.right) of \(q.asked) right.", theme.narration)
      add("Esc ends the quiz; the view goes on as usual.", theme.label)
      return out
    }
    if q.revealed && q.folded {
      add(". , walk the phases · a the answers again · Space next question · Esc ends", theme.label)
      return out
    }
    if q.revealed {
      for (i, question) in q.questions.enumerated() {
        let ok = q.correct[i]
        add(
          (ok ? "✓ " : "✗ ") + question.short + ": you said \(q.given[i])"
            + (ok ? ", right." : "; the answer is \(question.answerText)."), ok ? theme.free : theme.error)
        add(question.reason, theme.narration)
      }
      add("Step \(step) ran: . and , walk its phases. Space or → next question, Esc ends.", theme.label)
      return out
    }
    guard let question = q.current else { return out }
    add(question.text)
    if !question.choices.isEmpty {
      add(
        question.choices.enumerated().map { "\($0.offset + 1) \($0.element)" }.joined(separator: "   ")
          + (question.choices == ["yes", "no"] ? "   (or y / n)" : ""), theme.changed)
    } else {
      out.append(("answer: " + q.typed + "▏" + (q.typed.isEmpty ? "" : "   Enter answers"), theme.changed))
    }
    if let notice = q.notice { add(notice, theme.error) }
    return out
  }

  static func draw(_ b: inout Buffer, above status: Rect, _ state: UIState, _ theme: Theme) {
    guard let q = state.quiz else { return }
    let lines = lines(q, step: state.step, width: status.width, theme: theme)
    // At most half the screen, so the panels the question is about stay in view.
    let height = min(lines.count + 2, max(b.height / 2, 4), status.y)
    guard height >= 3 else { return }
    let r = Rect(x: status.x, y: status.y - height, width: status.width, height: height)
    let topics =
      q.topics.count == QuizQuestion.Topic.allCases.count
      ? ""
      : " on " + QuizQuestion.Topic.allCases.filter { q.topics.contains($0) }.map(\.rawValue).joined(separator: ", ")
    let number = q.revealed || q.finished ? "" : " question \(q.index + 1)/\(q.questions.count)"
    b.fill(r)
    b.border(r, title: "quiz\(topics)\(number) · score \(q.right)/\(q.asked)", style: theme.focusedBorder)
    var shown = Array(lines.prefix(height - 2))
    if lines.count > height - 2, !shown.isEmpty {
      shown[shown.count - 1] = ("… (a taller terminal shows the rest)", theme.label)
    }
    for (i, (text, style)) in shown.enumerated() { b.put(r.x + 2, r.y + 1 + i, text, style, clip: r.inset(1)) }
  }
}
