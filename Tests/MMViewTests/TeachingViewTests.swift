import Foundation
import MMCore
import MMTrace
import Testing

@testable import MMView

/// The sandbox prompt, the quiz, the lesson menu and the exports, driven by keys without a terminal.
@Suite struct TeachingViewTests {
  func teachFits() -> Timeline { Timeline(script: ScenarioLibrary.named("teach-fits")!.script()) }

  func type(_ text: String) -> [Key] { text.map { $0 == " " ? .space : .char($0) } }

  /// Presses keys as the view loop does: each against the frame input of the state before it.
  func press(_ keys: [Key], _ s: inout UIState, _ t: inout Timeline) {
    for k in keys {
      let input = FrameInput(timeline: &t, step: s.step, source: "test", phases: s.phase != nil)
      s.handle(k, timeline: &t, input: input)
    }
  }

  func screen(_ s: UIState, _ t: inout Timeline, width: Int = 100, height: Int = 30) -> String {
    let input = FrameInput(timeline: &t, step: s.step, source: "test", phases: s.phase != nil)
    return Frame.render(input, s, width: width, height: height, color: false).text
  }

  @Test func typedOperationRunsAfterTheLastStepAndSteppingBackWorks() {
    var t = Timeline(script: SandboxScenario.scenario.script())
    var s = UIState()
    #expect(t.stepCount == 0)
    press([.char(":")] + type("vmalloc 16K as=x") + [.enter], &s, &t)
    #expect(t.stepCount == 1 && s.step == 1 && s.prompt == nil)
    #expect(t.state(at: 1).machine.names["x"] == 0xffff_c900_0000_0000)
    press([.char(":")] + type("vfree x") + [.enter], &s, &t)
    #expect(t.stepCount == 2 && s.step == 2)
    #expect(t.state(at: 2).machine.kva.lazyAreas.count == 1)
    // Phases of a typed operation walk like any other's; stepping back crosses typed operations.
    press([.char(".")], &s, &t)
    #expect(s.phase == 1)
    press([.left, .left], &s, &t)
    #expect(s.step == 0 && s.phase == nil)
    #expect(t.narration(at: 1) == "Typed at the : prompt.")
    // ↑ recalls the typed lines, newest first.
    press([.char(":"), .up, .up], &s, &t)
    #expect(s.prompt?.text == "vmalloc 16K as=x")
    press([.escape], &s, &t)
    #expect(s.prompt == nil)
  }

  @Test func typingInThePastAsksBeforeDroppingLaterSteps() {
    var t = teachFits()
    let total = t.stepCount
    var s = UIState()
    s.step = 3
    press([.char(":")] + type("purge") + [.enter], &s, &t)
    #expect(s.pendingOperation?.dropping == total - 3 && t.stepCount == total)
    #expect(screen(s, &t).contains("It drops steps 4 to \(total). y runs it"))
    press([.char("x")], &s, &t)
    #expect(s.pendingOperation == nil && t.stepCount == total && s.step == 3)
    #expect(s.message == "kept steps 4-\(total); nothing ran")
    press([.char(":")] + type("purge") + [.enter, .char("y")], &s, &t)
    #expect(t.stepCount == 4 && s.step == 4)
    #expect(t.state(at: 4).report?.operation == .purge)
  }

  @Test func aBadLineStaysOpenWithTheErrorUnderItsColumn() {
    var t = teachFits()
    var s = UIState()
    press([.char(":")] + type("vmalloc 8X") + [.enter], &s, &t)
    #expect(s.prompt?.error?.column == 9 && t.stepCount == 17)
    let lines = screen(s, &t).split(separator: "\n").map(String.init)
    // The status line holds the typed text; the caret above sits under the '8' (column 9 of the text).
    #expect(lines[29].hasPrefix(" :vmalloc 8X▏"))
    let caret = lines.first { $0.contains("^") && !$0.contains("vmalloc") }!
    #expect(Array(caret).firstIndex(of: "^") == Array(lines[29]).firstIndex(of: "8"))
    #expect(lines.contains { $0.contains("'size=8X' is not a size") })
    // Tab completes in place; typing clears the error.
    press([.backspace, .backspace, .backspace, .backspace, .backspace, .backspace, .backspace], &s, &t)
    press([.char("l"), .tab], &s, &t)
    #expect(s.prompt?.text == "vmalloc " && s.prompt?.error == nil)
  }

  @Test func writeSavesEverythingUpToTheStepAsAFileThatReadsBack() throws {
    var t = teachFits()
    var s = UIState()
    s.step = 2
    press([.char(":")] + type("w /tmp/x.mmtrace") + [.enter], &s, &t)
    guard case .write(let path, let text)? = s.requests.first else {
      Issue.record("no write request")
      return
    }
    #expect(path == "/tmp/x.mmtrace")
    #expect(!text.contains("Typed at the : prompt."))
    var parser = TraceParser(file: "x")
    let doc = parser.parse(text)
    #expect(parser.errors.isEmpty && doc.script.stepCount == 2)
    #expect(text.contains("vmalloc size=12K vstart=0x100000 vend=0x200000 as=a"))
    #expect(!text.contains("as=c"))
    press([.char(":")] + type("export f.svg") + [.enter], &s, &t)
    #expect(s.requests.last == .export(path: "f.svg"))
  }

  // MARK: quiz

  @Test func quizAsksHidesThenRevealsAndScores() {
    var t = teachFits()
    var s = UIState()
    s.startQuiz(topics: [.alloc], timeline: &t)
    #expect(s.step == 0 && s.quiz?.questions.count == 2)
    var text = screen(s, &t)
    #expect(text.contains("quiz on alloc question 1/2 · score 0/0") && text.contains("Where will"))
    // Stepping is blocked while a question is open.
    press([.right], &s, &t)
    #expect(s.step == 0 && s.quiz?.notice == "answer first (Esc ends the quiz)")
    press(type("100000") + [.enter], &s, &t)
    #expect(s.quiz?.index == 1 && s.step == 0)
    press([.char("2")], &s, &t)  // LE: wrong, it is NE
    #expect(s.quiz?.revealed == true && s.step == 1 && s.phase == 1)
    #expect(s.quiz?.right == 1 && s.quiz?.asked == 2)
    text = screen(s, &t, height: 40)
    #expect(text.contains("✓ address: you said 0x100000, right."))
    #expect(text.contains("✗ fit type: you said LE; the answer is NE."))
    // . walks the revealed operation's phases; Space goes to the next question.
    press([.char(".")], &s, &t)
    #expect(s.phase == 2)
    press([.space], &s, &t)
    #expect(s.step == 1 && s.quiz?.revealed == false && s.quiz?.questions.first?.answer == .address(0x10_4000))
    press([.char("Q")], &s, &t)
    #expect(s.quiz == nil && s.message == "quiz ended: 1 of 2 right")
  }

  /// While a question is open, h/l move the address cursor (to pick a free run) and answer nothing.
  @Test func quizLetsTheCursorMove() {
    var t = teachFits()
    var s = UIState()
    s.step = 1
    s.startQuiz(topics: [.alloc], timeline: &t)
    press([.char("l")], &s, &t)
    #expect(s.selection != nil && s.quiz?.index == 0 && s.quiz?.notice == nil)
    // At step 0 the narration, which describes the first operation, is hidden while it is asked about.
    var u = UIState()
    u.startQuiz(topics: [.alloc], timeline: &t)
    #expect(!screen(u, &t, height: 40).contains("no-edge (NE) fit"))
  }

  @Test func unknownNamesAndASecondColonAreCaughtAtThePrompt() {
    var t = teachFits()
    var s = UIState()
    s.step = t.stepCount
    press([.char(":"), .char(":")] + type("vfree zz") + [.enter], &s, &t)
    #expect(s.prompt?.text == "vfree zz" && s.prompt?.error?.column == 7)
    #expect(s.prompt?.error?.message == "nothing live is named 'zz' at step 17 (Tab lists the names)")
    #expect(t.stepCount == 17)
    // A line longer than the status line: the caret still sits under the bad value.
    var u = UIState()
    let long = "vmalloc size=16K align=16K vstart=0x100000 vend=0x200000 kind=stack cpu=0 as=longname1 expect=0x10000q"
    press([.char(":")] + type(long) + [.enter], &u, &t)
    let lines = screen(u, &t, width: 80, height: 24).split(separator: "\n").map(String.init)
    let caret = Array(lines.first { $0.contains("^") && !$0.contains("vmalloc") }!).firstIndex(of: "^")!
    #expect(Array(lines[23])[caret] == "0" && Array(lines[23])[caret + 7] == "q")
  }

  @Test func quizPicksAFreeRunWithTheCursorAndSkipsOperationsWithoutQuestions() {
    var t = teachFits()
    var s = UIState()
    // b lands in the free run after a: pick it with the cursor (h/l) and Enter.
    s.step = 1
    s.startQuiz(topics: [.alloc], timeline: &t)
    let input = FrameInput(timeline: &t, step: 1, source: "test")
    let run = input.runs.first { $0.state == .free && $0.span.start == 0x10_4000 }!
    s.selection = run.span.start
    press([.enter], &s, &t)
    #expect(s.quiz?.correct == [true] && s.quiz?.given == ["the free run \(run.span)"])
    // With only free questions, the allocations before the first vfree pass without a question.
    var u = UIState()
    u.startQuiz(topics: [.free], timeline: &t)
    #expect(u.step == 4 && u.quiz?.notice == "passed 4 operations with no question on the chosen topics")
    #expect(u.quiz?.questions.first?.short == "purge?")
  }

  @Test func quizFinishesWithTheScore() {
    var t = teachFits()
    var s = UIState()
    s.step = t.stepCount
    s.startQuiz(topics: Set(QuizQuestion.Topic.allCases), timeline: &t)
    #expect(s.quiz?.finished == true)
    #expect(screen(s, &t).contains("no more questions: the end of the trace. Score: 0 of 0 right."))
    press([.char("Q")], &s, &t)
    #expect(s.quiz == nil)
  }

  // MARK: menu

  @Test func lessonMenuMovesOpensAndQuits() {
    var m = LessonMenu(entries: [
      .init(title: "Guided tour", about: "the tour", minutes: 5, command: "mmscope --scenario tour"),
      .init(
        title: "The augmented tree", about: "lowest fit, FL/LE/RE/NE, guard pages", minutes: 10,
        command: "mmscope Recordings/vmalloc-fits.mmtrace"),
    ])
    #expect(m.handle(.down) == nil && m.selected == 1)
    #expect(m.handle(.down) == nil && m.selected == 1)
    #expect(m.handle(.enter) == .open(1))
    #expect(m.handle(.char("0")) == .open(0) && m.selected == 0)
    #expect(m.handle(.char("q")) == .quit)
    let text = m.render(width: 80, height: 24, color: false).text
    let lines = text.split(separator: "\n").map(String.init)
    #expect(lines[0].hasPrefix("┌ mmscope: lessons ─"))
    #expect(lines[5].hasPrefix("│▸ 0  Guided tour   ") && lines[5].hasSuffix("5 min    │"))
    #expect(lines[6].hasPrefix("│  1  The augmented tree   ") && lines[6].hasSuffix("10 min   │"))
    #expect(lines[8].hasPrefix("│┌ Guided tour ─"))
    #expect(lines[22].hasPrefix("└──") && lines[23].hasPrefix(" ↑↓ choose  Enter opens"))
    #expect(lines.allSatisfy { $0.count == 80 })
    #expect(text.contains("│ the tour") && text.contains("open directly: mmscope --scenario tour"))
  }

  @Test func lessonHeadersAreRead() throws {
    let dir = NSTemporaryDirectory() + "mmscope-lessons-\(getpid())"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try "mmtrace 1\n# title: Second\n# about: b\n# minutes: 7\n# order: 2\nvmalloc size=4K\n".write(
      toFile: dir + "/b.mmtrace", atomically: true, encoding: .utf8)
    try "mmtrace 1\n# title: First\n# order: 1\n".write(toFile: dir + "/a.mmtrace", atomically: true, encoding: .utf8)
    try "mmtrace 1\nvmalloc size=4K\n".write(toFile: dir + "/none.mmtrace", atomically: true, encoding: .utf8)
    let lessons = LessonCatalog.lessons(in: dir)
    #expect(lessons.map(\.title) == ["First", "Second"])
    #expect(lessons[1].minutes == 7 && lessons[1].about == "b" && lessons[0].minutes == nil)
    #expect(
      LessonCatalog.locate(environment: ["MMSCOPE_RECORDINGS": dir], workingDirectory: "/", executable: "/x") == dir)
    #expect(LessonCatalog.locate(environment: [:], workingDirectory: "/nonexistent", executable: dir + "/bin/x") == nil)
  }

  // MARK: export

  @Test func svgKeepsEveryCellColourAndBoxDrawing() {
    var b = Buffer(width: 6, height: 2)
    b.border(Rect(x: 0, y: 0, width: 6, height: 2))
    b.put(1, 0, "a<", Style(fg: .red, bg: .blue, bold: true))
    let svg = SVGFrame.render(b, title: "t & u")
    #expect(svg.contains("<title>t &amp; u</title>"))
    #expect(svg.contains("width=\"50.4\" height=\"34\""))
    // The red-on-blue run: its background rectangle, then its text stretched over two cells.
    #expect(
      svg.contains(
        "<rect x=\"8.4\" y=\"0\" width=\"16.8\" height=\"17\" fill=\"#2472c8\"/>\n<text x=\"8.4\" y=\"13.26\" fill=\"#cd3131\" textLength=\"16.8\" lengthAdjust=\"spacingAndGlyphs\" font-weight=\"bold\">a&lt;</text>"
      ))
    #expect(svg.contains(">└────┘</text>") && svg.contains(">┌</text>") && svg.contains(">──┐</text>"))
    // Reverse video swaps the colours.
    #expect(SVGFrame.colours(Style(reverse: true)) == (fg: "#1c1c1c", bg: "#d0d0d0"))
  }

  @Test func asciicastHasAHeaderAndOneEventPerFrame() throws {
    var cast = Asciicast(width: 3, height: 2, title: "a \"b\"", secondsPerFrame: 0.5)
    var b = Buffer(width: 3, height: 2)
    b.put(0, 0, "x", Style(fg: .green))
    cast.add(b)
    cast.add(Buffer(width: 3, height: 2))
    let lines = cast.text.split(separator: "\n").map(String.init)
    #expect(lines.count == 3)
    let header = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any]
    #expect(
      header?["version"] as? Int == 2 && header?["width"] as? Int == 3 && header?["title"] as? String == "a \"b\"")
    let first = try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [Any]
    #expect(first?[0] as? Double == 0 && first?[1] as? String == "o")
    #expect(first?[2] as? String == "\u{1b}[H\u{1b}[2J\u{1b}[0;32mx\u{1b}[0m  \r\n   ")
    let second = try JSONSerialization.jsonObject(with: Data(lines[2].utf8)) as? [Any]
    #expect(second?[0] as? Double == 0.5)
  }

  /// A set_memory on a direct-map address that splits nothing (its pages are 4 KiB entries already)
  /// still shows the gigabyte it changed, not GiB 0.
  @Test func directMapPanelFollowsAChangeThatSplitNothing() {
    var parser = TraceParser(file: "t")
    let doc = parser.parse(
      "mmtrace 1\nmachine memory=2G\nset_memory ro 0xffff888040200000 pages=4\nset_memory ro 0xffff888040204000 pages=4\n"
    )
    var t = Timeline(script: doc.script)
    let input = FrameInput(timeline: &t, step: 2, source: "t")
    #expect(input.report?.directMap.splits.isEmpty == true)
    #expect(DirectMapPanel.gigabyte(input, UIState.at(2)) == 1)
  }
}
