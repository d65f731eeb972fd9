/// The box above the status line while the `:` prompt is open: what can be typed, the completions
/// Tab offered, or the error under the column it points at; and the question before a typed
/// operation drops later steps.
enum CommandLineOverlay {
  static let hint =
    "Type an operation as a .mmtrace line: vmalloc 16K as=x · vfree x · alloc_pages 3 mt=movable · "
    + "free_pages p · set_memory ro x · module_load m text=64K · purge. Tab completes, ↑ recalls, "
    + "Enter runs it after this step, Esc closes; w FILE saves up to here, export FILE.svg the frame."

  static func draw(_ b: inout Buffer, above status: Rect, _ state: UIState, _ theme: Theme) {
    let width = status.width
    var lines: [(String, Style)] = []
    if let pending = state.pendingOperation {
      lines.append(("'\(pending.line)' runs after step \(state.step).", Style.plain))
      lines += wrap(
        (pending.dropping == 1
          ? "It drops step \(state.step + 1), the last. "
          : "It drops steps \(state.step + 1) to \(state.step + pending.dropping). ")
          + "y runs it; any other key keeps them.", width: width - 4
      ).map { ($0, theme.error) }
    } else if let p = state.prompt {
      if let e = p.error {
        // The caret sits under the column the error names (the prompt's text starts after " :"); a line
        // too long for the status line shows its end after "…", as the status line does.
        let room = max(width - 3, 1)
        let hidden = p.text.count > room ? p.text.count - (room - 1) : 0
        let shown = hidden > 0 ? max(e.column - 1 - hidden, 0) + 1 : e.column - 1
        let caretColumn = min(max(shown + 2, 0), width - 3)
        lines.append((String(repeating: " ", count: max(caretColumn - 2, 0)) + "^", theme.error))
        lines += wrap(e.message, width: width - 4).map { ($0, theme.error) }
      } else if !p.candidates.isEmpty {
        lines += wrap("Tab: " + p.candidates.joined(separator: "  "), width: width - 4).map { ($0, Style.plain) }
      } else {
        lines += wrap(hint, width: width - 4).map { ($0, theme.label) }
      }
    }
    let height = min(lines.count + 2, max(status.y - 1, 0))
    guard height >= 3 else { return }
    let r = Rect(x: status.x, y: status.y - height, width: width, height: height)
    b.fill(r)
    b.border(r, title: state.pendingOperation != nil ? "drop later steps?" : "sandbox", style: theme.focusedBorder)
    for (i, (text, style)) in lines.prefix(height - 2).enumerated() {
      b.put(r.x + 2, r.y + 1 + i, text, style, clip: r.inset(1))
    }
  }
}
