import ArgumentParser
import Foundation
import MMCore
import MMTrace
import MMView

struct RenderCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "render",
    abstract: "Print the frame the terminal view would show at a step (plain text, or ANSI colours).",
    discussion: """
      --commands runs commands by name after going to --at, as if their keys were pressed (the names:
      \(CommandID.allCases.map(\.rawValue).joined(separator: " "))).

      Examples:
        mmscope render --scenario teach-fits --at all-fits --size 120x40 --ansi
        mmscope render --scenario tour --at 3 \\
          --commands "cursor-left cursor-left inspect"
        mmscope render --scenario teach-fits --at all-fits --svg
        mmscope render --scenario buddy-classroom --to 6 --phases \\
          --asciicast buddy.cast              then: asciinema play buddy.cast
      """
  )

  @OptionGroup var source: SourceOptions
  @OptionGroup var at: AtOption

  @Option(name: .long, help: "The frame's size, WIDTHxHEIGHT.")
  var size: String = "120x40"

  @Flag(name: .long, help: "Colours and attributes as ANSI escapes (NO_COLOR in the environment turns them off).")
  var ansi = false

  @Option(name: .long, help: "Commands to run first, by name, separated by spaces or commas.")
  var commands: String?

  @Option(
    name: .long,
    help: "Draw phase K (1-based) of the operation leading to --at, as `mmscope explain` numbers them.")
  var phase: Int?

  @Option(name: .long, help: "Compare: draw the split view against a machine with these options, e.g. policy=legacy.")
  var vs: String?

  @Option(
    name: .long,
    help: "With --vs: the panel both halves show (all, or a panel: address, tree, buddy, direct-map, explain, log).")
  var show: String?

  @Flag(name: .long, help: "Print the frame as a standalone SVG (colours and box drawing kept), for slides.")
  var svg = false

  @Option(name: .long, help: "Write steps --from to --to as an asciicast v2 recording (asciinema play FILE).")
  var asciicast: String?

  @Option(name: .long, help: "With --asciicast: the first step (a number or bookmark; default 0).")
  var from: String?

  @Option(name: .long, help: "With --asciicast: the last step (a number or bookmark; default the last).")
  var to: String?

  @Flag(name: .long, help: "With --asciicast: one frame per phase of each operation, not one per step.")
  var phases = false

  @Option(name: .long, help: "With --asciicast: seconds each frame stays (default 1.5).")
  var frameSeconds: Double = 1.5

  /// The arguments that need no source: checked before a file is read.
  func validate() throws {
    _ = try frameSize()
    _ = try scriptedCommands()
    if asciicast == nil {
      guard from == nil && to == nil && !phases else {
        throw ValidationError("--from, --to and --phases go with --asciicast FILE")
      }
    } else {
      guard at.at == nil && phase == nil && !svg && !ansi else {
        throw ValidationError("--asciicast takes --from and --to, not --at, --phase, --svg or --ansi")
      }
    }
    if let vs {
      if case .failure(let e) = MachineVariant.parse(vs) { throw ValidationError("--vs: \(e)") }
      guard asciicast == nil && commands == nil else {
        throw ValidationError("--vs draws one compare frame: it does not take --asciicast or --commands")
      }
    }
    if let show {
      guard vs != nil else { throw ValidationError("--show goes with --vs") }
      guard Self.panel(named: show) != nil else {
        throw ValidationError("--show expects all, address, tree, buddy, direct-map, explain or log; got '\(show)'")
      }
    }
    guard !(svg && ansi) else { throw ValidationError("--svg and --ansi are two different outputs: choose one") }
    guard frameSeconds.isFinite && frameSeconds > 0 && frameSeconds <= 3600 else {
      throw ValidationError("--frame-seconds must be above 0 and at most 3600; got \(frameSeconds)")
    }
  }

  /// `--size`: WIDTHxHEIGHT, at least the view's minimum (a smaller frame only says it is too small).
  func frameSize() throws -> (width: Int, height: Int) {
    let parts = size.lowercased().split(separator: "x", omittingEmptySubsequences: false)
    guard parts.count == 2, let w = Int(parts[0]), let h = Int(parts[1]) else {
      throw ValidationError("--size expects WIDTHxHEIGHT, like 120x40; got '\(size)'")
    }
    let minimum = "\(Layout.minimumWidth)x\(Layout.minimumHeight)"
    guard w >= Layout.minimumWidth, h >= Layout.minimumHeight else {
      throw ValidationError("--size must be at least \(minimum), the view's minimum; got '\(size)'")
    }
    guard w <= 1000, h <= 1000 else { throw ValidationError("--size must be at most 1000x1000; got '\(size)'") }
    return (w, h)
  }

  /// `--commands`, by name.
  func scriptedCommands() throws -> [CommandID] {
    do {
      return try ScriptedInput.parse(commands ?? "")
    } catch {
      throw ValidationError("--commands: \(error.description)")
    }
  }

  func run() throws {
    let (w, h) = try frameSize()
    let (script, problems) = try source.scriptKeepingValid()
    if let asciicast {
      try recordAsciicast(script, to: asciicast, width: w, height: h)
      if problems > 0 { throw ExitCode(65) }
      return
    }
    let step = try at.step(in: script)
    if let vs {
      try renderCompare(script, variant: try MachineVariant.parse(vs).get(), step: step, width: w, height: h)
      if problems > 0 { throw ExitCode(65) }
      return
    }
    var timeline = Timeline(script: script)
    let name = source.file.map { ($0 as NSString).lastPathComponent } ?? "scenario \(source.scenario!)"
    var state = UIState()
    state.step = step
    if let phase {
      // The phase first, so --commands (next-phase, cursor moves) run from it.
      let input = FrameInput(timeline: &timeline, step: step, source: name, phases: true)
      guard phase >= 1 && phase <= input.phases.count else {
        throw ValidationError(
          input.phases.isEmpty
            ? "--phase: step \(step) has no phases (step 0 is the starting state)"
            : "--phase \(phase) is outside 1...\(input.phases.count) (the phases of step \(step))")
      }
      state.phase = phase
    }
    let input = ScriptedInput.run(try scriptedCommands(), state: &state, timeline: &timeline, source: name)
    let color = (ansi || svg) && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
    let frame = Frame.render(input, state, width: w, height: h, color: color)
    if svg {
      print(SVGFrame.render(frame, title: "mmscope: \(name), step \(step)"), terminator: "")
    } else {
      print(ansi ? frame.ansi : frame.text, terminator: "")
    }
    if problems > 0 { throw ExitCode(65) }
  }

  /// `--show`'s names for what the compare halves show.
  static func panel(named name: String) -> CompareFocus? {
    switch name {
    case "all": .all
    case "address": .panel(.addressSpace)
    case "tree": .panel(.tree)
    case "buddy": .panel(.buddy)
    case "direct-map": .panel(.directMap)
    case "explain": .panel(.explain)
    case "log": .panel(.log)
    default: nil
    }
  }

  /// The compare view's frame at `step` (and `--phase`).
  func renderCompare(_ script: Script, variant: MachineVariant, step: Int, width: Int, height: Int) throws {
    let name = source.file.map { ($0 as NSString).lastPathComponent } ?? "scenario \(source.scenario!)"
    var compare = CompareSession(
      script: script, variant: variant, labels: (a: "\(name), \(script.config.summary)", b: "\(variant)"))
    if let show { compare.focus = Self.panel(named: show)! }
    var state = UIState()
    state.step = step
    compare.update(state)
    if let phase {
      state.phase = phase
      compare.update(state)
      guard phase >= 1 && phase <= compare.phaseCount else {
        throw ValidationError("--phase \(phase) is outside 1...\(compare.phaseCount) (the phases of step \(step))")
      }
    }
    let color = (ansi || svg) && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
    let frame = compare.render(state, width: width, height: height, color: color)
    if svg {
      print(SVGFrame.render(frame, title: "mmscope: \(name) vs \(variant), step \(step)"), terminator: "")
    } else {
      print(ansi ? frame.ansi : frame.text, terminator: "")
    }
  }

  /// One frame per step (or per phase) from --from to --to, in colour unless NO_COLOR is set.
  func recordAsciicast(_ script: Script, to path: String, width: Int, height: Int) throws {
    let first = try from.map { try AtOption.resolve($0, option: "--from", in: script) } ?? 0
    let last = try to.map { try AtOption.resolve($0, option: "--to", in: script) } ?? script.stepCount
    guard first <= last else { throw ValidationError("--from \(first) comes after --to \(last)") }
    var timeline = Timeline(script: script)
    let name = source.file.map { ($0 as NSString).lastPathComponent } ?? "scenario \(source.scenario!)"
    let color = ProcessInfo.processInfo.environment["NO_COLOR"] == nil
    var cast = Asciicast(
      width: width, height: height, title: "mmscope: \(name), steps \(first)-\(last)", secondsPerFrame: frameSeconds)
    let commands = try scriptedCommands()
    for step in first...last {
      var state = UIState()
      state.step = step
      let input = ScriptedInput.run(commands, state: &state, timeline: &timeline, source: name)
      if phases && step > first {
        // The step's operation phase by phase; the whole step is its last phase.
        let withPhases = FrameInput(timeline: &timeline, step: step, source: name, phases: true)
        for k in 1...max(withPhases.phases.count, 1) {
          state.phase = withPhases.phases.isEmpty ? nil : k
          cast.add(Frame.render(withPhases, state, width: width, height: height, color: color))
        }
      } else {
        cast.add(Frame.render(input, state, width: width, height: height, color: color))
      }
    }
    try OutputFile.write(cast.text, to: path)
    FileHandle.standardError.write(
      Data("mmscope: wrote \(path): \(cast.frameCount) frames, steps \(first)-\(last)\n".utf8))
  }
}
