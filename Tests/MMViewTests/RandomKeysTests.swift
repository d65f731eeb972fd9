import Foundation
import MMCore
import MMTrace
import Testing

@testable import MMView

/// Thousands of random keys, clicks (inside and far outside the frame) and resizes sent to the view's
/// reducer as the view loop sends them, with every frame rendered: the view never traps, the state
/// stays inside the timeline, and every frame has the size it was asked for.
/// MMSCOPE_RANDOM_SCALE=N sends N times as many.
@Suite struct RandomKeysTests {
  static let specials: [Key] = [
    .enter, .space, .tab, .backTab, .escape, .backspace, .left, .right, .up, .down, .home, .end, .pageUp, .pageDown,
    .resize,
  ]

  static func randomKey(_ rng: inout SeededRandom, width: Int, height: Int) -> Key {
    switch rng.next() % 10 {
    case 0, 1: return specials[Int(rng.next() % UInt64(specials.count))]
    case 2: return .ctrl(Character(UnicodeScalar(UInt8(97 + rng.next() % 26))))
    case 3:
      // Clicks inside the frame, on its edges and far outside it.
      let xs = [-1, 0, width - 1, width, Int.max / 2, Int(rng.next() % UInt64(max(width, 1)))]
      let ys = [-1, 0, height - 1, height, Int.min / 2, Int(rng.next() % UInt64(max(height, 1)))]
      return .mouse(x: xs[Int(rng.next() % 6)], y: ys[Int(rng.next() % 6)])
    case 4: return .char(["é", "\u{0}", "\u{7f}", "中", "\u{1b}"][Int(rng.next() % 5)])
    default: return .char(Character(UnicodeScalar(UInt8(32 + rng.next() % 95))))
    }
  }

  @Test(arguments: ["tour", "teach-fits", "buddy-classroom", "modules-rwx"])
  func randomKeysNeverBreakTheView(scenario: String) {
    let scale = Int(ProcessInfo.processInfo.environment["MMSCOPE_RANDOM_SCALE"] ?? "") ?? 1
    var rng = SeededRandom(seed: UInt64(scenario.utf8.count) &* 7919)
    var timeline = Timeline(script: ScenarioLibrary.named(scenario)!.script(ScenarioOptions(seed: 3, steps: 300)))
    var state = UIState()
    var input = FrameInput(timeline: &timeline, step: 0, source: scenario)
    var (width, height) = (120, 40)
    let sizes = [(120, 40), (100, 30), (80, 24), (40, 12), (39, 11), (1, 1), (0, 0), (300, 100), (81, 25)]
    for _ in 0..<(1500 * scale) {
      let key = Self.randomKey(&rng, width: width, height: height)
      switch key {
      case .resize: (width, height) = sizes[Int(rng.next() % UInt64(sizes.count))]
      case .mouse(let x, let y): Mouse.click(&state, x: x, y: y, input: input, width: width, height: height)
      default:
        state.showPanels(Set(Layout.compute(width: width, height: height).panels.keys))
        state.handle(key, timeline: &timeline, input: input)
      }
      if state.playing {
        state.tick(seconds: Double(rng.next() % 4) / 2, timeline: timeline, phaseCount: input.phases.count)
      }
      if state.quit { state = UIState() }
      #expect((0...timeline.stepCount).contains(state.step), "step \(state.step) after \(key)")
      if input.step != state.step || (state.phase != nil && !input.hasPhases) {
        input = FrameInput(timeline: &timeline, step: state.step, source: scenario, phases: state.phase != nil)
      }
      // Phases are 1-based, Int.max standing for the last; a step without phases shows itself.
      if let p = state.phase {
        #expect(p == Int.max || (1...max(input.phases.count, 1)).contains(p), "phase \(p) of \(input.phases.count)")
      }
      let frame = Frame.render(input, state, width: max(width, 1), height: max(height, 1), color: true)
      #expect(frame.width == max(width, 1) && frame.height == max(height, 1))
    }
  }
}
