import Foundation
import MMCore
import MMTrace
import MMView

/// What one fuzz input goes through, as the commands take it: load (format detection, parse or
/// import), `check` (replay with every invariant), the import's `.mmtrace` parsed back, the
/// timeline, and frames of the first, a middle and the last step, one with its phases. A crash stops
/// the whole run; anything else wrong is returned as a finding.
enum FuzzPipeline {
  struct Finding: CustomStringConvertible {
    var what: String
    var description: String { what }
  }

  static let tmp: URL = {
    let d = FileManager.default.temporaryDirectory.appendingPathComponent("mmscope-fuzz-\(getpid())")
    try? FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
    return d
  }()

  /// `name` in a directory of its own: tests run in parallel and may use the same file name (which
  /// the messages under test contain).
  static func file(_ name: String) -> URL {
    let d = tmp.appendingPathComponent(UUID().uuidString)
    try? FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
    return d.appendingPathComponent(name)
  }

  static func run(name: String, bytes: [UInt8]) -> [Finding] {
    let url = file(name)
    let path = url.path
    _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
    defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
    var findings: [Finding] = []

    var script: Script? = nil
    do {
      script = try TraceSource.load(path: path)
    } catch let e as TraceSource.LoadError {
      for err in e.errors where err.line < 0 || err.column < 0 {
        findings.append(Finding(what: "an error without a place: \(err)"))
      }
      script = e.partial
    } catch {
      findings.append(Finding(what: "load threw \(error)"))
    }

    // Whatever import writes, the parser accepts.
    if (try? TraceSource.detect(path: path)) == .kernel, let imported = try? KernelImporter.importFile(path: path) {
      let text = TracePrinter.text(imported.document)
      var parser = TraceParser(file: "imported.mmtrace")
      _ = parser.parse(text)
      if let first = parser.errors.first {
        let line = text.split(separator: "\n", omittingEmptySubsequences: false)[max(0, first.line - 1)]
        findings.append(Finding(what: "import wrote a line mmscope rejects: \(first) in '\(line.prefix(200))'"))
      }
    }

    guard let script else { return findings }
    let checked = Checker.run(script)
    for v in checked.violations.prefix(3) {
      findings.append(Finding(what: "invariant broken at step \(v.step): \(v.message)"))
    }

    // The same warnings for stats (the machine's counters) and check.
    if checked.machine.counters.warnings != checked.warningCount {
      findings.append(
        Finding(what: "stats counts \(checked.machine.counters.warnings) warnings, check \(checked.warningCount)"))
    }

    // The last frame, at a size picked from the input, and phases of the last operation: all of
    // them when there are few, else the first and last four (a 2 GiB vmalloc has 141, each a frame).
    var timeline = Timeline(script: script)
    let total = timeline.stepCount
    let sizes = [(80, 24), (100, 30), (120, 40), (40, 12), (200, 60)]
    let size = sizes[bytes.count % sizes.count]
    let input = FrameInput(timeline: &timeline, step: total, source: name, phases: true)
    var state = UIState()
    state.step = total
    _ = Frame.render(input, state, width: size.0, height: size.1, color: true)
    // One input in ten: every step's frame too (a fuzzed trace must render at every step).
    if bytes.count % 10 == 0 {
      for step in 0..<total {
        var st = UIState()
        st.step = step
        _ = Frame.render(
          FrameInput(timeline: &timeline, step: step, source: name), st, width: 80, height: 24, color: true)
      }
    }
    let n = input.phases.count
    for p in (n <= 8 ? Array(1...max(n, 1)) : [1, 2, 3, 4, n - 3, n - 2, n - 1, n]) where n > 0 {
      state.phase = p
      _ = Frame.render(input, state, width: size.0, height: size.1, color: true)
    }
    return findings
  }
}
