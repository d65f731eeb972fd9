import Foundation
import Testing

/// Every line the kernel printed for the kernel-oracle examples, checked through the command line:
/// each example as a `.mmtrace` (Tests/Fixtures/kernel-oracle/NAME.mmtrace, written by
/// `OracleConverter`) whose `expect=` items `mmscope check` must all match, and whose dumps
/// `mmscope dump --at BOOKMARK` must print. MMSCOPE_UPDATE_GOLDEN=1 rewrites the .mmtrace files.
@Suite(.timeLimit(.minutes(3))) struct KernelOracleCommandTests {
  static let dir = CommandLineTests.root.appendingPathComponent("Tests/Fixtures/kernel-oracle")

  static func lines(_ file: String) throws -> [String] {
    try String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8)
      .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
  }

  static func dump(_ file: String, at bookmark: String, _ what: String) -> [String] {
    let r = CommandLineTests.mmscope(["dump", file, "--at", bookmark, "--what", what])
    #expect(r.status == 0, "dump --what \(what) at \(bookmark): \(r.error)")
    // Long pool lines continue on lines that start with two spaces: join them as the kernel prints.
    var out: [String] = []
    for l in r.output.split(separator: "\n").map(String.init) {
      if l.hasPrefix("  "), !out.isEmpty { out[out.count - 1] += " " + l.dropFirst(2) } else { out.append(l) }
    }
    return out
  }

  @Test(arguments: [
    "kva-teach-fits", "kva-shape", "kva-nodes-small", "kva-legacy-teach", "buddy-classroom", "buddy-tail-insertion",
  ])
  func everyKernelLineIsCheckedThroughTheCommandLine(name: String) throws {
    let converted = OracleConverter(
      name: name, ops: try Self.lines("\(name).ops"), expected: try Self.lines("\(name).expected"))
    let url = Self.dir.appendingPathComponent("\(name).mmtrace")
    if ProcessInfo.processInfo.environment["MMSCOPE_UPDATE_GOLDEN"] == "1" {
      try converted.text.write(to: url, atomically: true, encoding: .utf8)
    }
    #expect(try String(contentsOf: url, encoding: .utf8) == converted.text, "\(name).mmtrace is out of date")
    #expect(!converted.text.contains("# not converted"))

    let check = CommandLineTests.mmscope(["check", url.path])
    #expect(check.status == 0, "\(check.output)")
    let n = converted.operations
    #expect(check.output.contains("expect: \(n) checked, \(n) matched, 0 mismatched"), "\(check.output)")

    for d in converted.dumps {
      let got: [String]
      if d.bookmark.hasPrefix("poolstat") {
        let pools = Self.dump(url.path, at: d.bookmark, "pools")
        got = d.lines.map { line in
          let node = line.split(separator: " ")[1]
          let count = pools.filter { $0.hasPrefix("node \(node) pool ") }
            .reduce(0) { $0 + $1.split(separator: ":")[1].split(separator: " ").count }
          return "node \(node) pooled \(count)"
        }
      } else if name.hasPrefix("buddy") {
        got = Self.dump(url.path, at: d.bookmark, "buddy").map { $0.replacingOccurrences(of: "zone Normal ", with: "") }
      } else if name.contains("legacy") {
        let busy = Self.dump(url.path, at: d.bookmark, "busy").map { ($0, "busy") }
        let lazy = Self.dump(url.path, at: d.bookmark, "lazy").map { ($0, "lazy") }
        let areas = (busy + lazy).map { line, state in
          let w = line.split(separator: " ")
          return (UInt64(w[0].dropFirst(2), radix: 16)!, "\(w[0]) \(w[1]) \(state)")
        }
        got = areas.sorted { $0.0 < $1.0 }.map(\.1) + Self.dump(url.path, at: d.bookmark, "legacy-cache")
      } else {
        got = Self.dump(url.path, at: d.bookmark, "free-tree") + Self.dump(url.path, at: d.bookmark, "pools")
      }
      #expect(got == d.lines, "\(name) at \(d.bookmark)")
    }
    if let blocks = converted.bootBlocks {
      let stats = CommandLineTests.mmscope(["stats", url.path, "--at", "0", "--json"])
      #expect(stats.output.contains("\"boot_blocks\" : \(blocks)"), "\(stats.output)")
    }
  }
}
