import ArgumentParser
import Foundation
import MMCore
import MMTrace
import MMView

struct ExplainCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "explain",
    abstract: "Print the phases of the operation that leads to a step, one numbered line each.",
    discussion: """
      Step N is the state after N operations, so `--at N` takes apart operation N: the request, the
      search node by node, the cut, every tree change with its rebalancing and subtree_max_size
      propagation, lazy freeing and purges, buddy splits and merges, direct-map splits. Each line is
      `K. [kind] kernel_function: what happened`. `mmscope render --at N --phase K` draws phase K.

      Examples:
        mmscope explain --scenario teach-fits --at 3
        mmscope explain --scenario shape-matters --at 5
      """
  )

  @OptionGroup var source: SourceOptions
  @OptionGroup var at: AtOption

  func run() throws {
    let (script, problems) = try source.scriptKeepingValid()
    let step = try at.step(in: script)
    guard step > 0 else {
      throw ValidationError("--at 0 is the starting state: no operation leads to it; use 1 or more")
    }
    var timeline = Timeline(script: script)
    let input = FrameInput(timeline: &timeline, step: step, source: "", phases: true)
    print("step \(step): \(TracePrinter.operation(timeline.operation(step - 1)))")
    for (i, p) in input.phases.enumerated() { print(p.line(number: i + 1)) }
    if problems > 0 { throw ExitCode(65) }
  }
}
