/// What a mouse click does: focus the panel under it and select what is drawn there, the same
/// selection the cursor keys make (an area, a tree node, an order, a direct-map cell, a log line).
public enum Mouse {
  public static func click(
    _ state: inout UIState, x: Int, y: Int, input: FrameInput, width: Int, height: Int
  ) {
    let layout = Layout.compute(width: width, height: height, maximized: state.maximized ? state.focus : nil)
    guard
      let (panel, r) = layout.panels.first(where: {
        $0.value.x <= x && x < $0.value.maxX && $0.value.y <= y && y < $0.value.maxY
      })
    else { return }
    state.focus = panel
    let row = y - r.y - 1
    let column = x - r.x - 1
    switch panel {
    case .addressSpace:
      if let a = AddressSpacePanel.runStart(atX: x, y: y, r, input, state) { state.selection = a }
    case .tree:
      if let a = TreePanel.selection(atRow: row, r, input, state) { state.selection = a }
    case .buddy:
      if let o = BuddyPanel.order(atRow: row, column: column, r) { state.column[.buddy] = o }
    case .directMap:
      if let c = DirectMapPanel.cell(atRow: row, column: column, r) {
        state.column[.directMap] = c
      } else if let g = DirectMapPanel.overviewGigabyte(
        atRow: row, r, gigabytes: input.machine.directMap.gigabytes, inView: DirectMapPanel.gigabyte(input, state))
      {
        state.cursor[.directMap] = g
      }
    case .explain:
      break
    case .log:
      let inner = r.inset(1)
      guard row >= 0, row < inner.height else { return }
      let (first, _) = TextPanels.logWindow(inner, input, state)
      let step = first + row
      if step <= input.total { state.cursor[.log] = step - input.step }
    }
  }
}
