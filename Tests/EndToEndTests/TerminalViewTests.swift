import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// The real binary in tmux, as a person meets it: keys in, the screen (with colours) out.
@Suite(.serialized, .timeLimit(.minutes(2))) struct TerminalViewTests {
  /// The built `mmscope`, beside the test bundle in the build folder.
  static var binary: String {
    var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    while dir.path != "/" && !FileManager.default.fileExists(atPath: dir.appendingPathComponent("mmscope").path) {
      dir = dir.deletingLastPathComponent()
    }
    return dir.appendingPathComponent("mmscope").path
  }

  /// Runs a program and returns its standard output and exit status. posix_spawn and waitpid directly:
  /// Foundation's Process waits on a run loop, which can hang inside the test runner's threads.
  /// With `capture` off the output goes to /dev/null: a command that leaves a daemon behind (tmux
  /// new-session starting its server) would otherwise hold the pipe open forever.
  static func run(_ argv: [String], capture: Bool = true) -> (output: String, error: String, status: Int32) {
    var out: [Int32] = [-1, -1]
    var err: [Int32] = [-1, -1]
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    if capture {
      pipe(&out)
      pipe(&err)
      posix_spawn_file_actions_adddup2(&actions, out[1], 1)
      posix_spawn_file_actions_adddup2(&actions, err[1], 2)
      for fd in [out[0], out[1], err[0], err[1]] { posix_spawn_file_actions_addclose(&actions, fd) }
    } else {
      posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
      posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    }
    var pid: pid_t = 0
    let cargs = argv.map { strdup($0) } + [nil]
    defer { for c in cargs { free(c) } }
    let spawned = posix_spawnp(&pid, argv[0], &actions, nil, cargs, environ)
    posix_spawn_file_actions_destroy(&actions)
    func drain(_ fd: Int32) -> String {
      guard fd >= 0 else { return "" }
      var data = [UInt8]()
      var buf = [UInt8](repeating: 0, count: 65536)
      while true {
        let n = read(fd, &buf, buf.count)
        if n <= 0 { break }
        data += buf[0..<n]
      }
      close(fd)
      return String(decoding: data, as: UTF8.self)
    }
    if capture {
      close(out[1])
      close(err[1])
    }
    let o = drain(out[0])
    let e = drain(err[0])
    var status: Int32 = 0
    if spawned == 0 { waitpid(pid, &status, 0) }
    return (o, e, spawned == 0 ? (status >> 8) & 0xff : -1)
  }

  @discardableResult
  static func tmux(_ args: [String]) -> String { run(["tmux"] + args).output }

  struct Session {
    let name: String

    init(_ command: String, width: Int = 120, height: Int = 40) {
      name = "mmscope-e2e-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
      // The shell ignores SIGINT so that Ctrl-C reaches only mmscope and the shell reports how it ended.
      // TERM names tmux's own terminal description, so keys like Home arrive as curses expects them.
      let shell = "trap '' INT; TERM=tmux-256color \(command); echo EXITED:$?; sleep 60"
      // The tmux server quits with its last session; a new session asked for while it shuts down can
      // be lost, so check that it exists and ask again if not.
      for _ in 0..<5 {
        _ = TerminalViewTests.run(
          ["tmux", "new-session", "-d", "-s", name, "-x", "\(width)", "-y", "\(height)", shell], capture: false)
        if TerminalViewTests.run(["tmux", "has-session", "-t", name]).status == 0 { break }
        usleep(200_000)
      }
    }

    func send(_ keys: String...) { TerminalViewTests.tmux(["send-keys", "-t", name] + keys) }

    /// A left click at a 0-based cell, as a terminal reports it in the X10 encoding tmux-256color
    /// declares (kmous=\E[M): button press, then release, each coordinate plus 33.
    func click(x: Int, y: Int) {
      let at = String(UnicodeScalar(UInt8(33 + x))) + String(UnicodeScalar(UInt8(33 + y)))
      TerminalViewTests.tmux(["send-keys", "-t", name, "-l", "\u{1b}[M " + at])
      TerminalViewTests.tmux(["send-keys", "-t", name, "-l", "\u{1b}[M#" + at])
    }
    func screen(colors: Bool = false) -> String {
      TerminalViewTests.tmux(["capture-pane", "-p", "-t", name] + (colors ? ["-e"] : []))
    }

    /// Polls the screen until `condition` holds (at most ~10 s; the program reacts in milliseconds).
    @discardableResult
    func wait(for what: String, _ condition: (String) -> Bool) -> String {
      var s = ""
      for _ in 0..<100 {
        s = screen()
        if condition(s) { return s }
        usleep(100_000)
      }
      Issue.record("timed out waiting for \(what); screen:\n\(s)")
      return s
    }

    func close() { _ = TerminalViewTests.run(["tmux", "kill-session", "-t", name], capture: false) }
  }

  @Test func openStepBackHelpQuit() {
    // Run from the project, as `swift run mmscope` is: the lesson menu first, the tour its first entry.
    let s = Session("cd \(CommandLineTests.root.path) && \(Self.binary)")
    defer { s.close() }
    s.wait(for: "the lesson menu") {
      $0.contains("mmscope: lessons") && $0.contains("▸ 0  Guided tour")
        && $0.contains("The augmented tree and the four fits")
    }
    s.send("Enter")
    s.wait(for: "the tour's first frame") {
      $0.contains("vmalloc address space") && $0.contains("step 0/21") && $0.contains("Welcome to mmscope")
    }
    s.send("Right")
    s.wait(for: "step 1") {
      $0.contains("step 1/21") && $0.contains("a = vmalloc(16 KiB)") && $0.contains("┈ 16 EiB ┈")
    }
    s.send("n", "n")
    s.wait(for: "step 3") { $0.contains("step 3/21") }
    s.send("Left")
    s.wait(for: "step back to 2") { $0.contains("step 2/21") && $0.contains("left-edge (LE) fit") }
    // The next chapter's bookmark stands after c's allocation; its first step is the lazy free.
    s.send("]", "Right")
    s.wait(for: "the next chapter") { $0.contains("step 4/21") && $0.contains("vfree(b)") }
    s.send("?")
    s.wait(for: "the help overlay") { $0.contains("┌ keys (") && $0.contains("one step forward") }
    s.send("Escape")
    s.wait(for: "help closed") { !$0.contains("┌ keys (") }
    // q leaves the lesson for the menu; q again quits.
    s.send("q")
    s.wait(for: "back in the menu") { $0.contains("mmscope: lessons") }
    s.send("q")
    let after = s.wait(for: "exit") { $0.contains("EXITED:0") }
    // The terminal is usable again: the shell's echo printed on a normal screen.
    #expect(!after.contains("vmalloc address space"))
  }

  /// A lesson opens from the menu by its number, and directly from its file.
  @Test func lessonsOpenFromTheMenuAndDirectly() {
    let s = Session("cd \(CommandLineTests.root.path) && \(Self.binary)", width: 100, height: 30)
    defer { s.close() }
    s.wait(for: "the lesson menu") { $0.contains("mmscope: lessons") }
    s.send("1")
    s.wait(for: "the first lesson") { $0.contains("step 0/25") && $0.contains("free-area tree (1 node") }
    s.send("q")
    s.wait(for: "the menu") { $0.contains("mmscope: lessons") }
    s.send("q")
    s.wait(for: "exit") { $0.contains("EXITED:0") }
    let d = Session("\(Self.binary) \(CommandLineTests.root.path)/Recordings/buddy.mmtrace", width: 80, height: 24)
    defer { d.close() }
    d.wait(for: "the buddy lesson") { $0.contains("step 0/") && $0.contains("buddy:") }
    d.send("]")
    d.wait(for: "its next chapter") { !$0.contains("step 0/") }
    d.send("q")
    d.wait(for: "exit") { $0.contains("EXITED:0") }
  }

  /// The sandbox: type an operation with completion, see its phases, save it, and read the file back.
  @Test func sandboxTypesWalksAndSaves() throws {
    let out = NSTemporaryDirectory() + "mmscope-sandbox-\(getpid()).mmtrace"
    defer { try? FileManager.default.removeItem(atPath: out) }
    let s = Session("\(Self.binary) sandbox --cpus 2", width: 100, height: 30)
    defer { s.close() }
    s.wait(for: "the prompt") { $0.contains(" :▏") && $0.contains("Type an operation") }
    s.send("vmal", "Tab")
    s.wait(for: "completion") { $0.contains(" :vmalloc ▏") }
    s.send("-l", "16K as=x")
    s.send("Enter")
    s.wait(for: "the typed step") {
      $0.contains("step 1/1") && $0.contains("Typed at the : prompt.") && $0.contains("vmalloc size=16K as=x")
    }
    s.send(".")
    s.wait(for: "its first phase") { $0.contains("phase 1/") }
    s.send(":")
    s.send("-l", "vfree ")
    s.send("Tab")
    s.wait(for: "the name offered") { $0.contains(" :vfree x ▏") }
    s.send("Enter")
    s.wait(for: "the free") { $0.contains("step 2/2") }
    s.send(":")
    s.send("-l", "w \(out)")
    s.send("Enter")
    s.wait(for: "saved") { $0.contains("wrote \(out)") }
    let text = try String(contentsOfFile: out, encoding: .utf8)
    #expect(text.contains("machine cpus=2") && text.contains("vmalloc size=16K as=x\n") && text.contains("vfree x\n"))
    let check = CommandLineTests.mmscope(["check", out])
    #expect(check.status == 0 && check.output.contains("events: 2"))
  }

  /// The quiz: a question with the state before the operation, the answer marked, the score.
  @Test func quizAnswersAndScores() {
    let s = Session("\(Self.binary) quiz --scenario teach-fits --only alloc", width: 100, height: 30)
    defer { s.close() }
    s.wait(for: "the first question") { $0.contains("quiz on alloc question 1/2") && $0.contains("step 0/17") }
    s.send("-l", "0x100000")
    s.send("Enter")
    s.wait(for: "the fit question") { $0.contains("question 2/2") && $0.contains("1 FL") }
    s.send("4")
    s.wait(for: "the reveal") { $0.contains("score 2/2") && $0.contains("step 1/17") && $0.contains("✓ fit type") }
    s.send("Escape")
    s.wait(for: "the quiz closed") { $0.contains("quiz ended: 2 of 2 right") }
    s.send("q")
    s.wait(for: "exit") { $0.contains("EXITED:0") }
  }

  @Test func coloursResizeAndCtrlC() {
    let s = Session("\(Self.binary) --scenario teach-fits")
    defer { s.close() }
    s.wait(for: "first frame") { $0.contains("step 0/17") }
    s.send("G")
    s.wait(for: "last step") { $0.contains("step 17/17") }
    let coloured = s.screen(colors: true)
    #expect(coloured.contains("\u{1b}["), "capture-pane -e shows colour escapes")
    Self.tmux(["resize-window", "-t", s.name, "-x", "80", "-y", "24"])
    // Wait for the whole redraw (the capture can land in the middle of one): first line and status line.
    let small = s.wait(for: "a redraw at 80x24") { screen in
      let lines = screen.split(separator: "\n")
      return (lines.first.map { $0.count <= 80 && $0.hasPrefix("┌ vmalloc address space") } ?? false)
        && lines.contains { $0.hasPrefix(" step 17/17") && $0.count <= 80 }
    }
    #expect(small.split(separator: "\n").allSatisfy { $0.count <= 80 })
    Self.tmux(["resize-window", "-t", s.name, "-x", "30", "-y", "8"])
    s.wait(for: "the too-small message") { $0.contains("mmscope needs at least") }
    s.send("C-c")
    // Killed by SIGINT (128 + 2) after restoring the terminal: the shell's line shows on a clean screen.
    let after = s.wait(for: "exit on Ctrl-C") { $0.contains("EXITED:130") }
    #expect(!after.contains("mmscope needs at least"))
  }

  /// Space plays at the chosen speed and stops at the end; Space again pauses.
  @Test func playAndPause() {
    let s = Session("\(Self.binary) --scenario teach-fits")
    defer { s.close() }
    s.wait(for: "first frame") { $0.contains("step 0/17") && $0.contains("❚❚ paused") }
    s.send("+", "+", "+", "Space")  // 4 → 32 steps a second
    // Play stops where each chapter starts; Space goes on, until the end.
    var screen = s.wait(for: "a chapter's start") { $0.contains("end of a chapter") && $0.contains("❚❚ paused") }
    var presses = 0
    while !screen.contains("step 17/17") && presses < 10 {
      let before = screen.components(separatedBy: "step ").dropFirst().first?.prefix(5) ?? ""
      s.send("Space")
      presses += 1
      screen = s.wait(for: "the next stop") {
        $0.contains("❚❚ paused") && !($0.components(separatedBy: "step ").dropFirst().first?.hasPrefix(before) ?? true)
      }
    }
    #expect(screen.contains("step 17/17") && screen.contains("❚❚ paused"))
    s.send("Home", "-", "-", "-", "-", "-", "-", "Space")  // 32 → 0.5 steps a second
    s.wait(for: "playing slowly") { $0.contains("▶ playing 0.5/s") }
    s.send("Space")
    let paused = s.wait(for: "paused again") { $0.contains("❚❚ paused") }
    // Space showed step 1 at once; at half a step a second hardly more has passed.
    #expect(paused.contains("step 1/17") || paused.contains("step 2/17"))
    s.send("q")
    s.wait(for: "exit") { $0.contains("EXITED:0") }
  }

  /// `.` and `,` walk the phases of an operation: the status line and the explain pane follow.
  @Test func phasesWalkWithDotAndComma() {
    let s = Session("\(Self.binary) --scenario teach-fits")
    defer { s.close() }
    s.wait(for: "first frame") { $0.contains("step 0/17") }
    s.send(".")
    s.wait(for: "phase 1") { $0.contains("step 1/17 · phase 1/") && $0.contains("Phase 1 of") }
    s.send(".")
    s.wait(for: "phase 2, the search") { $0.contains("phase 2/") && $0.contains("find_vmap_lowest_match") }
    s.send(",")
    s.wait(for: "back to phase 1") { $0.contains("phase 1/") && $0.contains("alloc_vmap_area") }
    s.send("Right")
    s.wait(for: "a whole step again") { $0.contains("step 2/17 ") && !$0.contains("· phase") }
    s.send("q")
    s.wait(for: "exit") { $0.contains("EXITED:0") }
  }

  /// The compare view: both halves step together, the strip counts each side's work, Tab changes
  /// what the halves show, and `:` is refused with the reason.
  @Test func compareStepsBothSides() {
    let s = Session("\(Self.binary) --scenario modules-rwx --vs unmapped-cache=on", width: 100, height: 30)
    defer { s.close() }
    s.wait(for: "first frame") { $0.contains("b = a with unmapped-cache=on") && $0.contains("step 0/60") }
    s.send("g", "2", "0", "Enter")
    let shown = s.wait(for: "step 20 on both sides") {
      $0.components(separatedBy: "step 20/60").count == 3 && $0.contains("step 20 differs")
    }
    // The direct map on both halves (what unmapped-cache changes), each side's own split counts.
    #expect(shown.contains("splits L2 1 L3 1") && shown.contains("splits L2 0 L3 1"))
    #expect(shown.contains("a total") && shown.contains("b total"))
    // It opened on the direct map (what unmapped-cache changes); v goes on to the next panels, then
    // back to every panel that fits.
    s.send("v")
    s.wait(for: "what happened on both") {
      $0.contains("showing: what happened") && $0.components(separatedBy: "what happened ─").count == 3
    }
    s.send("v")
    s.send("v")
    s.wait(for: "every panel") { $0.contains("showing: every panel that fits") }
    s.send(":")
    s.wait(for: "the prompt refused") { $0.contains("the compare view replays") }
    s.send("q")
    s.wait(for: "exit") { $0.contains("EXITED:0") }
  }

  /// NO_COLOR: no colour escapes at all, and busy kinds and direct-map attributes keep their own
  /// glyphs (letters) so states stay apart.
  @Test func noColorKeepsStatesApart() {
    let s = Session("NO_COLOR=1 \(Self.binary) --scenario tour")
    defer { s.close() }
    s.wait(for: "first frame") { $0.contains("step 0/21") }
    s.send("g", "1", "5", "Enter")
    let shown = s.wait(for: "step 15 (modules and prog packs)") { $0.contains("step 15/21") }
    #expect(shown.contains("M module") && shown.contains("P prog-pack"))
    #expect(shown.contains("PPPP"))
    let colours = s.screen(colors: true)
    let colourCodes =
      (30...37).map { "\u{1b}[\($0)m" } + (40...47).map { "\u{1b}[\($0)m" } + ["\u{1b}[38;", "\u{1b}[48;"]
    #expect(colourCodes.allSatisfy { !colours.contains($0) }, "no colour escapes with NO_COLOR")
    s.send("q")
    s.wait(for: "exit") { $0.contains("EXITED:0") }
  }

  /// teach-fits in the view, gone to step 11 (all four fit types done) with `g`.
  static func teachFitsAtStep11() -> Session {
    let s = Session("\(Self.binary) --scenario teach-fits")
    s.wait(for: "first frame") { $0.contains("step 0/17") }
    s.send("g", "1", "1", "Enter")
    s.wait(for: "step 11") { $0.contains("step 11/17") }
    return s
  }

  /// Selecting, inspecting and the tree's focus, by keys, on the real binary.
  @Test func selectInspectAndFocus() {
    let s = Self.teachFitsAtStep11()
    defer { s.close() }
    // The first h selects the last operation's area (g), the next ones walk back: the free run, then d.
    s.send("h", "h", "h")
    s.wait(for: "the selection summary") { $0.contains("▸ [0x109000, 0x10b000) 8 KiB busy vmalloc d, 1 page + guard") }
    s.send("Enter")
    s.wait(for: "the inspector") { $0.contains("inspect: busy area") && $0.contains("pfns       0x") }
    s.send("Escape", "Tab")
    s.wait(for: "inspector closed, tree focused") {
      !$0.contains("inspect: busy area") && $0.contains("[free-area tree]")
    }
    // d's address focuses the free node below it (the root); j moves to the next node in pre-order.
    s.send("j")
    s.wait(for: "the tree's focus moved") { $0.contains("▸ [0x1, 0x100000) 1 MiB free") }
    s.send("q")
    s.wait(for: "exit") { $0.contains("EXITED:0") }
  }

  /// Clicks select what is under them: an address run, a tree node (which focuses the tree).
  @Test func mouseClicksSelect() {
    let s = Self.teachFitsAtStep11()
    defer { s.close() }
    // Row 1 of the strip starts at column 20 with the compressed [0x1, 0x100000) run.
    s.click(x: 25, y: 1)
    s.wait(for: "the free run selected") { $0.contains("▸ [0x1, 0x100000) 1 MiB free") }
    // The tree's line for [0x10b000, 0x110000), wherever it is drawn.
    let screen = s.screen()
    let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
    if let y = lines.firstIndex(where: { $0.contains("[0x10b000, 0x110000)") }),
      let r = lines[y].range(of: "[0x10b000")
    {
      s.click(x: lines[y].distance(from: lines[y].startIndex, to: r.lowerBound), y: y)
      s.wait(for: "the node selected, the tree focused") {
        $0.contains("▸ [0x10b000, 0x110000) 20 KiB free") && $0.contains("[free-area tree]")
      }
    } else {
      Issue.record("no tree line for [0x10b000, 0x110000):\n\(screen)")
    }
    s.send("q")
    s.wait(for: "exit") { $0.contains("EXITED:0") }
  }

  /// SIGTERM restores the terminal and ends with the signal's status; TERM unset still gets a view.
  @Test func sigtermAndUnsetTerm() {
    let s = Session("unset TERM; \(Self.binary) --scenario teach-fits")
    defer { s.close() }
    s.wait(for: "first frame without TERM") { $0.contains("step 0/17") && $0.contains("vmalloc address space") }
    let shell = Self.tmux(["list-panes", "-t", s.name, "-F", "#{pane_pid}"]).trimmingCharacters(
      in: .whitespacesAndNewlines)
    let child = Self.run(["pgrep", "-P", shell, "mmscope"]).output.trimmingCharacters(in: .whitespacesAndNewlines)
    let pid = Int32(child.split(separator: "\n").first ?? "") ?? 0
    #expect(pid > 0, "mmscope's pid under the pane's shell \(shell)")
    if pid > 0 { kill(pid, SIGTERM) }
    let after = s.wait(for: "exit on SIGTERM") { $0.contains("EXITED:143") }
    #expect(!after.contains("vmalloc address space"))
  }

  /// A crash (a Swift runtime trap) still restores the terminal before the process dies.
  @Test func crashRestoresTheTerminal() {
    let s = Session("SWIFT_BACKTRACE=enable=no \(Self.binary) --scenario teach-fits --crash-after-first-frame")
    defer { s.close() }
    let after = s.wait(for: "the crash's exit") { $0.contains("EXITED:13") }
    // Killed by SIGILL (132) or SIGTRAP (133), and the view is gone from the screen.
    #expect(after.contains("EXITED:132") || after.contains("EXITED:133"))
    #expect(!after.contains("vmalloc address space"))
  }

  @Test func notATerminal() {
    let r = Self.run([Self.binary])
    #expect(r.status == 2)
    #expect(r.error.contains("needs a terminal"))
  }
}
