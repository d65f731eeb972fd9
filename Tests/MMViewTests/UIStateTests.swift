import MMCore
import MMTrace
import Testing

@testable import MMView

/// The UI reducer: commands and keys to state, without a terminal.
@Suite struct UIStateTests {
  func timeline() -> Timeline { Timeline(script: ScenarioLibrary.named("teach-fits")!.script()) }

  func press(_ keys: [Key], _ s: inout UIState, _ t: inout Timeline) {
    for k in keys { s.handle(k, timeline: &t) }
  }

  @Test func stepBackAfterPlay() {
    var t = timeline()
    var s = UIState()
    press([.space], &s, &t)
    #expect(s.playing)
    s.tick(seconds: 0.5, timeline: t)
    // The first step at once, then 4 a second (teach-fits' first chapter ends later).
    #expect(t.bookmarks.allSatisfy { $0.step == 0 || $0.step > 3 })
    #expect(s.step == 3 && s.playing)
    press([.left], &s, &t)
    #expect(s.step == 2 && !s.playing)
    press([.char("n"), .char("n"), .char("n")], &s, &t)
    #expect(s.step == 5)
    s.apply(.playPause, timeline: &t)
    // Play stops at each chapter's start (a bookmark), then goes on when Space is pressed again.
    var stops: [Int] = []
    while s.step < t.stepCount && stops.count < 20 {
      s.tick(seconds: 100, timeline: t)
      #expect(!s.playing)
      stops.append(s.step)
      if s.step < t.stepCount { s.apply(.playPause, timeline: &t) }
    }
    let chapters = t.bookmarks.map(\.step).filter { $0 > 5 && $0 < t.stepCount }
    #expect(stops == Array(Set(chapters)).sorted() + [t.stepCount])
    #expect(s.step == t.stepCount && !s.playing)
    // Playing again from the end starts over.
    press([.space], &s, &t)
    #expect(s.step == 0 && s.playing)
  }

  /// `.` and `,` walk the phases of the operation leading to the step, and cross into the next or
  /// previous operation at the ends; → and ← leave the phases.
  @Test func phasesWalkInsideAndAcrossOperations() {
    var t = timeline()
    var s = UIState()
    s.apply(.nextPhase, timeline: &t, input: input(&t, s))
    #expect(s.step == 1 && s.phase == 1)
    // Phases are built only for an input that shows them.
    #expect(FrameInput(timeline: &t, step: 1, source: "test").phases.isEmpty)
    let count = input(&t, s).phases.count
    #expect(count >= 4)
    for _ in 1..<count { s.apply(.nextPhase, timeline: &t, input: input(&t, s)) }
    #expect(s.step == 1 && s.phase == count)
    s.apply(.nextPhase, timeline: &t, input: input(&t, s))
    #expect(s.step == 2 && s.phase == 1)
    s.apply(.previousPhase, timeline: &t, input: input(&t, s))
    #expect(s.step == 1 && s.phase == Int.max)
    // Int.max stands for the last phase: the frame shows it, and , goes to the one before.
    #expect(input(&t, s).forPhase(s.phase).phase?.number == count)
    s.apply(.previousPhase, timeline: &t, input: input(&t, s))
    #expect(s.step == 1 && s.phase == count - 1)
    s.apply(.stepForward, timeline: &t, input: input(&t, s))
    #expect(s.step == 2 && s.phase == nil)
    // From a whole step, , shows its last phase and . its first.
    s.apply(.previousPhase, timeline: &t, input: input(&t, s))
    #expect(s.step == 2 && s.phase == Int.max)
    s.apply(.stepForward, timeline: &t, input: input(&t, s))
    s.apply(.stepBack, timeline: &t, input: input(&t, s))
    #expect(s.step == 2 && s.phase == nil)
    // Phase play: each tick due moves one phase.
    s.phasePlay = true
    s.apply(.playPause, timeline: &t, input: input(&t, s))
    s.tick(seconds: 1, timeline: t, phaseCount: input(&t, s).phases.count)
    #expect(s.step == 2 && s.phase == 1)
    s.tick(seconds: 0.25, timeline: t, phaseCount: input(&t, s).phases.count)
    #expect(s.step == 2 && s.phase == 2)
  }

  /// Focus skips panels the layout does not draw, and a resize moves focus off a hidden panel.
  @Test func focusNeverLandsOnAHiddenPanel() {
    var t = timeline()
    var s = UIState()
    s.showPanels([.addressSpace, .tree, .explain])
    var seen: Set<PanelID> = []
    for _ in 0..<6 {
      s.apply(.focusNext, timeline: &t)
      seen.insert(s.focus)
    }
    #expect(seen == [.addressSpace, .tree, .explain])
    s.focus = .directMap
    s.showPanels([.addressSpace, .tree, .explain])
    #expect(s.focus == .addressSpace)
  }

  /// After j/k picked another zone, the next step's pages bring the buddy panel back to their zone.
  @Test func buddyZoneFollowsTheNextStep() {
    var t = timeline()
    var s = UIState()
    s.step = 3
    s.focus = .buddy
    s.apply(.cursorDown, timeline: &t, input: input(&t, s))
    #expect(s.cursor[.buddy] != nil)
    s.apply(.stepForward, timeline: &t, input: input(&t, s))
    #expect(s.cursor[.buddy] == nil)
  }

  /// The go-to prompt's error names the bookmarks to pick from.
  @Test func gotoErrorListsBookmarks() {
    var t = timeline()
    var s = UIState()
    s.handle(.char("g"), timeline: &t)
    for c in "nosuch" { s.handle(.char(c), timeline: &t) }
    s.handle(.enter, timeline: &t)
    let names = t.bookmarks.map(\.name)
    #expect(!names.isEmpty)
    #expect(s.message?.contains("bookmarks: " + names.joined(separator: " ")) == true)
  }

  /// The view loop ticks every 50 ms or so: at 1 step a second, twenty ticks make one step (plus the
  /// one Space shows at once), not twenty.
  @Test func playKeepsThePaceOverShortTicks() {
    var t = timeline()
    var s = UIState()
    s.speed = 1
    s.apply(.playPause, timeline: &t)
    s.tick(seconds: 0.05, timeline: t)
    #expect(s.step == 1)
    for _ in 0..<18 { s.tick(seconds: 0.05, timeline: t) }
    #expect(s.step == 1)
    s.tick(seconds: 0.06, timeline: t)
    #expect(s.step == 2)
    s.speed = 0.5
    for _ in 0..<40 { s.tick(seconds: 0.05, timeline: t) }
    #expect(s.step == 3)
  }

  @Test func bookmarksAndMarks() {
    var t = timeline()
    var s = UIState()
    press([.char("]")], &s, &t)
    #expect(s.step == 4)  // four-busy
    press([.char("]"), .char("]")], &s, &t)
    #expect(s.step == 11)  // full-fit (7), then all-fits (11)
    press([.char("[")], &s, &t)
    #expect(s.step == 7)
    press([.char("n"), .char("m")], &s, &t)
    #expect(s.marks == [8] && s.message == "marked step 8")
    press([.home, .char("'")], &s, &t)
    #expect(s.step == 8)
    press([.end, .char("]")], &s, &t)
    #expect(s.step == t.stepCount && s.message == "no bookmark after step 17")
  }

  @Test func promptsGoAndSearch() {
    var t = timeline()
    var s = UIState()
    press([.char("g"), .char("1"), .char("2"), .enter], &s, &t)
    #expect(s.step == 12 && s.prompt == nil)
    press([.char("g")] + "full-fit".map { Key.char($0) } + [.enter], &s, &t)
    #expect(s.step == 7)
    press([.char("g"), .char("x"), .backspace, .char("9"), .char("9"), .enter], &s, &t)
    #expect(s.step == 7 && s.message?.hasPrefix("'99': no step 0...17 or bookmark; bookmarks: ") == true)
    press([.char("/")] + "alloc_vmap".map { Key.char($0) } + [.enter], &s, &t)
    #expect(s.step == 10 && s.lastSearch == "alloc_vmap")
    press([.char("N")], &s, &t)
    #expect(s.step == 10)  // the only match: found again after wrapping
    press([.char("g"), .char("3"), .escape], &s, &t)
    #expect(s.step == 10 && s.prompt == nil)
  }

  @Test func panelsSpeedHelpQuit() {
    var t = timeline()
    var s = UIState()
    press([.tab, .tab, .tab], &s, &t)
    #expect(s.focus == .buddy)
    press([.backTab, .backTab], &s, &t)
    #expect(s.focus == .tree)
    press([.char("t"), .char("t")], &s, &t)
    #expect(s.treeView == .lazy)
    press([.char("z"), .char("z"), .char("Z")], &s, &t)
    #expect(s.zoom[.tree] == 1)
    press([.char("+"), .char("+"), .char("-")], &s, &t)
    #expect(s.speed == 8)
    press([.char("?")], &s, &t)
    #expect(s.showHelp)
    press([.char("j"), .char("j"), .down, .char("k")], &s, &t)  // j/k scroll the help, not the panels
    #expect(s.showHelp && s.helpScroll == 2)
    press([.char("n")], &s, &t)
    #expect(!s.showHelp && s.step == 0)  // any key closes the help first
    press([.char("M")], &s, &t)
    #expect(s.maximized)
    press([.char("q")], &s, &t)
    #expect(s.quit)
  }

  @Test func helpComesFromTheTable() {
    let lines = CommandTable.helpLines
    #expect(lines.first == "Time")
    #expect(lines.contains("  → n          one step forward"))
    #expect(lines.contains("  q C-c        quit"))
    // Every command has a key, and no key runs two commands.
    var seen = Set<Key>()
    for spec in CommandTable.all {
      #expect(!spec.keys.isEmpty)
      for k in spec.keys { #expect(seen.insert(k).inserted, "\(k) bound twice") }
    }
    #expect(Set(CommandTable.all.map(\.id)) == Set(CommandID.allCases))
  }

  /// The frame input at the state's step, as the view loop hands it to the reducer.
  func input(_ t: inout Timeline, _ s: UIState) -> FrameInput {
    FrameInput(timeline: &t, step: s.step, source: "test", phases: s.phase != nil)
  }

  func pressSeeing(_ keys: [Key], _ s: inout UIState, _ t: inout Timeline) {
    for k in keys {
      let i = input(&t, s)
      s.handle(k, timeline: &t, input: i)
    }
  }

  @Test func addressCursorWalksAreasAndFreeRuns() {
    // teach-fits step 4: [0x1,0x100000) free, a [0x100000,0x104000), b [0x104000,0x106000),
    // c [0x106000,0x109000), d [0x109000,0x10b000), then free to the top.
    var t = timeline()
    var s = UIState()
    s.step = 4
    #expect(s.focus == .addressSpace && s.selection == nil)
    pressSeeing([.char("l")], &s, &t)
    // No selection yet: the first move starts at the last operation's area (d).
    #expect(s.selection == 0x109000)
    pressSeeing([.char("h"), .char("h")], &s, &t)
    #expect(s.selection == 0x104000)
    pressSeeing([.char("k")], &s, &t)  // ten back, clamped to the first run
    #expect(s.selection == 0x1)
    pressSeeing([.char("j")], &s, &t)  // ten on, clamped to the last run
    #expect(s.selection == 0x10b000)
    pressSeeing([.char("f")], &s, &t)
    #expect(s.selection == nil && s.message == "following the last operation")
  }

  @Test func treeCursorFollowsThePreorderAndParents() {
    // teach-fits step 11, free tree in pre-order: [0x106000,..) root, /[0x1,..), \[0x112000,..),
    // /[0x10b000,..) under it. Without a selection the focus is where the last search ended: the
    // NE cut left that node holding the right part, [0x112000, ...).
    var t = timeline()
    var s = UIState()
    s.step = 11
    s.focus = .tree
    let i = input(&t, s)
    let tree = i.machine.kva.current!.free
    #expect(tree[TreePanel.focus(tree, selection: nil, report: i.report)!].start == 0x112000)
    pressSeeing([.char("k")], &s, &t)
    #expect(s.selection == 0x1)
    pressSeeing([.char("k"), .char("k")], &s, &t)  // the root, then nothing before it
    #expect(s.selection == 0x106000)
    pressSeeing([.char("j"), .char("j"), .char("j"), .char("j")], &s, &t)
    #expect(s.selection == 0x10b000)
    pressSeeing([.char("h")], &s, &t)
    #expect(s.selection == 0x112000)
    pressSeeing([.char("h"), .char("l")], &s, &t)  // parent (root), first child
    #expect(s.selection == 0x1)
    // An address between nodes focuses the nearest node below it.
    #expect(tree[TreePanel.focus(tree, selection: 0x104000, report: nil)!].start == 0x1)
  }

  @Test func buddyDirectMapAndLogCursors() {
    var t = timeline()
    var s = UIState()
    s.step = 1
    s.focus = .buddy
    // Step 1's last page came off the order-0 list, so the first move starts from order 0.
    #expect(BuddyPanel.touchedOrder(input(&t, s), s) == 0)
    pressSeeing([.char("l"), .char("l"), .char("l"), .char("h")], &s, &t)
    #expect(s.column[.buddy] == 2)
    pressSeeing([.char("h"), .char("h"), .char("h")], &s, &t)
    #expect(s.column[.buddy] == 0)  // clamped
    let zones = input(&t, s).machine.memory.zones.count
    pressSeeing([.char("j")], &s, &t)
    #expect(s.cursor[.buddy]! >= 0 && s.cursor[.buddy]! < zones)
    s.focus = .directMap
    // The first move selects cell 0.
    pressSeeing([.char("l"), .char("l"), .char("l"), .char("h")], &s, &t)
    #expect(s.column[.directMap] == 1)
    s.focus = .log
    s.step = 5
    pressSeeing([.char("k"), .char("k"), .char("k")], &s, &t)
    #expect(s.cursor[.log] == -3 && s.step == 5)
    pressSeeing([.enter], &s, &t)  // Enter on the log goes to the step under its cursor
    #expect(s.step == 2 && s.cursor[.log] == nil && !s.inspecting)
  }

  @Test func explainScrollsAndResetsOnAStep() {
    var t = timeline()
    var s = UIState()
    s.step = 11
    s.focus = .explain
    pressSeeing([.char("j"), .char("j"), .char("j"), .char("k")], &s, &t)
    #expect(s.cursor[.explain] == 2)
    pressSeeing([.char("k"), .char("k"), .char("k")], &s, &t)
    #expect(s.cursor[.explain] == 0)  // not above the top
    pressSeeing([.char("j"), .char("n")], &s, &t)
    #expect(s.step == 12 && s.cursor[.explain] == nil)  // a new step starts at its top
  }

  @Test func inspectorOpensAndCloses() {
    var t = timeline()
    var s = UIState()
    s.step = 11
    pressSeeing([.enter], &s, &t)
    #expect(s.inspecting)
    let (title, lines) = Inspector.details(input(&t, s), s)
    #expect(title == "inspect: busy area")
    #expect(lines.contains("range      [0x110000, 0x112000)"))
    #expect(lines.contains("pages      1 page, then a guard page"))
    pressSeeing([.escape], &s, &t)
    #expect(!s.inspecting)
    pressSeeing([.enter, .enter], &s, &t)
    #expect(!s.inspecting)
  }

  @Test func scriptedInputRunsCommandsByName() throws {
    var t = timeline()
    var s = UIState()
    s.step = 10
    let commands = try ScriptedInput.parse("step, cursor-left cursor-left  inspect")
    #expect(commands == [.stepForward, .cursorLeft, .cursorLeft, .inspect])
    let input = ScriptedInput.run(commands, state: &s, timeline: &t, source: "test")
    // Step 11 placed g; the first h selects it, the second the free run before it.
    #expect(input.step == 11 && s.selection == 0x10b000 && s.inspecting)
    #expect(throws: ScriptedInput.ParseError.self) { try ScriptedInput.parse("step jump") }
    do {
      _ = try ScriptedInput.parse("step jump")
    } catch {
      #expect(
        error.word == 2 && error.description.hasPrefix("word 2: 'jump' is not a command; expected one of: play-pause"))
    }
  }
}
