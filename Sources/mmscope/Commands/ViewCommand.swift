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
      """
  )

  @Argument(help: "A trace file (.mmtrace or a kernel trace). Without one: --scenario, or the tour.")
  var file: String?

  @Option(name: .long, help: "A built-in scenario (see `mmscope scenarios`).")
  var scenario: String?

  @OptionGroup var machine: MachineOptions

  /// For the end-to-end tests: a fatal error once the first frame is drawn, to prove the terminal is
  /// restored on a crash.
  @Flag(name: .customLong("crash-after-first-frame"), help: .hidden)
  var crashAfterFirstFrame = false

  func run() throws {
    // Before reading anything: without a terminal that can show the view there is nothing to show it on.
    do {
      try TerminalSession.checkTerminal()
    } catch {
      FileHandle.standardError.write(Data("mmscope: \(error.description)\n".utf8))
      throw ExitCode(2)
    }
    let script: Script
    var source: String
    var startMessage: String? = nil
    if let file {
      try InputFile.check(file)
      // A long kernel trace takes a few seconds to read: say so before the view takes the screen.
      let err = FileHandle.standardError
      let tty = isatty(2) != 0
      do {
        script = try TraceSource.load(path: file) { lines, bytes, total in
          guard tty else { return }
          let pct = total > 0 ? " \(bytes * 100 / total)%" : ""
          err.write(Data("\rmmscope: reading \(file): \(lines) lines\(pct)".utf8))
        }
        if tty { err.write(Data("\r\u{1b}[K".utf8)) }
        source = (file as NSString).lastPathComponent
      } catch let e as TraceSource.LoadError {
        if tty { err.write(Data("\r\u{1b}[K".utf8)) }
        // Bad lines are listed (they show again when the view closes) and the valid rest is opened,
        // with the count in the status line.
        SourceOptions.report(e)
        guard let partial = e.partial else { throw ExitCode(65) }
        script = partial
        let bad = e.count == 1 ? "1 bad line" : "\(e.count) bad lines"
        source = "\((file as NSString).lastPathComponent), \(bad) left out"
        // Short enough to leave the step counter beside it at 80 columns.
        startMessage = "\(bad) left out; mmscope check lists them"
      }
    } else {
      let name = scenario ?? "tour"
      script = try MachineOptions.scenario(named: name).script(machine.scenarioOptions)
      source = scenario == nil ? "tour" : "scenario \(name)"
    }
    let session: TerminalSession
    do {
      session = try TerminalSession()
    } catch let e as TerminalSession.StartError {
      FileHandle.standardError.write(Data("mmscope: \(e.description)\n".utf8))
      throw ExitCode(2)
    }
    defer { TerminalSession.restore() }
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
      startMessage: startMessage)
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

  mutating func run() {
    var state = UIState()
    state.message = startMessage
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
}
