import CNcursesw
import Foundation
import MMView

/// The only code that talks to ncurses: set-up and restore, drawing a frame (cells that changed
/// since the last one), reading keys, resizes and clicks. All on the main thread.
public final class TerminalSession {
  public private(set) var width = 0
  public private(set) var height = 0
  let color: Bool
  var pairs: [Int: Int16] = [:]
  var last: Buffer? = nil
  nonisolated(unsafe) static var active = false

  /// Why a session cannot start.
  public enum StartError: Error, CustomStringConvertible {
    case notATerminal
    /// TERM names a terminal that cannot move the cursor (dumb, a hardcopy terminal).
    case cannotMoveCursor(term: String)
    /// TERM names a terminal terminfo does not describe.
    case unknownTerminal(term: String)
    case cannotInitialize
    public var description: String {
      let instead = "try TERM=xterm-256color, or use 'mmscope render'"
      return switch self {
      case .notATerminal:
        "mmscope's view needs a terminal on standard input and output (use render, stats or dump otherwise)"
      case .cannotMoveCursor(let term):
        "the terminal view needs a terminal that can move the cursor (TERM=\(term)); \(instead)"
      case .unknownTerminal(let term):
        "the terminal view needs a terminal that terminfo describes (TERM=\(term) is unknown); \(instead)"
      case .cannotInitialize: "the terminal could not be initialized (is TERM set to a known terminal?)"
      }
    }
  }

  /// Standard input and output are a terminal: the view can run.
  public static var hasTerminal: Bool { isatty(0) != 0 && isatty(1) != 0 }

  /// Checks, before curses starts, that standard input and output are a terminal and that TERM names
  /// one terminfo describes with cursor addressing (TERM unset or empty: xterm-256color's description).
  public static func checkTerminal() throws(StartError) {
    guard hasTerminal else { throw .notATerminal }
    if getenv("TERM").map({ $0.pointee == 0 }) ?? true { setenv("TERM", "xterm-256color", 1) }
    let term = String(cString: getenv("TERM"))
    switch mm_terminal_can_move_cursor() {
    case 1: return
    case 0: throw .cannotMoveCursor(term: term)
    default: throw .unknownTerminal(term: term)
    }
  }

  public init() throws {
    try Self.checkTerminal()
    if setlocale(LC_ALL, "") == nil { setlocale(LC_ALL, "C.UTF-8") }
    guard initscr() != nil else { throw StartError.cannotInitialize }
    Self.active = true
    cbreak()
    noecho()
    keypad(mm_stdscr(), true)
    // Esc closes overlays and prompts: do not wait a second to tell it from an escape sequence.
    set_escdelay(25)
    curs_set(0)
    timeout(50)
    _ = mousemask(mm_button1_clicked(), nil)
    let wantsColor = ProcessInfo.processInfo.environment["NO_COLOR"] == nil
    color = wantsColor && has_colors()
    if color {
      start_color()
      use_default_colors()
    }
    width = Int(mm_cols())
    height = Int(mm_lines())
    Self.installSignalHandlers()
  }

  deinit { Self.restore() }

  public var hasColor: Bool { color }

  /// Puts the terminal back as it was; safe to call twice (quit, signals, errors).
  public static func restore() {
    guard active else { return }
    active = false
    endwin()
  }

  static func installSignalHandlers() {
    // A parent may start us with these blocked (they are inherited); the view must see them.
    var set = sigset_t()
    sigemptyset(&set)
    for sig in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGWINCH] { sigaddset(&set, sig) }
    sigprocmask(SIG_UNBLOCK, &set, nil)
    for sig in [SIGINT, SIGTERM, SIGHUP, SIGQUIT] {
      signal(sig) { s in
        TerminalSession.restore()
        signal(s, SIG_DFL)
        raise(s)
      }
    }
    // Crashes (a Swift runtime trap is SIGILL or SIGTRAP): restore the terminal, then hand the signal
    // to whoever handled it before (Swift's backtracer, or the default), so the report still comes.
    for sig in crashSignals {
      var action = SignalAction()
      action.__sigaction_handler.sa_handler = { s in
        TerminalSession.restore()
        sigaction(s, &TerminalSession.previousActions[Int(s)], nil)
        // Returning re-runs the faulting instruction under the previous handler; raised signals
        // (abort) are delivered again once this handler returns.
        if s == SIGABRT || s == SIGTRAP { raise(s) }
      }
      sigemptyset(&action.sa_mask)
      sigaction(sig, &action, &previousActions[Int(sig)])
    }
  }

  static let crashSignals = [SIGILL, SIGTRAP, SIGSEGV, SIGBUS, SIGFPE, SIGABRT]
  /// What handled each crash signal before the view (indexed by signal number).
  nonisolated(unsafe) static var previousActions = [SignalAction](repeating: SignalAction(), count: 65)

  func pair(for style: Style) -> Int16 {
    guard color, style.fg != .default || style.bg != .default else { return 0 }
    let key = Int(style.fg.rawValue) << 8 | Int(style.bg.rawValue)
    if let p = pairs[key] { return p }
    let next = Int16(pairs.count + 1)
    guard Int(next) < Int(mm_color_pairs()) else { return 0 }
    let fg = style.fg == .default ? Int16(-1) : Int16(style.fg.rawValue) % Int16(max(mm_colors(), 8))
    let bg = style.bg == .default ? Int16(-1) : Int16(style.bg.rawValue) % Int16(max(mm_colors(), 8))
    init_pair(next, fg, bg)
    pairs[key] = next
    return next
  }

  /// Draws `frame`, sending only the cells that differ from the last frame.
  public func draw(_ frame: Buffer) {
    let full = last == nil || last!.width != frame.width || last!.height != frame.height
    if full { erase() }
    for y in 0..<frame.height {
      for x in 0..<frame.width {
        let c = frame[x, y]
        if !full, let l = last, l[x, y] == c { continue }
        var attrs = mm_a_normal()
        if c.style.bold { attrs |= mm_a_bold() }
        if c.style.dim { attrs |= mm_a_dim() }
        if c.style.reverse { attrs |= mm_a_reverse() }
        if c.style.underline { attrs |= mm_a_underline() }
        // The bottom-right cell cannot be written without scrolling on some terminals.
        if y == frame.height - 1 && x == frame.width - 1 { continue }
        _ = mm_put_cell(Int32(y), Int32(x), wchar_t(c.glyph.value), attrs, pair(for: c.style))
      }
    }
    refresh()
    last = frame
  }

  /// Reads the terminal's size again; true when it changed (the next frame is drawn whole).
  public func refreshSize() -> Bool {
    // Ask the terminal itself: SIGWINCH may not reach curses' own handler in every set-up.
    var ws = winsize()
    if ioctl(1, UInt(TIOCGWINSZ), &ws) == 0, ws.ws_col > 0, ws.ws_row > 0,
      Int(ws.ws_col) != Int(mm_cols()) || Int(ws.ws_row) != Int(mm_lines())
    {
      resizeterm(Int32(ws.ws_row), Int32(ws.ws_col))
    }
    let w = Int(mm_cols())
    let h = Int(mm_lines())
    guard w != width || h != height else { return false }
    width = w
    height = h
    last = nil
    return true
  }

  /// Set when the terminal went away (its pty closed): the view must stop rather than spin.
  public private(set) var hungUp = false

  /// The next key, or nil when none arrived within the timeout.
  public func readKey() -> Key? {
    var ch: wint_t = 0
    errno = 0
    let r = get_wch(&ch)
    if r == ERR {
      // A timeout leaves errno alone; a closed terminal reports EIO (or the input is no terminal).
      if errno == EIO || errno == EBADF || isatty(0) == 0 { hungUp = true }
      return nil
    }
    if r == KEY_CODE_YES {
      switch Int32(ch) {
      case KEY_LEFT: return .left
      case KEY_RIGHT: return .right
      case KEY_UP: return .up
      case KEY_DOWN: return .down
      // vt220-style Home/End (ESC [1~ and ESC [4~) arrive as Find and Select under some terminfos.
      case KEY_HOME, KEY_FIND: return .home
      case KEY_END, KEY_SELECT: return .end
      case KEY_NPAGE: return .pageDown
      case KEY_PPAGE: return .pageUp
      case KEY_BTAB: return .backTab
      case KEY_BACKSPACE: return .backspace
      case KEY_ENTER: return .enter
      case mm_key_resize():
        _ = refreshSize()
        last = nil
        return .resize
      case mm_key_mouse():
        var event = MEVENT()
        if getmouse(&event) == OK { return .mouse(x: Int(event.x), y: Int(event.y)) }
        return nil
      default: return nil
      }
    }
    switch ch {
    case 9: return .tab
    case 10, 13: return .enter
    case 27: return .escape
    case 32: return .space
    case 127, 8: return .backspace
    case 1...26: return .ctrl(Character(Unicode.Scalar(UInt8(ch) + 96)))
    default: return Unicode.Scalar(UInt32(ch)).map { .char(Character($0)) }
    }
  }
}

/// The C `struct sigaction` (in Swift its name is shadowed by the function of the same name).
typealias SignalAction = sigaction
