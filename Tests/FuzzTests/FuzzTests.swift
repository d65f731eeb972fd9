import Foundation
import Testing

/// The fuzz harness: 800 seeded inputs by default (about a minute, debug build); MMSCOPE_FUZZ_RUNS=N runs N (millions
/// for a long hunt), MMSCOPE_FUZZ_SEED picks another sequence, MMSCOPE_FUZZ_FROM starts at an input
/// number, and MMSCOPE_FUZZ_LAST=PATH writes each input there before running it, so the input that
/// crashed the process can be kept (scripts/fuzz-hunt does this in a loop).
@Suite struct FuzzTests {
  static let env = ProcessInfo.processInfo.environment
  static let regressions = Corpus.dir.appendingPathComponent("regressions")

  @Test func seededInputsRunClean() throws {
    let corpus = try Corpus()
    let runs = Int(Self.env["MMSCOPE_FUZZ_RUNS"] ?? "") ?? 800
    let seed = UInt64(Self.env["MMSCOPE_FUZZ_SEED"] ?? "") ?? 1
    let from = Int(Self.env["MMSCOPE_FUZZ_FROM"] ?? "") ?? 0
    let last = Self.env["MMSCOPE_FUZZ_LAST"]
    var failures = 0
    for i in from..<(from + runs) {
      let (name, bytes) = corpus.input(i, seed: seed)
      if let last {
        try Data(bytes).write(to: URL(fileURLWithPath: last))
        try "\(i) \(name)\n".write(toFile: last + ".id", atomically: false, encoding: .utf8)
      }
      let started = Date()
      let findings = FuzzPipeline.run(name: name, bytes: bytes)
      // A hunt reports slow inputs (a hang is a finding too); the default run asserts no time.
      if last != nil, Date().timeIntervalSince(started) > 2 {
        print("slow input \(i) (\(name)): \(Int(Date().timeIntervalSince(started) * 1000)) ms")
      }
      for f in findings.prefix(1) where failures < 20 {
        failures += 1
        Issue.record("input \(i) (\(name), seed \(seed)): \(f)")
      }
    }
  }

  /// Every input that ever crashed mmscope or broke a property, kept as a file.
  @Test func regressionFilesRunClean() throws {
    let files = (try? FileManager.default.contentsOfDirectory(atPath: Self.regressions.path)) ?? []
    for file in files.sorted() where !file.hasPrefix(".") && file != "README.md" {
      let bytes = try [UInt8](Data(contentsOf: Self.regressions.appendingPathComponent(file)))
      // The name keeps its format's extension after the finding's number: "003-pfn-overflow.txt".
      for f in FuzzPipeline.run(name: file, bytes: bytes) { Issue.record("\(file): \(f)") }
    }
  }
}
