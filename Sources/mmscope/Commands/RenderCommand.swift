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

  /// The arguments that need no source: checked before a file is read.
  func validate() throws {
    _ = try frameSize()
    _ = try scriptedCommands()
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
    let step = try at.step(in: script)
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
    let color = ansi && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
    let frame = Frame.render(input, state, width: w, height: h, color: color)
    print(ansi ? frame.ansi : frame.text, terminator: "")
    if problems > 0 { throw ExitCode(65) }
  }
}
