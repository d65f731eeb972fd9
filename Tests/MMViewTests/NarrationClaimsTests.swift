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
