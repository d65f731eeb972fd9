import Foundation

/// Every user request, declared once: its keys and help line drive key handling, the help overlay and
/// scripted input (tig's approach).
public enum CommandID: String, Sendable, CaseIterable {
  case playPause = "play-pause"
  case stepForward = "step"
  case stepBack = "step-back"
  case nextPhase = "next-phase"
  case previousPhase = "previous-phase"
  case phasePlay = "phase-play"
  case first, last
  case gotoStep = "goto"
  case search
  case searchNext = "search-next"
  case setMark = "mark"
  case jumpMark = "jump-mark"
  case nextMark = "next-mark"
  case previousMark = "previous-mark"
  case faster, slower
  case focusNext = "focus-next"
  case focusPrevious = "focus-previous"
  case maximize
  case cursorLeft = "cursor-left"
  case cursorRight = "cursor-right"
  case cursorUp = "cursor-up"
  case cursorDown = "cursor-down"
  case zoomIn = "zoom-in"
  case zoomOut = "zoom-out"
  case inspect
  case follow
  case treeView = "tree-view"
  case commandLine = "command-line"
  case quiz
  case help
  case quit
}

public struct CommandSpec: Sendable {
  public var id: CommandID
  public var keys: [Key]
  public var group: String
  public var help: String
}

public enum CommandTable {
  public static let all: [CommandSpec] = [
    CommandSpec(id: .playPause, keys: [.space], group: "Time", help: "play or pause"),
    CommandSpec(id: .stepForward, keys: [.right, .char("n")], group: "Time", help: "one step forward"),
    CommandSpec(id: .stepBack, keys: [.left, .char("p")], group: "Time", help: "one step back"),
    CommandSpec(
      id: .nextPhase, keys: [.char(".")], group: "Time", help: "next phase inside the operation (then the next one)"),
    CommandSpec(id: .previousPhase, keys: [.char(",")], group: "Time", help: "previous phase inside the operation"),
    CommandSpec(
      id: .phasePlay, keys: [.char("P")], group: "Time", help: "play phase by phase, or by whole operations (toggle)"),
    CommandSpec(id: .first, keys: [.home], group: "Time", help: "the start (step 0)"),
    CommandSpec(id: .last, keys: [.end, .char("G")], group: "Time", help: "the last step"),
    CommandSpec(id: .gotoStep, keys: [.char("g")], group: "Time", help: "go to a step number or bookmark"),
    CommandSpec(id: .faster, keys: [.char("+")], group: "Time", help: "play faster"),
    CommandSpec(id: .slower, keys: [.char("-")], group: "Time", help: "play slower"),
    CommandSpec(id: .search, keys: [.char("/")], group: "Find", help: "search the event log"),
    CommandSpec(id: .searchNext, keys: [.char("N")], group: "Find", help: "next match of the last search"),
    CommandSpec(id: .setMark, keys: [.char("m")], group: "Find", help: "mark the current step"),
    CommandSpec(id: .jumpMark, keys: [.char("'")], group: "Find", help: "jump to the last mark"),
    CommandSpec(id: .nextMark, keys: [.char("]")], group: "Find", help: "next bookmark or mark"),
    CommandSpec(id: .previousMark, keys: [.char("[")], group: "Find", help: "previous bookmark or mark"),
    CommandSpec(id: .focusNext, keys: [.tab], group: "Panels", help: "focus the next panel"),
    CommandSpec(id: .focusPrevious, keys: [.backTab], group: "Panels", help: "focus the previous panel"),
    CommandSpec(
      id: .maximize, keys: [.char("M")], group: "Panels", help: "maximize the focused panel (again: restore)"),
    CommandSpec(
      id: .cursorLeft, keys: [.char("h")], group: "Panels", help: "previous area / parent node / lower order / cell"),
    CommandSpec(
      id: .cursorRight, keys: [.char("l")], group: "Panels", help: "next area / child node / higher order / cell"),
    CommandSpec(
      id: .cursorUp, keys: [.up, .char("k")], group: "Panels", help: "10 areas back / previous node / zone / GiB / log"),
    CommandSpec(
      id: .cursorDown, keys: [.down, .char("j")], group: "Panels", help: "10 areas on / next node / zone / GiB / log"),
    CommandSpec(id: .zoomIn, keys: [.char("z")], group: "Panels", help: "zoom in around the selection"),
    CommandSpec(id: .zoomOut, keys: [.char("Z")], group: "Panels", help: "zoom out"),
    CommandSpec(
      id: .inspect, keys: [.enter], group: "Panels", help: "inspect the selection (log: go to that step)"),
    CommandSpec(id: .follow, keys: [.char("f")], group: "Panels", help: "cursors follow the last operation again"),
    CommandSpec(id: .treeView, keys: [.char("t")], group: "Panels", help: "tree panel: free, busy or lazy areas"),
    CommandSpec(
      id: .commandLine, keys: [.char(":")], group: "Sandbox",
      help: "type an operation (vmalloc 16K, vfree x); :w FILE saves"),
    CommandSpec(
      id: .quiz, keys: [.char("Q")], group: "Sandbox",
      help: "quiz: predict each result, then see why"),
    CommandSpec(id: .help, keys: [.char("?")], group: "Other", help: "this help"),
    CommandSpec(id: .quit, keys: [.char("q"), .ctrl("c")], group: "Other", help: "quit"),
  ]

  /// The command a key runs.
  public static func command(for key: Key) -> CommandID? {
    all.first { $0.keys.contains(key) }?.id
  }

  public static func spec(_ id: CommandID) -> CommandSpec { all.first { $0.id == id }! }

  /// The help overlay's lines, grouped, generated from the table.
  public static var helpLines: [String] {
    var out: [String] = []
    var group = ""
    for spec in all {
      if spec.group != group {
        if !out.isEmpty { out.append("") }
        out.append(spec.group)
        group = spec.group
      }
      let keys = spec.keys.map(\.description).joined(separator: " ")
      out.append("  " + keys.padding(toLength: 12, withPad: " ", startingAt: 0) + " " + spec.help)
    }
    return out
  }
}
