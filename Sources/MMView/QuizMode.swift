import MMCore
import MMTrace

/// Predict, then reveal: before each operation with a question, the view shows the state before
/// it and asks; the answers are checked against the engine's report, then the operation runs and
/// its phases can be walked.
public struct QuizState: Sendable, Equatable {
  public var topics: Set<QuizQuestion.Topic>
  /// The questions about the operation after the current step.
  public var questions: [QuizQuestion] = []
  /// The question being asked (answers so far are in `given`).
  public var index = 0
  public var typed = ""
  public var given: [String] = []
  public var correct: [Bool] = []
  /// The operation has run and the answers are shown.
  public var revealed = false
  /// After the reveal, walking the phases folds the answers away so the explain pane shows.
  public var folded = false
  public var right = 0
  public var asked = 0
  /// A line about the last key (an answer of the wrong kind, operations passed without questions).
  public var notice: String?
  /// No operation after the current step has a question.
  public var finished = false

  public init(topics: Set<QuizQuestion.Topic>) { self.topics = topics }

  public var current: QuizQuestion? { !revealed && index < questions.count ? questions[index] : nil }
}

extension UIState {
  /// How far ahead the quiz looks for the next operation it can ask about.
  static let quizLookahead = 5000

  public mutating func startQuiz(topics: Set<QuizQuestion.Topic>, timeline: inout Timeline) {
    quiz = QuizState(topics: topics)
    playing = false
    nextQuestion(timeline: &timeline)
  }

  /// Moves to the state before the next operation that has questions, from the current step.
  mutating func nextQuestion(timeline: inout Timeline) {
    guard var q = quiz else { return }
    q.questions = []
    q.index = 0
    q.typed = ""
    q.given = []
    q.correct = []
    q.revealed = false
    q.folded = false
    q.notice = nil
    let from = step
    var i = step
    // One machine stepped forward: passing operations without questions costs one apply each.
    var machine = timeline.state(at: step).machine
    machine.recordDetail = true
    while i < min(timeline.stepCount, from + Self.quizLookahead) {
      let op = timeline.operation(i)
      let qs = Quiz.questions(operation: op, report: machine.apply(op), config: timeline.config, topics: q.topics)
      if !qs.isEmpty {
        q.questions = qs
        break
      }
      i += 1
    }
    step = i
    phase = nil
    selection = nil
    cursor = [:]
    column = [:]
    if q.questions.isEmpty {
      q.finished = true
      q.notice =
        i >= timeline.stepCount
        ? "no more questions: the end of the trace" : "no question in the next \(Self.quizLookahead) operations"
    } else if i > from {
      q.notice = "passed \(i - from) operation\(i - from == 1 ? "" : "s") with no question on the chosen topics"
    }
    quiz = q
  }

  /// A key while the quiz is on. Returns false when the key is left to the normal commands.
  mutating func quizKey(_ key: Key, timeline: inout Timeline, input: FrameInput?) -> Bool {
    guard var q = quiz else { return false }
    if key == .escape || key == .char("Q") || (q.finished && key == .char("q")) {
      message = "quiz ended: \(q.right) of \(q.asked) right"
      quiz = nil
      return true
    }
    if q.finished { return false }
    if q.revealed {
      switch key {
      case .space, .right, .char("n"), .enter:
        step = min(step, timeline.stepCount)
        nextQuestion(timeline: &timeline)
        return true
      case .char("."), .char(","):
        q.folded = true
        quiz = q
        return false
      case .char("a"):
        // The answers again, after walking the phases.
        q.folded = false
        quiz = q
        return true
      default: return false
      }
    }
    guard let question = q.current else { return false }
    // Moving the address cursor (to pick a free run), focus, zoom, the tree view and help still work
    // while a question is open; none of them is an answer.
    let passThrough: [Key] = [
      .tab, .backTab, .up, .down, .char("h"), .char("l"), .char("j"), .char("k"), .char("z"), .char("Z"),
      .char("t"), .char("M"), .char("?"),
    ]
    if passThrough.contains(key) { return false }
    q.notice = nil
    var answer: String? = nil
    switch key {
    case .backspace:
      if !q.typed.isEmpty { q.typed.removeLast() }
    case .char(let c) where !question.choices.isEmpty:
      if question.choices == ["yes", "no"] && (c == "y" || c == "n") {
        answer = c == "y" ? "1" : "2"
      } else if let n = c.wholeNumberValue, n >= 1, n <= question.choices.count {
        answer = String(n)
      } else {
        q.notice = "press 1-\(question.choices.count)" + (question.choices == ["yes", "no"] ? " (or y/n)" : "")
      }
    case .char(let c) where c.isHexDigit || c == "x" || c == "X":
      q.typed.append(c)
    case .enter:
      if q.typed.isEmpty, case .address(let target) = question.answer {
        // The free run the address cursor selects: right when the area lands inside it.
        guard let selection,
          let run = input?.runs.first(where: { $0.span.start <= selection && selection < $0.span.end })
        else {
          q.notice = "move the address cursor with h/l onto a free run, or type an address"
          break
        }
        guard run.state == .free else {
          q.notice = "the cursor is on a \(run.state) area: move it onto a free run (·) with h/l"
          break
        }
        let ok = run.span.start <= target && target < run.span.end
        record(&q, given: "the free run \(run.span)", ok: ok)
      } else {
        answer = q.typed
      }
    case .char, .space, .right, .left, .home, .end:
      q.notice = "answer first (Esc ends the quiz)"
    default: break
    }
    if let a = answer {
      if let ok = question.check(a) {
        record(&q, given: question.choices.isEmpty ? question.normalized(a) : question.choices[Int(a)! - 1], ok: ok)
      } else {
        q.notice =
          "'\(a)' is not an answer here: " + (question.answer.isAddress ? "type a hex address" : "type a number")
      }
    }
    quiz = q
    return true
  }
}

extension UIState {
  /// Keeps an answer; after the operation's last question, runs it and shows its first phase.
  mutating func record(_ q: inout QuizState, given: String, ok: Bool) {
    q.given.append(given)
    q.correct.append(ok)
    q.typed = ""
    q.index += 1
    guard q.index == q.questions.count else { return }
    q.revealed = true
    q.asked += q.questions.count
    q.right += q.correct.filter { $0 }.count
    step += 1
    phase = 1
    selection = nil
  }
}

extension QuizQuestion.Answer {
  var isAddress: Bool {
    if case .address = self { return true }
    return false
  }
}
