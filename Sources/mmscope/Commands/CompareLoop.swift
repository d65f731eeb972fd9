import Foundation
import MMCore
import MMTerminal
import MMTrace
import MMView

/// The compare view's loop: the steering keys of the ordinary view (step, play, go to, phases,
/// bookmarks, help, quit) move both sides together; Tab chooses which panels the halves show.
struct CompareLoop {
  /// Keys that would change one side's script or need one side's cursor: not offered here.
  static func refused(_ key: Key) -> String? {
    if case .mouse = key { return "clicks select on one side only: open that side alone to inspect it" }
    switch CommandTable.command(for: key) {
    case .commandLine?, .quiz?: return "the compare view replays: open one side alone to type operations or quiz"
    default: return nil
    }
  }

  static func show(_ opened: ViewCommand.Opened, variant: MachineVariant, in session: TerminalSession) {
    let a = opened.script.config.summary
    let b = "\(variant)"
    session.draw(
      Frame.message(
        "Preparing \(opened.source) on two machines: \(opened.script.stepCount) steps…", width: session.width,
        height: session.height))
    var compare = CompareSession(
      script: opened.script, variant: variant, labels: (a: "\(opened.source), \(a)", b: b)
    ) { done, total in
      session.draw(
        Frame.message(
          "Preparing \(opened.source) on two machines: \(done * 100 / max(total, 1))%…", width: session.width,
          height: session.height))
    }
    var state = UIState()
    state.step = opened.startStep
    var lastTick = Date()
    var dirty = true
    while !state.quit && !session.hungUp {
      if dirty {
        compare.update(state)
        session.draw(compare.render(state, width: session.width, height: session.height, color: session.hasColor))
        dirty = false
      }
      if let key = session.readKey() {
        if key == .char("v") {
          compare.focus = compare.focus.next
          state.message = "showing: \(compare.focus.name) (v: next)"
        } else if let why = refused(key) {
          state.message = why
        } else if key != .resize {
          // Focus and cursor keys work on what the halves show.
          switch compare.focus {
          case .all:
            let side = CompareFrame.sideSize(width: session.width, height: session.height)
            state.showPanels(Set(Layout.compute(width: side.width, height: side.height).panels.keys))
          case .panel(let p):
            state.focus = p
            state.showPanels([p])
          }
          let input = compare.inputA.phases.count >= compare.inputB.phases.count ? compare.inputA : compare.inputB
          state.handle(key, timeline: &compare.timelineA, input: input)
        }
        dirty = true
      }
      if session.refreshSize() { dirty = true }
      let now = Date()
      if state.playing {
        let before = (state.step, state.phase)
        state.tick(
          seconds: now.timeIntervalSince(lastTick), timeline: compare.timelineA, phaseCount: compare.phaseCount)
        if state.step != before.0 || state.phase != before.1 { dirty = true }
      }
      lastTick = now
    }
  }
}
