import Foundation
import MMCore
import MMTrace

/// The panels, in focus order.
public enum PanelID: String, Sendable, CaseIterable {
  case addressSpace = "address space"
  case tree = "free-area tree"
  case explain = "what happened"
  case buddy = "buddy free lists"
  case directMap = "direct map"
  case log = "event log"
}

/// Which set of areas the tree panel draws.
public enum TreeView: String, Sendable, CaseIterable {
  case free, busy, lazy
}

/// A prompt in the status line collecting text (a step to go to, a search, or a typed operation).
public struct Prompt: Sendable, Equatable {
  public enum Kind: Sendable, Equatable { case goto, search, command }
  public var kind: Kind
  public var text = ""
  /// A typed line that did not parse: shown in place, under the column it points at.
  public var error: TypedLineError? = nil
  /// What Tab offered when it could not complete to one word.
  public var candidates: [String] = []
  /// The position in the typed history (↑ ↓), counted back from the newest.
  var historyIndex: Int? = nil

  public init(kind: Kind, text: String = "") {
    self.kind = kind
    self.text = text
  }
}

/// A typed operation that would drop later steps, waiting for the user to confirm.
public struct PendingOperation: Sendable, Equatable {
  public var operation: MMCore.Operation
  public var expect: Expectation?
  public var line: String
  /// Steps after the current one that running it drops.
  public var dropping: Int
}

/// What the view loop must do outside the state: write a file the user asked for.
public enum ViewRequest: Sendable, Equatable {
  /// `:w FILE`: the `.mmtrace` text up to the current step.
  case write(path: String, text: String)
  /// `:export FILE`: the frame on screen.
  case export(path: String)
}

/// Everything the view shows besides the machine: where in time, what is focused, cursors, zoom,
/// overlays. Changed only by `UIState.apply`, so it can be tested without a terminal.
public struct UIState: Sendable, Equatable {
  public var step = 0
  /// The phase of the step's operation shown (1-based; `Int.max` stands for its last phase), or nil
  /// for the whole step.
  public var phase: Int? = nil
  /// Play advances phase by phase instead of whole operations.
  public var phasePlay = false
  public var playing = false
  /// Steps per second while playing.
  public var speed = 4.0
  /// Steps owed to play but not yet taken (a fraction of one).
  var playCredit = 0.0
  public var focus: PanelID = .addressSpace
  public var maximized = false
  /// Per panel: the buddy zone, the direct map's gigabyte, the event log's scroll from the step.
  /// Unset, the panel follows the last operation.
  public var cursor: [PanelID: Int] = [:]
  /// Per panel: the buddy order, the direct map's cell inside the gigabyte.
  public var column: [PanelID: Int] = [:]
  /// The selected KVA address (an area's or free run's start), shared by the address space and the
  /// tree; its pages are shown in the buddy and direct-map panels. Unset, the last operation's area.
  public var selection: UInt64? = nil
  public var zoom: [PanelID: Int] = [:]
  public var treeView: TreeView = .free
  public var showHelp = false
  /// Lines scrolled in the help overlay (j/k while it is open).
  public var helpScroll = 0
  public var inspecting = false
  public var prompt: Prompt? = nil
  public var lastSearch: String? = nil
  public var marks: [Int] = []
  /// A typed operation waiting for `y`, because running it drops the steps after this one.
  public var pendingOperation: PendingOperation? = nil
  /// Lines typed at the `:` prompt, oldest first (↑ recalls them).
  public var typedHistory: [String] = []
  /// Predict-then-reveal mode (`Q`, or `mmscope quiz`).
  public var quiz: QuizState? = nil
  /// Topics `Q` asks about.
  public var quizTopics = Set(QuizQuestion.Topic.allCases)
  /// Files to write, taken by the view loop.
  public var requests: [ViewRequest] = []
  /// A one-line message for the status line (errors of prompts, search misses).
  public var message: String? = nil
  public var quit = false
  /// The panels the current layout draws (the view sets it from the terminal's size), so focus
  /// never lands on a hidden panel. nil: all of them.
  public var panelsShown: Set<PanelID>? = nil

  public init() {}

  /// Records which panels the layout draws; focus on a hidden panel moves to the address space.
  public mutating func showPanels(_ shown: Set<PanelID>) {
    panelsShown = shown
    if !shown.isEmpty && !shown.contains(focus) { focus = .addressSpace }
  }

  static let speeds: [Double] = [0.5, 1, 2, 4, 8, 16, 32, 64, 128, 256, 1024]

  /// Runs one command against the timeline (which it may move in time). `input` is the frame on
  /// screen: the cursor keys move through what it shows.
  public mutating func apply(_ command: CommandID, timeline: inout Timeline, input: FrameInput? = nil) {
    let before = step
    let phaseBefore = phase
    defer {
      if step != before {
        cursor[.explain] = nil
        // The buddy and direct-map panels follow the pages the new step touched.
        cursor[.buddy] = nil
        cursor[.directMap] = nil
      }
      // Moving in time by whole operations leaves the phases.
      if step != before && phase == phaseBefore { phase = nil }
      if phase != phaseBefore { cursor[.explain] = nil }
    }
    let phaseCount = input?.step == step ? input?.phases.count ?? 0 : 0
    message = nil
    let total = timeline.stepCount
    switch command {
    case .playPause:
      if !playing && step >= total { step = 0 }
      playing.toggle()
      // Playing shows the next step at once, then keeps the pace.
      if playing { playCredit = 1 }
    case .stepForward:
      playing = false
      step = min(step + 1, total)
    case .stepBack:
      playing = false
      step = max(step - 1, 0)
    case .nextPhase:
      // The shown input carries the phases once phases are shown; from a whole step, . enters
      // phase 1 of that step's operation (step 0 has none: the first operation's).
      playing = false
      if let p = phase, min(p, phaseCount) < phaseCount {
        phase = min(p, phaseCount) + 1
      } else if phase == nil && step > 0 {
        phase = 1
      } else if step < total {
        step += 1
        phase = 1
      }
    case .previousPhase:
      playing = false
      if phase == nil {
        // The whole step is its last phase: , goes to the last phase (the result).
        phase = step > 0 ? Int.max : nil
        break
      }
      let p = min(phase!, max(phaseCount, 1))
      if p > 1 {
        phase = p - 1
      } else if step > 0 {
        step -= 1
        phase = step > 0 ? Int.max : nil
      } else {
        phase = nil
      }
    case .phasePlay:
      phasePlay.toggle()
      message =
        phasePlay
        ? "phase play on: Space plays phase by phase (P again: whole operations)" : "Space plays whole operations"
    case .first:
      playing = false
      step = 0
    case .last:
      playing = false
      step = total
    case .gotoStep: prompt = Prompt(kind: .goto)
    case .commandLine:
      playing = false
      prompt = Prompt(kind: .command)
    case .quiz:
      if let q = quiz {
        message = "quiz ended: \(q.right) of \(q.asked) right"
        quiz = nil
      } else {
        startQuiz(topics: quizTopics, timeline: &timeline)
      }
    case .search: prompt = Prompt(kind: .search)
    case .searchNext:
      if let text = lastSearch { find(text, timeline: &timeline) } else { message = "no search yet: press /" }
    case .setMark:
      if !marks.contains(step) { marks.append(step) }
      marks.sort()
      message = "marked step \(step)"
    case .jumpMark:
      if let m = marks.last { step = m } else { message = "no marks yet: press m" }
    case .nextMark:
      let candidates = (timeline.bookmarks.map(\.step) + marks).filter { $0 > step }
      if let next = candidates.min() { step = next } else { message = "no bookmark after step \(step)" }
    case .previousMark:
      let candidates = (timeline.bookmarks.map(\.step) + marks).filter { $0 < step }
      if let previous = candidates.max() { step = previous } else { message = "no bookmark before step \(step)" }
    case .faster:
      speed = Self.speeds.first { $0 > speed } ?? speed
    case .slower:
      speed = Self.speeds.last { $0 < speed } ?? speed
    case .focusNext:
      let all = PanelID.allCases.filter { panelsShown?.contains($0) ?? true }
      if !all.isEmpty { focus = all[((all.firstIndex(of: focus) ?? -1) + 1) % all.count] }
    case .focusPrevious:
      let all = PanelID.allCases.filter { panelsShown?.contains($0) ?? true }
      if !all.isEmpty { focus = all[((all.firstIndex(of: focus) ?? 0) + all.count - 1) % all.count] }
    case .maximize: maximized.toggle()
    case .cursorLeft: Navigation.move(&self, .left, input: input)
    case .cursorRight: Navigation.move(&self, .right, input: input)
    case .cursorUp: Navigation.move(&self, .up, input: input)
    case .cursorDown: Navigation.move(&self, .down, input: input)
    case .zoomIn: zoom[focus, default: 0] = min(zoom[focus, default: 0] + 1, 40)
    case .zoomOut: zoom[focus, default: 0] = max(zoom[focus, default: 0] - 1, 0)
    case .inspect:
      if focus == .log {
        // Enter on the log goes to the step under its cursor.
        step = min(max(step + cursor[.log, default: 0], 0), total)
        cursor[.log] = nil
        playing = false
      } else {
        inspecting.toggle()
      }
    case .follow:
      selection = nil
      cursor = [:]
      column = [:]
      message = "following the last operation"
    case .treeView:
      let all = TreeView.allCases
      treeView = all[(all.firstIndex(of: treeView)! + 1) % all.count]
    case .help:
      showHelp.toggle()
      helpScroll = 0
    case .quit: quit = true
    }
  }

  /// A key: typed into an open prompt, or looked up in the command table.
  public mutating func handle(_ key: Key, timeline: inout Timeline, input: FrameInput? = nil) {
    if let pending = pendingOperation {
      pendingOperation = nil
      if key == .char("y") {
        run(pending, timeline: &timeline)
      } else {
        message = "kept steps \(step + 1)-\(timeline.stepCount); nothing ran"
      }
      return
    }
    if prompt?.kind == .command {
      commandKey(key, timeline: &timeline, input: input)
      return
    }
    if quiz != nil && prompt == nil && !showHelp && quizKey(key, timeline: &timeline, input: input) { return }
    if var p = prompt {
      switch key {
      case .escape: prompt = nil
      case .backspace:
        if !p.text.isEmpty { p.text.removeLast() }
        prompt = p
      case .enter:
        prompt = nil
        submit(p, timeline: &timeline)
      case .char(let c):
        p.text.append(c)
        prompt = p
      case .space:
        p.text.append(" ")
        prompt = p
      default: break
      }
      return
    }
    if showHelp && (key == .char("j") || key == .down) {
      helpScroll = min(helpScroll + 1, CommandTable.helpLines.count - 1)
      return
    }
    if showHelp && (key == .char("k") || key == .up) {
      helpScroll = max(helpScroll - 1, 0)
      return
    }
    if showHelp && key != .char("?") && key != .char("q") {
      showHelp = false
      return
    }
    if inspecting && key == .escape {
      inspecting = false
      return
    }
    guard let command = CommandTable.command(for: key) else { return }
    apply(command, timeline: &timeline, input: input)
  }

  mutating func submit(_ p: Prompt, timeline: inout Timeline) {
    switch p.kind {
    case .goto:
      let text = p.text.trimmingCharacters(in: .whitespaces)
      if let n = Int(text), n >= 0, n <= timeline.stepCount {
        step = n
        playing = false
      } else if let b = timeline.step(ofBookmark: text) {
        step = b
        playing = false
      } else {
        let names = timeline.bookmarks.map(\.name)
        message =
          "'\(text)': no step 0...\(timeline.stepCount) or bookmark"
          + (names.isEmpty ? " (none here)" : "; bookmarks: \(names.joined(separator: " "))")
      }
    case .search:
      guard !p.text.isEmpty else { return }
      lastSearch = p.text
      find(p.text, timeline: &timeline)
    case .command: break
    }
  }

  mutating func find(_ text: String, timeline: inout Timeline) {
    if let s = timeline.search(text, from: step) {
      step = s
      playing = false
    } else {
      message = "no operation matches '\(text)'"
    }
  }

  /// Advances a playing timeline by the steps due after `seconds`; stops at the end.
  /// Fractions of a step carry over, so the view loop's short ticks add up to the set speed.
  /// With phase play on, each tick due moves one phase (`phaseCount` is the shown step's count).
  /// Play stops at the end and at every bookmark (a lesson's chapter ends there).
  public mutating func tick(seconds: Double, timeline: Timeline, phaseCount: Int = 0) {
    guard playing else {
      playCredit = 0
      return
    }
    playCredit += speed * seconds
    let due = Int(playCredit)
    guard due > 0 else { return }
    playCredit -= Double(due)
    cursor[.explain] = nil
    if phasePlay {
      // Like `.`: from a whole step, its own first phase.
      if phase == nil && step > 0 {
        phase = 1
        return
      }
      let p = phase.map { min($0, phaseCount) } ?? 0
      if p < phaseCount {
        phase = p + 1
      } else if step < timeline.stepCount {
        step += 1
        phase = 1
      }
      if step >= timeline.stepCount && (phase ?? 0) >= phaseCount && phaseCount > 0 { playing = false }
      if step >= timeline.stepCount && phaseCount == 0 { playing = false }
      return
    }
    let from = step
    step = min(step + due, timeline.stepCount)
    phase = nil
    if let chapter = timeline.bookmarks.first(where: { $0.step > from && $0.step <= step && $0.step > 0 }) {
      step = chapter.step
      playing = false
      message = "end of a chapter: '\(chapter.name)' starts here. Space plays on"
    }
    if step >= timeline.stepCount { playing = false }
  }
}
