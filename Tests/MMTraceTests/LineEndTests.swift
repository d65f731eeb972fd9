import Foundation
import MMCore
import Testing

@testable import MMTrace

/// CR LF line ends (files from Windows editors, or captures copied through one) read exactly as LF
/// ones: in Swift "\r\n" is one Character, so a split on "\n" alone would see one long line.
@Suite struct LineEndTests {
  func write(_ text: String, _ name: String) throws -> String {
    let path = NSTemporaryDirectory() + "mmscope-lineend-\(getpid())-" + name
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  @Test func crlfMmtraceParsesLikeLF() throws {
    let script = ScenarioLibrary.named("teach-fits")!.script()
    let lf = TracePrinter.text(TraceDocument(script: script))
    let crlf = lf.replacingOccurrences(of: "\n", with: "\r\n")
    let a = try TraceSource.load(path: try write(lf, "lf.mmtrace"))
    let pathCRLF = try write(crlf, "crlf.mmtrace")
    #expect(try TraceSource.detect(path: pathCRLF) == .mmtrace)
    let b = try TraceSource.load(path: pathCRLF)
    #expect(a.items == b.items && a.config == b.config)
    #expect(b.stepCount == script.stepCount)
  }

  @Test func crlfKernelTraceIsDetectedAndReadLikeLF() throws {
    let gz = Fixtures.root.appendingPathComponent("linux-6.18/perf-script-vmalloc-kmem.txt.gz").path
    let full = try TraceSource.load(path: gz)
    // The same events as text, first 3000 lines, with CR LF.
    var text = ""
    let reader = try LineReader(path: gz)
    var n = 0
    while n < 3000, let line = try reader.nextLine() {
      text += line + "\n"
      n += 1
    }
    let lfPath = try write(text, "lf.txt")
    let crlfPath = try write(text.replacingOccurrences(of: "\n", with: "\r\n"), "crlf.txt")
    #expect(try TraceSource.detect(path: crlfPath) == .kernel)
    let a = try TraceSource.load(path: lfPath)
    let b = try TraceSource.load(path: crlfPath)
    #expect(a.stepCount > 100 && a.items == b.items && a.config == b.config)
    #expect(full.stepCount >= a.stepCount)
  }
}
