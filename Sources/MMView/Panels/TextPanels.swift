import MMCore
import MMTrace

/// The event log, the explain pane and the status line.
enum TextPanels {
  static func log(_ b: inout Buffer, _ r: Rect, _ input: FrameInput, _ theme: Theme, focused: Bool) {
    b.border(r, title: "event log", style: focused ? theme.focusedBorder : theme.border)
    let inner = r.inset(1)
    guard !inner.isEmpty else { return }
    // Keep the current step's line in the middle.
    let current = input.log.firstIndex { $0.step == input.step } ?? 0
    let first = max(0, min(current - inner.height / 2, input.log.count - inner.height))
    for (i, entry) in input.log.dropFirst(first).prefix(inner.height).enumerated() {
      let mark = entry.step == input.step ? "▶" : " "
      let style = entry.step == input.step ? theme.highlight : (entry.step > input.step ? theme.label : .plain)
      b.put(inner.x, inner.y + i, "\(mark)\(String(entry.step).leftPad(6)) \(entry.text)", style, clip: inner)
    }
  }

  static func explain(_ b: inout Buffer, _ r: Rect, _ input: FrameInput, _ theme: Theme) {
    b.border(r, title: "what happened", style: theme.border)
    let inner = r.inset(1)
    guard !inner.isEmpty else { return }
    var lines: [(String, Style)] = []
    if let report = input.report {
      for (i, s) in Explainer.explain(report, machine: input.machine).enumerated() {
        for l in wrap(s, width: inner.width) { lines.append((l, i == 0 ? Style.plain.emboldened : .plain)) }
      }
    } else {
      lines.append(("Step 0: the starting state. Press → to step, Space to play, ? for help.", .plain))
    }
    if let n = input.narration {
      lines.append(("", .plain))
      for l in wrap(n, width: inner.width) { lines.append((l, theme.label)) }
    }
    for (i, (text, style)) in lines.prefix(inner.height).enumerated() {
      b.put(inner.x, inner.y + i, text, style, clip: inner)
    }
  }

  static func status(_ b: inout Buffer, _ r: Rect, _ input: FrameInput, _ state: UIState, _ theme: Theme) {
    b.fill(r, " ", theme.color ? Style(fg: .black, bg: .white) : Style(reverse: true))
    let style = theme.color ? Style(fg: .black, bg: .white) : Style(reverse: true)
    if let p = state.prompt {
      b.put(r.x, r.y, (p.kind == .goto ? " go to step or bookmark: " : " search: ") + p.text + "▏", style, clip: r)
      return
    }
    let mode = state.playing ? "▶ playing \(state.speed.clean)/s" : "❚❚ paused"
    let k = input.machine.config.kva
    var text =
      " step \(input.step)/\(input.total)  \(mode)  \(input.source)  \(k.policy.rawValue), \(k.cpus) CPU(s)  [\(state.focus.rawValue)]"
    if let m = state.message { text += "  — " + m }
    let hint = "? help  q quit "
    let room = r.width - hint.count - 1
    b.put(r.x, r.y, text, style, clip: Rect(x: r.x, y: r.y, width: max(0, room), height: 1))
    if room > 20 { b.put(r.maxX - hint.count, r.y, hint, style, clip: r) }
  }
}

extension String {
  func leftPad(_ n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
}

extension Double {
  var clean: String { self == rounded() ? String(Int(self)) : String(self) }
}
