/// A key press as the terminal layer reports it.
public enum Key: Hashable, Sendable, CustomStringConvertible {
  case char(Character)
  case enter, space, tab, backTab, escape, backspace
  case left, right, up, down, home, end, pageUp, pageDown
  case ctrl(Character)
  case resize
  case mouse(x: Int, y: Int)

  public var description: String {
    switch self {
    case .char(let c): String(c)
    case .enter: "Enter"
    case .space: "Space"
    case .tab: "Tab"
    case .backTab: "S-Tab"
    case .escape: "Esc"
    case .backspace: "Backspace"
    case .left: "←"
    case .right: "→"
    case .up: "↑"
    case .down: "↓"
    case .home: "Home"
    case .end: "End"
    case .pageUp: "PgUp"
    case .pageDown: "PgDn"
    case .ctrl(let c): "C-\(c)"
    case .resize: "resize"
    case .mouse: "click"
    }
  }
}
