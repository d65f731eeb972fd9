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
      let text = fitted(
        "\(mark)\(String(step).leftPad(6)) \(TracePrinter.operation(input.operations[step - 1]))",
        width: inner.width - 1)
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
    // One column kept free at the right, so a word never touches the border.
    let width = max(1, inner.width - 1)
    var explained: [(String, Style)] = []
    if let (n, p) = input.phase {
      let head =
        "Phase \(n) of \(input.phases.count): \(p.kind.rawValue)" + (p.function.isEmpty ? "" : " · \(p.function)")
      for l in wrap(head, width: width) { explained.append((l, Style.plain.emboldened)) }
      for l in wrap(p.text, width: width) { explained.append((l, .plain)) }
      if n < input.phases.count {
        explained.append(("", .plain))
        explained.append((". next phase  , previous phase", theme.label))
      }
    } else if let report = input.report {
      for (i, s) in Explainer.explain(report, machine: input.machine).enumerated() {
        for l in wrap(s, width: width) { explained.append((l, i == 0 ? Style.plain.emboldened : .plain)) }
      }
      if input.report != nil {
        explained.append(("", .plain))
        for l in wrap("Press . to take this operation apart, phase by phase.", width: width) {
          explained.append((l, theme.label))
        }
      }
    } else if input.narration == nil || !input.narrationIsNew {
      for l in wrap(
        "Step 0: the starting state. → steps, Space plays, . goes phase by phase, ? help.", width: width)
      {
        explained.append((l, .plain))
      }
    }
    var narration: [(String, Style)] = []
    // Only the text written for this very step: carried-over text belongs to another step.
    if let n = input.narration, input.narrationIsNew, input.phase == nil || input.phase?.number == 1 {
      for l in wrap(n, width: width) { narration.append((l, theme.narration)) }
    }
    let lines = narration.isEmpty ? explained : narration + [("", .plain)] + explained
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
      let label =
        switch p.kind {
        case .goto: " go to step or bookmark: "
        case .search: " search: "
        case .command: " :"
        }
      // A long line keeps its end (where the cursor is) in view.
      let room = max(r.width - label.count - 1, 1)
      let text = p.text.count > room ? "…" + String(p.text.suffix(room - 1)) : p.text
      b.put(r.x, r.y, label + text + "▏", style, clip: r)
      return
    }
    // The hint comes from the command table, so a rebinding shows here too.
    let hint = "\(CommandTable.spec(.help).keys[0]) help  \(CommandTable.spec(.quit).keys[0]) quit "
    let room = r.width - (r.width > 60 ? hint.count + 1 : 0)
    let text = statusText(input, state, width: room)
    // A message longer than the line ends with a visible "…" rather than a cut word.
    let shown = text.count > room && room > 1 ? String(text.prefix(room - 1)) + "…" : text
    b.put(r.x, r.y, shown, style, clip: Rect(x: r.x, y: r.y, width: max(0, room), height: 1))
    if r.width > 60 { b.put(r.maxX - hint.count, r.y, hint, style, clip: r) }
  }

  /// The status line's parts in order, the least needed dropped first until the line fits.
  static func statusText(_ input: FrameInput, _ state: UIState, width: Int) -> String {
    var position = " step \(input.step)/\(input.total)"
    if let (n, p) = input.phase { position += " · phase \(n)/\(input.phases.count) \(p.kind.rawValue)" }
    let mode =
      (state.playing ? "▶ playing" : "❚❚ paused") + " \(state.speed.clean)/s" + (state.phasePlay ? " by phase" : "")
    let k = input.machine.config.kva
    var rfc: [String] = []
    if input.machine.config.memory.unmappedCache { rfc.append("unmapped cache (RFC)") }
    if !input.machine.execBacking.isEmpty { rfc.append("execmem tree (RFC)") }
    // (text, priority: higher stays longer)
    var parts: [(String, Int)] = [(position, 9), (mode, 8)]
    if let c = input.chapter { parts.append(("chapter: \(c)", 6)) }
    if !rfc.isEmpty { parts.append((rfc.joined(separator: ", "), 7)) }
    parts.append((input.source, 2))
    parts.append(("\(k.policy.rawValue), \(k.cpus) CPU\(k.cpus == 1 ? "" : "s")", 3))
    parts.append(("[\(state.focus.rawValue)]", 4))
    if !state.maximized, let shown = state.panelsShown, !shown.contains(.log) {
      parts.append(("no event log at this size", 5))
    }
    if let m = state.message { parts.append(("— " + m, 10)) }
    func joined(_ ps: [(String, Int)]) -> String { ps.map(\.0).joined(separator: "  ") }
    while joined(parts).count > width, let lowest = parts.indices.min(by: { parts[$0].1 < parts[$1].1 }),
      parts.count > 1
    {
      parts.remove(at: lowest)
    }
    return joined(parts)
  }
}

extension String {
  func leftPad(_ n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
}

extension Double {
  var clean: String { self == rounded() ? String(Int(self)) : String(self) }
}
