import Foundation
import MMCore
import MMTrace
import Testing

@testable import MMView

/// A lesson's text names glyphs ("the guard page (┊)", "✓ where it stopped", "◆ marks c's pages");
/// on the frame that shows that text, each glyph it names must be drawn somewhere other than the
/// text itself.
@Suite struct NarrationClaimsTests {
  static let glyphs: [Character] = ["┊", "┈", "▒", "▓", "↙", "↘", "✓", "✗", "↗", "↑", "◆", "▚", "*"]

  @Test(arguments: ["tour", "teach-fits"])
  func glyphsTheNarrationNamesAreDrawn(scenario: String) {
    var t = Timeline(script: ScenarioLibrary.named(scenario)!.script())
    var problems: [String] = []
    var claims = 0
    for step in 0...t.stepCount {
      let input = FrameInput(timeline: &t, step: step, source: scenario)
      guard let text = input.narration, input.narrationIsNew else { continue }
      let named = Self.glyphs.filter { text.contains($0) }
      guard !named.isEmpty else { continue }
      for (w, h) in [(120, 40), (100, 30), (80, 24)] {
        let b = Frame.render(input, UIState.at(step), width: w, height: h, color: false)
        // Everything but the explain pane (which prints the text itself) and the status line.
        let layout = Layout.compute(width: w, height: h)
        let explain = layout.panels[.explain]!
        var drawn = Set<Character>()
        for y in 0..<(h - 1) {
          for x in 0..<w
          where !(x >= explain.x && x < explain.x + explain.width && y >= explain.y && y < explain.y + explain.height) {
            drawn.insert(Character(b[x, y].glyph))
          }
        }
        for g in named {
          claims += 1
          if !drawn.contains(g) { problems.append("\(scenario) step \(step) \(w)x\(h): names \(g), not drawn") }
        }
      }
    }
    #expect(claims > 0 || scenario != "tour")
    #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
  }
}

extension UIState {
  static func at(_ step: Int) -> UIState {
    var s = UIState()
    s.step = step
    return s
  }
}

/// Inside an operation the buddy and direct-map panels draw their counts as they stood at the phase.
@Suite struct PhaseCountsTests {
  func frame(_ scenario: String, at step: Int, phase: Int) -> String {
    var t = Timeline(script: ScenarioLibrary.named(scenario)!.script())
    let input = FrameInput(timeline: &t, step: step, source: scenario, phases: true)
    var s = UIState.at(step)
    s.phase = phase
    return Frame.render(input, s, width: 120, height: 40, color: false).text
  }

  /// tour step 11 splits a 1 GiB leaf, then a 2 MiB one: the counters move one split at a time.
  @Test func directMapCountersFollowTheSplits() {
    #expect(frame("tour", at: 11, phase: 1).contains("DirectMap4k 0 kB  2M 0 kB  1G 2097152 kB"))
    #expect(frame("tour", at: 11, phase: 1).contains("splits L2 0 L3 0"))
    #expect(frame("tour", at: 11, phase: 2).contains("DirectMap4k 0 kB  2M 1048576 kB  1G 1048576 kB"))
    #expect(frame("tour", at: 11, phase: 2).contains("splits L2 0 L3 1"))
    #expect(frame("tour", at: 11, phase: 3).contains("DirectMap4k 2048 kB  2M 1046528 kB  1G 1048576 kB"))
    #expect(frame("tour", at: 11, phase: 3).contains("splits L2 1 L3 1"))
  }

  /// buddy-classroom step 1 takes the order-10 block and splits it down to order 0: after the
  /// first split only the order-9 upper half is on a list (512 free pages), after the last one every
  /// order 0-9 holds one block (1023).
  @Test func buddyCountsFollowTheSplitChain() {
    let first = frame("buddy-classroom", at: 1, phase: 2)
    #expect(first.contains("Normal 512 free pages at this phase"))
    #expect(first.contains("  9      1 ■■■■■■■■■■ +1 this phase"))
    #expect(first.contains(" 10      0"))
    #expect(first.contains("  8      0"))
    let last = frame("buddy-classroom", at: 1, phase: 11)
    #expect(last.contains("Normal 1023 free pages at this phase"))
    #expect(last.contains("  0      1 ■■■■■■■■■■ +1 this phase"))
  }

  /// A free at a zone's start whose parent lies in the zone below goes to the head, and the phase
  /// says why (page_is_buddy compares zones), not that the parent's buddy was busy.
  @Test func aHeadInsertionAtAZoneEdgeSaysWhy() throws {
    let text = """
      mmtrace 1
      machine memory=16M zones=DMA:0x0-0x10,Normal:0x10-0x400 fallback=off
      alloc_pages order=4 mt=movable as=p
      free_pages p

      """
    var t = Timeline(script: try TraceSource.load(data: Data(text.utf8), name: "edge.mmtrace"))
    let input = FrameInput(timeline: &t, step: 2, source: "edge", phases: true)
    #expect(
      input.phases.first?.text
        == "Buddy allocator: one block freed without merging: order-4 at pfn 0x10: its buddy is not a free order-4 block, and its order-5 parent lies in the zone below (page_is_buddy says no), so it goes to the head of its list."
    )
  }
}
