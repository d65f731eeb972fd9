import ArgumentParser
import Foundation
import MMCore
import MMTrace

struct CompareCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "compare",
    abstract: "Set the model at a step beside a real machine's /proc files.",
    discussion: """
      Compares buddyinfo, free pages, DirectMap4k/2M/1G, the direct_map counters and the vmalloc busy and \
      unpurged areas, for whichever of those files the directory has.

      Example (from the repository's root):
        mmscope compare Tests/Fixtures/linux-6.18/ftrace-vmalloc-kmem.txt.gz \\
          --proc Tests/Fixtures/linux-6.18/proc
      """
  )

  @OptionGroup var source: SourceOptions
  @OptionGroup var at: AtOption
  @Option(name: .long, help: "The directory of /proc files.") var proc: String

  func run() throws {
    try InputFile.check(proc, directory: true)
    let snapshot = ProcSnapshot(directory: proc)
    if !snapshot.errors.isEmpty {
      for e in snapshot.errors { FileHandle.standardError.write(Data("\(e.description)\n".utf8)) }
      throw ExitCode(65)
    }
    let script = try source.script()
    let machine = Replay.run(script, steps: try at.step(in: script)).machine
    for line in snapshot.comparison(with: machine) { print(line) }
    if snapshot.vmallocHashed { print("(vmallocinfo addresses are hashed: only counts and sizes compare)") }
  }
}
