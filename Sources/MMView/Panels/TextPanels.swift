import MMCore
import MMTrace

/// The event log, the explain pane and the status line.
enum TextPanels {
  /// The operations around the current step (▶), scrolled by the cursor (its line marked ▸;
  /// Enter goes there). Only the visible lines are printed.
  /// The first step the log shows and the step under its cursor.
  static func logWindow(_ inner: Rect, _ input: FrameInput, _ state: UIState) -> (first: Int, target: Int) {
    let target = min(max(input.step + state.cursor[.log, default: 0], 1), max(input.total, 1))
    return (max(1, min(target - inner.height / 2, input.total - inner.height + 1)), target)
  }

  static func log(_ b: inout Buffer, _ r: Rect, _ input: FrameInput, _ state: UIState, _ theme: Theme, focused: Bool) {
    b.border(r, title: "event log  j/k scroll ⏎ go", style: focused ? theme.focusedBorder : theme.border)
    let inner = r.inset(1)
    guard !inner.isEmpty, input.total > 0 else { return }
    let (first, target) = logWindow(inner, input, state)
    for row in 0..<inner.height {
      let step = first + row
      guard step <= input.total else { break }
      let mark = step == input.step ? "▶" : step == target && state.cursor[.log] != nil ? "▸" : " "
      let text = "\(mark)\(String(step).leftPad(6)) \(TracePrinter.operation(input.operations[step - 1]))"
      var style = step == input.step ? theme.highlight : (step > input.step ? theme.label : .plain)
      if step == target && state.cursor[.log] != nil { style = focused ? style.reversed : style.underlined }
      b.put(inner.x, inner.y + row, text, style, clip: inner)
    }
  }

  /// What the step did, in words, and the tour's text; scrolled with j/k when focused, with a
  /// last line saying there is more.
  static func explain(
    _ b: inout Buffer, _ r: Rect, _ input: FrameInput, _ state: UIState, _ theme: Theme, focused: Bool
  ) {
    b.border(r, title: "what happened", style: focused ? theme.focusedBorder : theme.border)
    let inner = r.inset(1)
    guard !inner.isEmpty else { return }
    var explained: [(String, Style)] = []
    if let report = input.report {
      for (i, s) in Explainer.explain(report, machine: input.machine).enumerated() {
        for l in wrap(s, width: inner.width) { explained.append((l, i == 0 ? Style.plain.emboldened : .plain)) }
      }
    } else {
      explained.append(("Step 0: the starting state. Press → to step, Space to play, ? for help.", .plain))
    }
    var narration: [(String, Style)] = []
    if let n = input.narration {
      for l in wrap(n, width: inner.width) { narration.append((l, theme.narration)) }
    }
    // A tour's text for this very step comes first; carried-over text goes after what happened.
    let lines =
      input.narrationIsNew
      ? narration + [("", .plain)] + explained : explained + (narration.isEmpty ? [] : [("", .plain)] + narration)
    let offset = min(state.cursor[.explain, default: 0], max(0, lines.count - inner.height))
    var shown = Array(lines.dropFirst(offset).prefix(inner.height))
    if offset + inner.height < lines.count, !shown.isEmpty {
      shown[shown.count - 1] = ("… more: Tab here, then j/k", theme.label)
    }
    for (i, (text, style)) in shown.enumerated() {
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
    let mode = (state.playing ? "▶ playing" : "❚❚ paused") + " \(state.speed.clean)/s"
    let k = input.machine.config.kva
    var text =
      " step \(input.step)/\(input.total)  \(mode)  \(input.source)  \(k.policy.rawValue), \(k.cpus) CPU(s)  [\(state.focus.rawValue)]"
    if let m = state.message { text += "  — " + m }
    // The hint comes from the command table, so a rebinding shows here too.
    let hint = "\(CommandTable.spec(.help).keys[0]) help  \(CommandTable.spec(.quit).keys[0]) quit "
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
