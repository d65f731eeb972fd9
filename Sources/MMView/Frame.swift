import MMCore
import MMTrace

/// A frame is a pure function of the machine at a step, the UI state and the size.
public enum Frame {
  public static func render(_ input: FrameInput, _ state: UIState, width: Int, height: Int, color: Bool = true)
    -> Buffer
  {
    var b = Buffer(width: width, height: height)
    let theme = Theme(color: color)
    let layout = Layout.compute(width: width, height: height, maximized: state.maximized ? state.focus : nil)
    if layout.tooSmall {
      let msg = "mmscope needs at least \(Layout.minimumWidth)x\(Layout.minimumHeight) (this is \(width)x\(height))"
      for (i, line) in wrap(msg, width: max(width, 1)).prefix(height).enumerated() { b.put(0, i, line, theme.error) }
      return b
    }
    for (panel, rect) in layout.panels {
      let focused = panel == state.focus
      switch panel {
      case .addressSpace: AddressSpacePanel.draw(&b, rect, input, state, theme, focused: focused)
      case .tree: TreePanel.draw(&b, rect, input, state, theme, focused: focused)
      case .buddy: BuddyPanel.draw(&b, rect, input, state, theme, focused: focused)
      case .directMap: DirectMapPanel.draw(&b, rect, input, state, theme, focused: focused)
      case .log: TextPanels.log(&b, rect, input, theme, focused: focused)
      }
    }
    if let e = layout.explain { TextPanels.explain(&b, e, input, theme) }
    TextPanels.status(&b, layout.status, input, state, theme)
    if state.showHelp { help(&b, theme) }
    return b
  }

  /// The help overlay, generated from the command table, centred.
  static func help(_ b: inout Buffer, _ theme: Theme) {
    let lines = CommandTable.helpLines
    let w = min(b.width - 2, (lines.map(\.count).max() ?? 20) + 4)
    let h = min(b.height - 2, lines.count + 2)
    guard w > 10, h > 3 else { return }
    let r = Rect(x: (b.width - w) / 2, y: (b.height - h) / 2, width: w, height: h)
    b.fill(r)
    b.border(r, title: "keys (any key closes)", style: theme.focusedBorder)
    for (i, l) in lines.prefix(h - 2).enumerated() { b.put(r.x + 2, r.y + 1 + i, l, .plain, clip: r.inset(1)) }
  }
}
