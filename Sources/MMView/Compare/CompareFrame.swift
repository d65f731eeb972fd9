import MMCore
import MMTrace

/// What the compare view shows of each side: every panel its half fits, or one panel on both.
public enum CompareFocus: Sendable, Equatable {
  case all
  case panel(PanelID)

  /// `v`'s order: all, then each panel on its own.
  public var next: CompareFocus {
    let order: [CompareFocus] =
      [.all] + [PanelID.addressSpace, .tree, .buddy, .directMap, .explain, .log].map { .panel($0) }
    let i = order.firstIndex(of: self) ?? 0
    return order[(i + 1) % order.count]
  }

  public var name: String {
    switch self {
    case .all: "every panel that fits"
    case .panel(let p): p.rawValue
    }
  }

  /// The panel that shows what a variant changes, for the view to open on.
  public static func suited(to v: MachineVariant) -> CompareFocus {
    if v.unmappedCache != nil || v.gbpages != nil { return .panel(.directMap) }
    if v.memdesc != nil || v.perCPULists != nil { return .panel(.buddy) }
    if v.exec != nil { return .panel(.addressSpace) }
    return .all
  }
}

/// The compare view: the same step on two machines side by side, and a strip below setting the work
/// each did against the other's. Each side is an ordinary frame drawn at half the width.
public enum CompareFrame {
  /// Rows the strip takes: its box (header, this step and the totals for each side, a sparkline each)
  /// and the summary line on the screen's last row.
  static func stripHeight(_ height: Int) -> Int { 10 }

  /// The size each half is drawn at (the left one; the right gets the odd column).
  public static func sideSize(width: Int, height: Int) -> (width: Int, height: Int) {
    (width / 2, height - stripHeight(height))
  }

  public static func render(
    a: FrameInput, b: FrameInput, run: ComparedRun, labels: (a: String, b: String), state: UIState,
    focus: CompareFocus, width: Int, height: Int, color: Bool = true
  ) -> Buffer {
    let theme = Theme(color: color)
    let strip = stripHeight(height)
    let half = width / 2
    let sideHeight = height - strip
    guard half >= Layout.minimumWidth, sideHeight >= Layout.minimumHeight else {
      var b = Buffer(width: width, height: height)
      let need = "compare needs at least \(2 * Layout.minimumWidth)x\(Layout.minimumHeight + stripHeight(height))"
      for (i, l) in wrap(need + " (this is \(width)x\(height))", width: max(width, 1)).prefix(height).enumerated() {
        b.put(0, i, l, theme.error)
      }
      return b
    }
    var out = Buffer(width: width, height: height)
    for (i, input) in [a, b].enumerated() {
      var s = state
      if case .panel(let p) = focus {
        s.focus = p
        s.maximized = true
      }
      let side = Frame.render(input, s, width: i == 0 ? half : width - half, height: sideHeight, color: color)
      out.draw(side, at: i == 0 ? 0 : half, 0)
      // Which side is which, in each half's top-left corner (panel titles start one column in).
      out.put(i == 0 ? 0 : half, 0, i == 0 ? "a" : "b", theme.focusedBorder)
    }
    CompareStrip.draw(
      &out, Rect(x: 0, y: sideHeight, width: width, height: strip), run: run, labels: labels, step: state.step,
      theme)
    return out
  }
}
