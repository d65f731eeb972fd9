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
        mmscope render --scenario tour --at 3 --commands "cursor-left cursor-left inspect"
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

  func run() throws {
    let parts = size.lowercased().split(separator: "x")
    guard parts.count == 2, let w = Int(parts[0]), let h = Int(parts[1]), (1...1000).contains(w), (1...1000).contains(h)
    else { throw ValidationError("--size expects WIDTHxHEIGHT, like 120x40; got '\(size)'") }
    let script = try source.script()
    let step = try at.step(in: script)
    var timeline = Timeline(script: script)
    let name = source.file.map { ($0 as NSString).lastPathComponent } ?? "scenario \(source.scenario!)"
    var state = UIState()
    state.step = step
    let scripted: [CommandID]
    do {
      scripted = try ScriptedInput.parse(commands ?? "")
    } catch {
      throw ValidationError("--commands: \(error.description)")
    }
    let input = ScriptedInput.run(scripted, state: &state, timeline: &timeline, source: name)
    let color = ansi && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
    let frame = Frame.render(input, state, width: w, height: h, color: color)
    print(ansi ? frame.ansi : frame.text, terminator: "")
  }
}
