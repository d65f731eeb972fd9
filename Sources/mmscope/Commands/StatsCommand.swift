import ArgumentParser
import Foundation
import MMCore
import MMTrace

struct StatsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "stats",
    abstract: "Print the counters at a step (after all steps by default).",
    discussion: """
      Example:
        mmscope stats --scenario fix_align_alloc_test --json
        mmscope stats --scenario long_busy_list_alloc_test --policy legacy
      """
  )

  @OptionGroup var source: SourceOptions
  @OptionGroup var at: AtOption

  @Flag(name: .long, help: "Print JSON (keys as in docs/CLI.md) instead of a table.")
  var json = false

  func run() throws {
    let (script, problems) = try source.scriptKeepingValid()
    // Standard error, so the table and the JSON stay as documented.
    for note in script.notes { FileHandle.standardError.write(Data("note: \(note)\n".utf8)) }
    let step = try at.step(in: script)
    let machine = Replay.run(script, steps: step).machine
    let stats = MachineStats(machine: machine, step: step, events: script.stepCount)
    if json {
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
      print(String(decoding: try encoder.encode(stats), as: UTF8.self))
    } else {
      print(StatsTable.text(stats, config: machine.config))
    }
    if problems > 0 { throw ExitCode(65) }
  }
}
