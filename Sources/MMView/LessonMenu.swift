/// The menu `mmscope` opens on when `Recordings/` is at hand: the tour and every lesson, one a line,
/// with the selected one's description and the command that opens it directly.
public struct LessonMenu: Sendable, Equatable {
  public struct Entry: Sendable, Equatable {
    public var title: String
    public var about: String
    public var minutes: Int?
    /// How to open it without the menu (`mmscope Recordings/buddy.mmtrace`).
    public var command: String

    public init(title: String, about: String, minutes: Int?, command: String) {
      self.title = title
      self.about = about
      self.minutes = minutes
      self.command = command
    }
  }

  public enum Action: Sendable, Equatable {
    case open(Int)
    case quit
  }

  public var entries: [Entry]
  public var selected = 0
  /// A line under the list (a lesson that could not be opened).
  public var message: String?

  public init(entries: [Entry]) { self.entries = entries }

  /// Moves the selection, or says what to do: open the selected entry or quit.
  public mutating func handle(_ key: Key) -> Action? {
    message = nil
    switch key {
    case .up, .char("k"): selected = max(selected - 1, 0)
    case .down, .char("j"), .tab: selected = min(selected + 1, max(entries.count - 1, 0))
    case .home, .char("g"): selected = 0
    case .end, .char("G"): selected = max(entries.count - 1, 0)
    case .enter, .space, .right, .char("l"):
      return entries.isEmpty ? nil : .open(selected)
    case .char("q"), .ctrl("c"), .escape: return .quit
    case .char(let c) where c.isNumber:
      // Digits pick by the number shown beside each entry.
      if let n = c.wholeNumberValue, n < entries.count {
        selected = n
        return .open(n)
      }
    default: break
    }
    return nil
  }

  public func render(width: Int, height: Int, color: Bool = true) -> Buffer {
    var b = Buffer(width: width, height: height)
    let theme = Theme(color: color)
    guard width >= Layout.minimumWidth, height >= Layout.minimumHeight else {
      return Frame.tooSmall(width: width, height: height, theme)
    }
    // The last row is a status line, as in the view (a terminal's last cell cannot hold a border).
    let outer = Rect(x: 0, y: 0, width: width, height: height - 1)
    b.border(outer, title: "mmscope: lessons", style: theme.focusedBorder)
    let status = Rect(x: 0, y: height - 1, width: width, height: 1)
    let statusStyle = theme.color ? Style(fg: .black, bg: .white) : Style(reverse: true)
    b.fill(status, " ", statusStyle)
    b.put(
      0, status.y, fitted(" ↑↓ choose  Enter opens  0-9 its number  q quits (in a lesson: back here)", width: width),
      statusStyle)
    let inside = outer.inset(1)
    var y = inside.y
    let intro =
      "Each lesson is a narrated trace: → steps, . takes a step apart, ] jumps to the next chapter, : types "
      + "your own operation, Q quizzes you, ? lists every key."
    for line in wrap(intro, width: inside.width - 2) {
      b.put(inside.x + 1, y, line, theme.label, clip: inside)
      y += 1
    }
    y += 1
    // The selected entry's about and command in a box under the list.
    let detail = entries.indices.contains(selected) ? entries[selected] : nil
    let detailLines = detail.map { wrap($0.about, width: inside.width - 4) + ["open directly: " + $0.command] } ?? []
    let boxHeight = detailLines.count + 2
    let listRows = max(min(entries.count, inside.maxY - boxHeight - 1 - y), 1)
    // Scroll so the selection stays on screen.
    let first = min(max(selected - listRows + 1, 0), max(entries.count - listRows, 0))
    let minutesColumn = 8
    for (row, i) in (first..<min(entries.count, first + listRows)).enumerated() {
      let e = entries[i]
      let mark = i == selected ? "▸" : " "
      let number = i < 10 ? "\(i)" : " "
      let minutes = e.minutes.map { "\($0) min" } ?? ""
      let titleWidth = inside.width - 6 - minutesColumn
      let line =
        "\(mark) \(number)  "
        + fitted(e.title, width: titleWidth).padding(toLength: titleWidth, withPad: " ", startingAt: 0)
        + minutes.padding(toLength: minutesColumn, withPad: " ", startingAt: 0)
      let style = i == selected ? theme.highlight : Style.plain
      b.put(inside.x, y + row, String(line.prefix(inside.width)), style, clip: inside)
    }
    y += listRows + 1
    if let message {
      b.put(inside.x + 1, y - 1, fitted(message, width: inside.width - 2), theme.error, clip: inside)
    }
    if let detail {
      let box = Rect(x: inside.x, y: min(y, inside.maxY - boxHeight), width: inside.width, height: boxHeight)
      b.border(box, title: detail.title, style: theme.border)
      for (i, line) in detailLines.enumerated() {
        b.put(
          box.x + 2, box.y + 1 + i, line, i == detailLines.count - 1 ? theme.label : theme.narration, clip: box.inset(1)
        )
      }
    }
    return b
  }
}
