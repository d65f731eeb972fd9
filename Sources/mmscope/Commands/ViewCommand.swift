import ArgumentParser
import Foundation
import MMCore
import MMTerminal
import MMTrace
import MMView

struct ViewCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "view",
    abstract: "The terminal view (the default command): a trace, a scenario, or the built-in tour.",
    discussion: """
      Keys: Space play/pause, → n step, ← p step back, g go to, / search, m mark, [ ] bookmarks, + - speed,
      Tab focus, M maximize, h j k l cursor (select areas, nodes, orders, cells), Enter inspect, z Z zoom,
      t tree view, f follow the last operation, ? help, q quit. Mouse clicks select.

      Examples:
        mmscope                               the built-in tour
        mmscope generate teach-fits -o teach.mmtrace
        mmscope teach.mmtrace
        mmscope --scenario thread-stacks --cpus 4
        mmscope --scenario modules-rwx --vs unmapped-cache=on   side by side
      """
  )

  @Argument(help: "A trace file (.mmtrace or a kernel trace). Without one: --scenario, or the tour.")
  var file: String?

  @Option(name: .long, help: "A built-in scenario (see `mmscope scenarios`).")
  var scenario: String?

  @OptionGroup var machine: MachineOptions

  @Option(
    name: .long,
    help: "Compare: the machine options the right side changes, e.g. policy=legacy or unmapped-cache=on.")
  var vs: String?

  /// For the end-to-end tests: a fatal error once the first frame is drawn, to prove the terminal is
  /// restored on a crash.
  @Flag(name: .customLong("crash-after-first-frame"), help: .hidden)
  var crashAfterFirstFrame = false

  func validate() throws {
    if let vs, case .failure(let e) = MachineVariant.parse(vs) { throw ValidationError("--vs: \(e)") }
    if file != nil && scenario != nil { throw ValidationError("give either a trace file or --scenario, not both") }
    try machine.validate()
  }

  func run() throws {
    // Before reading anything: without a terminal that can show the view there is nothing to show it on.
    try ViewCommand.requireTerminal()
    if file == nil && scenario == nil && vs == nil, let menu = ViewCommand.lessonMenu() {
      try ViewCommand.runMenu(menu, machine: machine)
      return
    }
    var opened: Opened
    if let file {
      try InputFile.check(file)
      opened = try ViewCommand.load(file)
      opened.script = machine.variant.applied(to: opened.script)
    } else {
      let name = scenario ?? "tour"
      let script = try MachineOptions.scenario(named: name).script(machine.scenarioOptions)
      opened = Opened(
        script: machine.scenarioVariant.applied(to: script), source: scenario == nil ? "tour" : "scenario \(name)")
    }
    let session = try ViewCommand.startSession()
    defer { TerminalSession.restore() }
    if let vs {
      let variant = try MachineVariant.parse(vs).get()
      CompareLoop.show(opened, variant: variant, in: session)
      return
    }
    ViewCommand.show(opened, in: session, crashAfterFirstFrame: crashAfterFirstFrame)
  }

  /// A script ready for the view, with what to say about it.
  struct Opened {
    var script: Script
    var source: String
    var startMessage: String? = nil
    var openPrompt = false
    /// Start in the quiz, on these topics.
    var quiz: Set<QuizQuestion.Topic>? = nil
    /// The step to open at.
    var startStep = 0
  }

  static func requireTerminal() throws {
    do {
      try TerminalSession.checkTerminal()
    } catch {
      FileHandle.standardError.write(Data("mmscope: \(error.description)\n".utf8))
      throw ExitCode(2)
    }
  }

  static func startSession() throws -> TerminalSession {
    do {
      return try TerminalSession()
    } catch let e as TerminalSession.StartError {
      FileHandle.standardError.write(Data("mmscope: \(e.description)\n".utf8))
      throw ExitCode(2)
    }
  }

  /// Reads a trace file for the view; a damaged one opens with its valid part.
  static func load(_ file: String) throws -> Opened {
    // A long kernel trace takes a few seconds to read: say so before the view takes the screen.
    let err = FileHandle.standardError
    let tty = isatty(2) != 0
    do {
      let script = try TraceSource.load(path: file) { lines, bytes, total in
        guard tty else { return }
        let pct = total > 0 ? " \(bytes * 100 / total)%" : ""
        err.write(Data("\rmmscope: reading \(file): \(lines) lines\(pct)".utf8))
      }
      if tty { err.write(Data("\r\u{1b}[K".utf8)) }
      return Opened(script: script, source: (file as NSString).lastPathComponent)
    } catch let e as TraceSource.LoadError {
      if tty { err.write(Data("\r\u{1b}[K".utf8)) }
      // Bad lines are listed (they show again when the view closes) and the valid rest is opened,
      // with the count in the status line.
      SourceOptions.report(e)
      guard let partial = e.partial else { throw ExitCode(65) }
      let bad = e.count == 1 ? "1 bad line" : "\(e.count) bad lines"
      // Short enough to leave the step counter beside it at 80 columns.
      return Opened(
        script: partial, source: "\((file as NSString).lastPathComponent), \(bad) left out",
        startMessage: "\(bad) left out; mmscope check lists them")
    }
  }

  /// The lessons of `Recordings/` with the tour first, or nil when no Recordings directory is found.
  static func lessonMenu() -> (menu: LessonMenu, lessons: [Lesson])? {
    let env = ProcessInfo.processInfo.environment
    guard
      let dir = LessonCatalog.locate(
        environment: env, workingDirectory: FileManager.default.currentDirectoryPath,
        executable: CommandLine.arguments[0].hasPrefix("/")
          ? CommandLine.arguments[0] : Bundle.main.executablePath ?? CommandLine.arguments[0])
    else { return nil }
    let lessons = LessonCatalog.lessons(in: dir)
    guard !lessons.isEmpty else { return nil }
    let relative = relativePath(dir)
    let tour = LessonMenu.Entry(
      title: "Guided tour: every panel in turn",
      about: "The built-in tour: the address space, the free tree, lazy free and purge, the buddy allocator and "
        + "the direct map, one chapter a panel, each step narrated.",
      minutes: 5, command: "mmscope --scenario tour")
    let entries =
      [tour]
      + lessons.map {
        LessonMenu.Entry(
          title: $0.title, about: $0.about, minutes: $0.minutes,
          command: "mmscope " + (relative as NSString).appendingPathComponent($0.fileName)
            + ($0.compare.map { " --vs " + $0 } ?? ""))
      }
    return (LessonMenu(entries: entries), lessons)
  }

  /// A directory as the user would type it from here.
  static func relativePath(_ dir: String) -> String {
    let cwd = FileManager.default.currentDirectoryPath
    let prefix = cwd.hasSuffix("/") ? cwd : cwd + "/"
    return dir.hasPrefix(prefix) ? String(dir.dropFirst(prefix.count)) : dir
  }

  /// The menu, then the chosen lesson; quitting a lesson comes back to the menu.
  static func runMenu(_ found: (menu: LessonMenu, lessons: [Lesson]), machine: MachineOptions) throws {
    var menu = found.menu
    let session = try startSession()
    defer { TerminalSession.restore() }
    var dirty = true
    while !session.hungUp {
      if dirty {
        session.draw(menu.render(width: session.width, height: session.height, color: session.hasColor))
        dirty = false
      }
      if session.refreshSize() { dirty = true }
      guard let key = session.readKey() else { continue }
      dirty = true
      switch menu.handle(key) {
      case .quit?: return
      case .open(let i)?:
        let opened: Opened
        if i == 0 {
          let script = try MachineOptions.scenario(named: "tour").script(machine.scenarioOptions)
          opened = Opened(script: script, source: "tour")
        } else {
          let lesson = found.lessons[i - 1]
          do {
            let script = try TraceSource.load(path: lesson.path)
            opened = Opened(script: script, source: lesson.fileName)
          } catch {
            menu.message = "\(lesson.fileName) did not open: mmscope check \(lesson.path) says why"
            continue
          }
          if let compare = lesson.compare, let variant = try? MachineVariant.parse(compare).get() {
            CompareLoop.show(opened, variant: variant, in: session)
            continue
          }
        }
        show(opened, in: session, crashAfterFirstFrame: false)
      case nil: break
      }
    }
  }

  /// Prepares the timeline (saying how far along) and runs the view until q.
  static func show(_ opened: Opened, in session: TerminalSession, crashAfterFirstFrame: Bool) {
    let source = opened.source
    let script = opened.script
    // Checkpoints for a long trace take a while: say how far along they are.
    session.draw(
      Frame.message("Preparing \(source): \(script.stepCount) steps…", width: session.width, height: session.height))
    let timeline = Timeline(script: script) { done, total in
      session.draw(
        Frame.message(
          "Preparing \(source): checkpoints for \(done * 100 / max(total, 1))% of \(total) steps…",
          width: session.width, height: session.height))
    }
    var loop = ViewLoop(
      session: session, timeline: timeline, source: source, crashAfterFirstFrame: crashAfterFirstFrame,
      startMessage: opened.startMessage, openPrompt: opened.openPrompt, quiz: opened.quiz, startStep: opened.startStep)
    loop.run()
  }
}

/// Reads keys, updates the UI state, draws frames; the frame is recomputed when the step changes.
struct ViewLoop {
  let session: TerminalSession
  var timeline: Timeline
  let source: String
  var crashAfterFirstFrame = false
  /// Shown in the status line until the first key (what was left out of the file).
  var startMessage: String? = nil
  /// The sandbox opens with the `:` prompt ready.
  var openPrompt = false
  var quiz: Set<QuizQuestion.Topic>? = nil
  var startStep = 0

  mutating func run() {
    var state = UIState()
    state.step = startStep
    state.message = startMessage
    if openPrompt { state.prompt = Prompt(kind: .command) }
    if let quiz {
      state.quizTopics = quiz
      state.startQuiz(topics: quiz, timeline: &timeline)
    }
    var input = FrameInput(timeline: &timeline, step: 0, source: source)
    var lastTick = Date()
    var dirty = true
    while !state.quit && !session.hungUp {
      if dirty {
        // Phases are recorded only while they are shown (they cost a walk of the tree per tree step).
        if input.step != state.step || (state.phase != nil && !input.hasPhases) {
          input = FrameInput(timeline: &timeline, step: state.step, source: source, phases: state.phase != nil)
        }
        session.draw(Frame.render(input, state, width: session.width, height: session.height, color: session.hasColor))
        dirty = false
        if crashAfterFirstFrame { fatalError("crash requested by --crash-after-first-frame") }
      }
      if let key = session.readKey() {
        switch key {
        case .resize: break
        case .mouse(let x, let y):
          Mouse.click(&state, x: x, y: y, input: input, width: session.width, height: session.height)
        default:
          state.showPanels(Set(Layout.compute(width: session.width, height: session.height).panels.keys))
          state.handle(key, timeline: &timeline, input: input)
          // A typed operation changes the timeline under the same step number.
          if state.step == input.step && input.total != timeline.stepCount {
            input = FrameInput(timeline: &timeline, step: state.step, source: source, phases: state.phase != nil)
          }
          perform(&state, input: input)
        }
        dirty = true
      }
      if session.refreshSize() { dirty = true }
      let now = Date()
      if state.playing {
        let before = (state.step, state.phase)
        state.tick(seconds: now.timeIntervalSince(lastTick), timeline: timeline, phaseCount: input.phases.count)
        if state.step != before.0 || state.phase != before.1 { dirty = true }
      }
      lastTick = now
    }
  }

  /// Writes the files the state asked for (`:w`, `:export`) and says how it went.
  func perform(_ state: inout UIState, input: FrameInput) {
    let requests = state.requests
    state.requests = []
    for request in requests {
      let path: String
      let text: String
      switch request {
      case .write(let p, let t):
        path = p
        text = t
      case .export(let p):
        path = p
        var shown = state
        shown.prompt = nil
        let frame = Frame.render(input, shown, width: session.width, height: session.height, color: true)
        text =
          p.hasSuffix(".svg")
          ? SVGFrame.render(frame, title: "mmscope: \(source), step \(state.step)")
          : p.hasSuffix(".ans") ? frame.ansi : frame.text
      }
      do {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        state.message = "wrote \(path)"
      } catch {
        state.message = "could not write \(path): \((error as NSError).localizedDescription)"
      }
    }
  }
}
