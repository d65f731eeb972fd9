import ArgumentParser
import MMCore
import MMTrace

struct DumpCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "dump",
    abstract: "Print one structure of the state at a step, one record a line.",
    discussion: """
      free-tree: pre-order, "<depth> <R|B> 0x<va_start> 0x<va_end> <subtree_max_size>".
      busy, lazy: by address, "0x<start> 0x<end> <size> <kind> node=<i>[ tag=<j>][ name=<name>]".
      pools: "node <i> pool <pages>: 0x<va_start> ..." head first, at most 8 addresses a line; a longer \
      pool continues on lines of "  0x<va_start> ..." (two spaces, then at most 8 more).

      Example:
        mmscope dump --scenario teach-fits --at all-fits --what free-tree
      """
  )

  @OptionGroup var source: SourceOptions
  @OptionGroup var at: AtOption

  @Option(name: .long, help: "What to print: \(StateDump.What.allCases.map(\.rawValue).joined(separator: ", ")).")
  var what: StateDump.What

  func run() throws {
    let (script, problems) = try source.scriptKeepingValid()
    let step = try at.step(in: script)
    let machine = Replay.run(script, steps: step).machine
    do {
      for line in try StateDump.lines(what, of: machine) { print(line) }
    } catch let e as StateDump.Unavailable {
      throw ValidationError(e.description)
    }
    if problems > 0 { throw ExitCode(65) }
  }
}

extension StateDump.What: ExpressibleByArgument {}
