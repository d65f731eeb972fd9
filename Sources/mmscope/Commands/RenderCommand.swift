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
      Example:
        mmscope render --scenario teach-fits --at all-fits --size 120x40 --ansi
      """
  )

  @OptionGroup var source: SourceOptions
  @OptionGroup var at: AtOption

  @Option(name: .long, help: "The frame's size, WIDTHxHEIGHT.")
  var size: String = "120x40"

  @Flag(name: .long, help: "Colours and attributes as ANSI escapes (NO_COLOR in the environment turns them off).")
  var ansi = false

  func run() throws {
    let parts = size.lowercased().split(separator: "x")
    guard parts.count == 2, let w = Int(parts[0]), let h = Int(parts[1]), (1...1000).contains(w), (1...1000).contains(h)
    else { throw ValidationError("--size expects WIDTHxHEIGHT, like 120x40; got '\(size)'") }
    let script = try source.script()
    let step = try at.step(in: script)
    var timeline = Timeline(script: script)
    let name = source.file.map { ($0 as NSString).lastPathComponent } ?? "scenario \(source.scenario!)"
    let input = FrameInput(timeline: &timeline, step: step, source: name)
    var state = UIState()
    state.step = step
    let color = ansi && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
    let frame = Frame.render(input, state, width: w, height: h, color: color)
    print(ansi ? frame.ansi : frame.text, terminator: "")
  }
}
