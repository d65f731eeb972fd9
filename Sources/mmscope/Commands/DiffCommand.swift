import ArgumentParser
import Foundation
import MMCore
import MMTrace

struct DiffCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "diff",
    abstract: "Run one operation stream on two machines and set their counters side by side.",
    discussion: """
      Side a is the source as given; side b is the same operations on a machine changed by --vs \
      (keys: \(MachineVariant.keys.joined(separator: ", "))). A change of policy, CPUs or vmap \
      nodes drops a trace's recorded placements (at=) on side b.

      Examples:
        mmscope diff --scenario test_vmalloc --steps 2000 --vs policy=legacy
        mmscope diff --scenario thread-stacks --cpus 8 --vs vmap-nodes=off
        mmscope diff --scenario modules-rwx --vs unmapped-cache=on --json
        mmscope diff --scenario bpf-programs --vs exec=execmem
      """
  )

  @OptionGroup var source: SourceOptions
  @OptionGroup var at: AtOption

  @Option(name: .long, help: "The machine options side b changes, e.g. policy=legacy or vmap-nodes=off,cpus=32.")
  var vs: String

  @Option(name: .long, help: "How many differing steps to list.")
  var show = 20

  @Flag(name: .long, help: "Print JSON: {\"a\": stats, \"b\": stats, \"differences\": [...]}.")
  var json = false

  func validate() throws {
    if case .failure(let e) = MachineVariant.parse(vs) { throw ValidationError("--vs: \(e)") }
    guard (0...10_000).contains(show) else { throw ValidationError("--show must be between 0 and 10000, got \(show)") }
  }

  func run() throws {
    let variant = try MachineVariant.parse(vs).get()
    let (script, problems) = try source.scriptKeepingValid()
    for note in script.notes { FileHandle.standardError.write(Data("note: \(note)\n".utf8)) }
    let b = variant.applied(to: script, keepExpectations: false)
    for note in b.notes where !script.notes.contains(note) {
      FileHandle.standardError.write(Data("note (b): \(note)\n".utf8))
    }
    let run = ComparedRun(a: script, b: b, steps: try at.step(in: script))
    let report = DiffReport(run, limit: show)
    if json {
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
      print(String(decoding: try encoder.encode(report), as: UTF8.self))
    } else {
      print(report.text(aName: script.config.summary, bName: "\(b.config.summary)  (--vs \(vs))"))
    }
    if problems > 0 { throw ExitCode(65) }
  }
}
