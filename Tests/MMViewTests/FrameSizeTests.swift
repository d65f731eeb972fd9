import MMCore
import MMTrace
import Testing

@testable import MMView

/// Every size from 1x1 up: the frame has exactly that size, each panel the layout places is drawn in
/// its rectangle, the status line says where in time we are, and below the minimum a message says so.
@Suite struct FrameSizeTests {
  static let widths = [1, 10, 39, 40, 41, 55, 69, 70, 79, 80, 99, 100, 120, 160, 200, 250]
  static let heights = [1, 5, 11, 12, 13, 19, 20, 23, 24, 29, 30, 40, 60, 80]

  @Test(arguments: ["tour", "teach-fits"])
  func everySizeDrawsOrExplains(scenario: String) {
    var t = Timeline(script: ScenarioLibrary.named(scenario)!.script())
    let input = FrameInput(timeline: &t, step: 11, source: "test")
    var states: [UIState] = []
    var s = UIState()
    s.step = 11
    states.append(s)
    s.selection = 0x1
    s.inspecting = true
    s.focus = .tree
    states.append(s)
    s.showHelp = true
    s.maximized = true
    states.append(s)
    for w in Self.widths {
      for h in Self.heights {
        for state in states {
          let b = Frame.render(input, state, width: w, height: h)
          #expect(b.width == w && b.height == h)
          let lines = b.text.split(separator: "\n", omittingEmptySubsequences: false)
          let layout = Layout.compute(width: w, height: h, maximized: state.maximized ? state.focus : nil)
          if layout.tooSmall {
            let message = "mmscope needs at least 40x12 (this is \(w)x\(h))"
            let first = wrap(message, width: w).first ?? ""
            #expect(lines[0].hasPrefix(first), "\(w)x\(h)")
            continue
          }
          #expect(lines[h - 1].hasPrefix(" step 11/\(t.stepCount)"), "\(w)x\(h) status line")
          guard !state.showHelp && !state.inspecting else { continue }
          for (panel, r) in layout.panels where r.width >= 2 && r.height >= 2 {
            #expect(b[r.x, r.y].glyph == "┌" && b[r.maxX - 1, r.maxY - 1].glyph == "┘", "\(w)x\(h) \(panel)")
          }
        }
      }
    }
  }
}
