import MMCore
import MMTrace
import Testing

@testable import MMView

/// Clicks select what the frame draws under them: found by looking at the rendered frame, so the
/// click geometry and the drawing cannot drift apart.
@Suite struct MouseTests {
  func setup(step: Int) -> (FrameInput, UIState) {
    var t = Timeline(script: ScenarioLibrary.named("teach-fits")!.script())
    var s = UIState()
    s.step = step
    return (FrameInput(timeline: &t, step: step, source: "test"), s)
  }

  /// The screen position of the first occurrence of `text` in the frame.
  func find(_ text: String, in b: Buffer) -> (x: Int, y: Int)? {
    for (y, line) in b.text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      if let r = line.range(of: text) { return (line.distance(from: line.startIndex, to: r.lowerBound), y) }
    }
    return nil
  }

  @Test func clickingSelectsInEveryPanel() throws {
    let (input, start) = setup(step: 11)
    var s = start
    let frame = Frame.render(input, s, width: 120, height: 40)
    // The tree line of [0x10b000, 0x110000): its node becomes the selection and the tree the focus.
    let node = try #require(find("[0x10b000, 0x110000)", in: frame))
    Mouse.click(&s, x: node.x, y: node.y, input: input, width: 120, height: 40)
    #expect(s.focus == .tree && s.selection == 0x10b000)
    // The address strip's first row starts with the compressed [0x1, 0x100000) run.
    let label = try #require(find(" 1 MiB ", in: frame))
    Mouse.click(&s, x: label.x, y: label.y, input: input, width: 120, height: 40)
    #expect(s.focus == .addressSpace && s.selection == 0x1)
    // Order 3's row in the buddy panel.
    let row = try #require(find("  3      1 ■", in: frame))
    Mouse.click(&s, x: row.x + 2, y: row.y, input: input, width: 120, height: 40)
    #expect(s.focus == .buddy && s.column[.buddy] == 3)
    // The current step's line in the log, then the one two above it.
    let current = try #require(find("▶    11", in: frame))
    Mouse.click(&s, x: current.x + 3, y: current.y - 2, input: input, width: 120, height: 40)
    #expect(s.focus == .log && s.cursor[.log] == -2)
    // The direct map's first 2 MiB cell (the row under the GiB line).
    let gib = try #require(find("GiB 0", in: frame))
    Mouse.click(&s, x: gib.x - 2, y: gib.y + 1, input: input, width: 120, height: 40)
    #expect(s.focus == .directMap && s.column[.directMap] == 0)
    // Outside every panel (the status line): nothing changes.
    let before = s
    Mouse.click(&s, x: 5, y: 39, input: input, width: 120, height: 40)
    #expect(s == before)
  }

  @Test func clickingAGigabyteRowShowsIt() throws {
    var t = Timeline(script: ScenarioLibrary.named("modules-rwx")!.script())
    let input = FrameInput(timeline: &t, step: 60, source: "test")
    var s = UIState()
    s.step = 60
    s.focus = .directMap
    s.maximized = true
    let frame = Frame.render(input, s, width: 120, height: 40)
    let row = try #require(find("   2 █", in: frame))
    Mouse.click(&s, x: row.x + 8, y: row.y, input: input, width: 120, height: 40)
    #expect(s.cursor[.directMap] == 2)
    #expect(Frame.render(input, s, width: 120, height: 40).text.contains("GiB 2  splits"))
  }

  /// With more gigabytes than rows the overview scrolls to keep the one in view listed, and clicks
  /// follow the scrolled rows.
  @Test func overviewScrollsOnABigMachine() throws {
    let script = ScenarioLibrary.named("modules-rwx")!.script(ScenarioOptions(memoryBytes: 64 << 30))
    var t = Timeline(script: script)
    let input = FrameInput(timeline: &t, step: 60, source: "test")
    var s = UIState()
    s.step = 60
    s.focus = .directMap
    s.maximized = true
    s.cursor[.directMap] = 24
    let frame = Frame.render(input, s, width: 120, height: 30)
    #expect(!frame.text.contains("   0 █") && frame.text.contains("  24 ") && frame.text.contains("  16 "))
    let row = try #require(find("  30 ", in: frame))
    Mouse.click(&s, x: row.x + 8, y: row.y, input: input, width: 120, height: 30)
    #expect(s.cursor[.directMap] == 30)
  }
}
