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
    s.tick(seconds: 1, timeline: t)
    #expect(s.step == 4 && s.playing)
    press([.left], &s, &t)
    #expect(s.step == 3 && !s.playing)
    press([.char("n"), .char("n")], &s, &t)
    #expect(s.step == 5)
    s.apply(.playPause, timeline: &t)
    s.tick(seconds: 100, timeline: t)
    #expect(s.step == t.stepCount && !s.playing)
    // Playing again from the end starts over.
    press([.space], &s, &t)
    #expect(s.step == 0 && s.playing)
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
    #expect(s.step == 7 && s.message == "'99' is neither a step in 0...17 nor a bookmark")
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
    press([.tab, .tab], &s, &t)
    #expect(s.focus == .buddy)
    press([.backTab], &s, &t)
    #expect(s.focus == .tree)
    press([.char("t"), .char("t")], &s, &t)
    #expect(s.treeView == .lazy)
    press([.char("z"), .char("z"), .char("Z"), .char("j"), .char("j"), .char("k")], &s, &t)
    #expect(s.zoom[.tree] == 1 && s.cursor[.tree] == 1)
    press([.char("+"), .char("+"), .char("-")], &s, &t)
    #expect(s.speed == 8)
    press([.char("?")], &s, &t)
    #expect(s.showHelp)
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
}
