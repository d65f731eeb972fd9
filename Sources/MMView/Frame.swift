import MMCore
import MMTrace

/// A frame is a pure function of the machine at a step, the UI state and the size.
public enum Frame {
  public static func render(_ stepInput: FrameInput, _ state: UIState, width: Int, height: Int, color: Bool = true)
    -> Buffer
  {
    var input = stepInput.forPhase(state.phase)
    // At step 0 the narration describes the first operation: while a quiz asks about it, it would
    // give the answer away.
    if state.quiz?.current != nil && input.step == 0 { input.narration = nil }
    var state = state
    // A maximized panel shows at any size (the compare view maximizes panels the half would not fit).
    if !state.maximized { state.showPanels(Set(Layout.compute(width: width, height: height).panels.keys)) }
    var b = Buffer(width: width, height: height)
    let theme = Theme(color: color)
    let layout = Layout.compute(width: width, height: height, maximized: state.maximized ? state.focus : nil)
    if layout.tooSmall { return tooSmall(width: width, height: height, theme) }
    for (panel, rect) in layout.panels {
      let focused = panel == state.focus
      switch panel {
      case .addressSpace: AddressSpacePanel.draw(&b, rect, input, state, theme, focused: focused)
      case .tree: TreePanel.draw(&b, rect, input, state, theme, focused: focused)
      case .buddy: BuddyPanel.draw(&b, rect, input, state, theme, focused: focused)
      case .directMap: DirectMapPanel.draw(&b, rect, input, state, theme, focused: focused)
      case .log: TextPanels.log(&b, rect, input, state, theme, focused: focused)
      case .explain: TextPanels.explain(&b, rect, input, state, theme, focused: focused)
      }
    }
    TextPanels.status(&b, layout.status, input, state, theme)
    if state.quiz != nil && state.prompt == nil { QuizOverlay.draw(&b, above: layout.status, state, theme) }
    if state.prompt?.kind == .command || state.pendingOperation != nil {
      CommandLineOverlay.draw(&b, above: layout.status, state, theme)
    }
    if state.inspecting && !state.showHelp { inspector(&b, input, state, theme) }
    if state.showHelp { help(&b, theme, scroll: state.helpScroll) }
    return b
  }

  /// What a screen below the view's minimum shows instead (the view and the lesson menu alike).
  static func tooSmall(width: Int, height: Int, _ theme: Theme) -> Buffer {
    var b = Buffer(width: width, height: height)
    let msg = "mmscope needs at least \(Layout.minimumWidth)x\(Layout.minimumHeight) (this is \(width)x\(height))"
    for (i, line) in wrap(msg, width: max(width, 1)).prefix(height).enumerated() { b.put(0, i, line, theme.error) }
    return b
  }

  /// A frame with one centred message (while a long trace is prepared).
  public static func message(_ text: String, width: Int, height: Int) -> Buffer {
    var b = Buffer(width: width, height: height)
    let lines = wrap(text, width: max(width - 4, 1))
    for (i, l) in lines.enumerated() {
      b.put(max(0, (width - l.count) / 2), height / 2 - lines.count / 2 + i, l, .plain)
    }
    return b
  }

  /// The inspector overlay over the lower part of the screen, lines wrapped to fit.
  static func inspector(_ b: inout Buffer, _ input: FrameInput, _ state: UIState, _ theme: Theme) {
    let (title, lines) = Inspector.details(input, state)
    let w = min(b.width - 2, 100)
    // Lines that fit keep their column alignment; longer ones wrap.
    let wrapped = lines.flatMap { $0.count <= w - 4 ? [$0] : wrap($0, width: w - 4) }
    let h = min(b.height - 4, wrapped.count + 2)
    guard w > 20, h > 2 else { return }
    let r = Rect(x: (b.width - w) / 2, y: b.height - 1 - h, width: w, height: h)
    b.fill(r)
    b.border(r, title: title + "  (Enter or Esc closes)", style: theme.focusedBorder)
    for (i, l) in wrapped.prefix(h - 2).enumerated() { b.put(r.x + 2, r.y + 1 + i, l, .plain, clip: r.inset(1)) }
  }

  /// The help overlay, generated from the command table, centred; j/k scroll it when it does not fit.
  static func help(_ b: inout Buffer, _ theme: Theme, scroll: Int) {
    let lines = CommandTable.helpLines
    let w = min(b.width - 2, (lines.map(\.count).max() ?? 20) + 4)
    let h = min(b.height - 2, lines.count + 2)
    guard w > 10, h > 3 else { return }
    let r = Rect(x: (b.width - w) / 2, y: (b.height - h) / 2, width: w, height: h)
    let fits = lines.count <= h - 2
    let first = fits ? 0 : min(max(scroll, 0), lines.count - (h - 2))
    b.fill(r)
    b.border(
      r, title: fits ? "keys (any key closes)" : "keys (j/k scroll, any other key closes)", style: theme.focusedBorder)
    for (i, l) in lines.dropFirst(first).prefix(h - 2).enumerated() {
      b.put(r.x + 2, r.y + 1 + i, l, .plain, clip: r.inset(1))
    }
  }
}
