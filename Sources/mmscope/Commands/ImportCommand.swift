import ArgumentParser
import Foundation
import MMCore
import MMTrace

struct ImportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "import",
    abstract: "Convert a kernel trace (ftrace, trace-cmd report or perf script; plain or gzip) to .mmtrace.",
    discussion: """
      Replaying the written file gives the same states and counters as replaying the kernel trace itself. \
      A summary (events by kind, skipped events, what was learned about the state before the trace) goes \
      to standard error; progress too when it is a terminal.

      Example (from the repository's root):
        mmscope import Tests/Fixtures/linux-6.18/perf-script-vmalloc-kmem.txt.gz \\
          -o perf.mmtrace
      """
  )

  @Argument(help: "The kernel trace.") var input: String
  @Option(name: .shortAndLong, help: "The .mmtrace file to write ('-' for standard output).") var output: String
  @Option(
    name: .long,
    help:
      "A directory of the traced machine's /proc files: zones from zoneinfo, busy areas from a vmallocinfo with real addresses."
  )
  var proc: String?

  func run() throws {
    let err = FileHandle.standardError
    let tty = isatty(2) != 0
    try InputFile.check(input)
    if let proc { try InputFile.check(proc, directory: true) }
    if (try? TraceSource.detect(path: input)) == .mmtrace {
      err.write(
        Data(
          "\((input as NSString).lastPathComponent): a .mmtrace file already (import reads kernel traces); open or check it directly\n"
            .utf8))
      throw ExitCode(65)
    }
    let started = Date()
    let result: KernelImport
    do {
      var snapshot: ProcSnapshot? = nil
      if let proc {
        let snap = ProcSnapshot(directory: proc)
        if !snap.errors.isEmpty {
          for e in snap.errors { err.write(Data("\(e.description)\n".utf8)) }
          throw ExitCode(65)
        }
        snapshot = snap
      }
      result = try KernelImporter.importFile(path: input, snapshot: snapshot) { lines, bytes, total in
        guard tty else { return }
        let rate = Double(lines) / max(Date().timeIntervalSince(started), 0.001)
        let pct = total > 0 ? " \(bytes * 100 / total)%" : ""
        err.write(Data("\r\(lines) lines\(pct), \(Int(rate)) lines/s".utf8))
      }
    } catch let e as LineReader.ReadError {
      err.write(Data("\(e.description)\n".utf8))
      throw ExitCode(65)
    }
    if tty { err.write(Data("\r".utf8)) }
    // Bad lines are reported and left out; every valid event is still written (exit 65 at the end).
    let nothing = result.document.lines.isEmpty
    if !result.errors.isEmpty {
      for e in result.errors.prefix(50) { err.write(Data("\(e.description)\n".utf8)) }
      if result.errorCount > 50 { err.write(Data("... and \(result.errorCount - 50) more\n".utf8)) }
      if nothing {
        err.write(
          Data("\(SourceOptions.problems(result.errorCount)) (listed above) and no valid event; nothing written\n".utf8)
        )
        throw ExitCode(65)
      }
    }
    var text = "# imported by mmscope from \((input as NSString).lastPathComponent)\n"
    if result.errorCount > 0 {
      // The written file checks clean; say here what its source lost.
      text +=
        "# \(SourceOptions.problems(result.errorCount)) in the source left lines out (mmscope import lists them)\n"
    }
    text += TracePrinter.text(result.document)
    try OutputFile.write(text, to: output)
    var summary = "layout: \(result.layout?.rawValue ?? "unknown"), \(result.lines) lines\n"
    for (k, n) in result.events.sorted(by: { $0.key < $1.key }) { summary += "  \(k): \(n)\n" }
    for (k, n) in result.skipped.sorted(by: { $0.key < $1.key }) { summary += "  skipped \(k): \(n)\n" }
    summary +=
      "pre-existing areas learned from frees: \(result.learnedAreas.count); frees of unknown size: \(result.unknownFrees)\n"
    summary +=
      "allocations inferred (a range freed again with no traced allocation between): \(result.inferredAllocs)"
      + (result.inferredSizeDisagreements > 0
        ? " (\(result.inferredSizeDisagreements) where nr_lazy's step disagreed with the last size)" : "") + "\n"
    summary +=
      "page frees of blocks allocated before the trace: \(result.preexistingPageFrees); per-CPU-level page events: \(result.perCPUEvents)\n"
    summary += "failed allocations recorded: \(result.failedAllocations)\n"
    if result.reordered > 0 {
      summary += "events out of time order across CPUs: \(result.reordered) (written in timestamp order)\n"
    }
    if result.errorCount > 0 {
      summary += "\(SourceOptions.problems(result.errorCount)) (listed above); every valid event was written\n"
    }
    err.write(Data(summary.utf8))
    if result.errorCount > 0 { throw ExitCode(65) }
  }
}
