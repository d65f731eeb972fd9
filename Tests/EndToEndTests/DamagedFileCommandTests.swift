import Foundation
import Testing

/// The real binary on files with bad lines: every command lists the problems with their places, still
/// uses every valid line, and exits 65 after its output.
@Suite(.timeLimit(.minutes(3))) struct DamagedFileCommandTests {
  static let dir = NSTemporaryDirectory() + "mmscope-damaged-\(getpid())/"

  /// Three allocations, the second with a malformed size, and a last line cut short.
  static func trace() throws -> String {
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    func alloc(_ addr: String, _ size: String) -> String {
      "  bash-1 [000] ..... 1.0: alloc_vmap_area: va_start: \(addr) size=\(size) align=4096 vstart=0xffffc90000000000 vend=0xffffe8ffffffffff failed=0"
    }
    let text = [
      "#P:2", alloc("18446683600570023936", "8192"), alloc("18446683600570032128", "8x92"),
      alloc("18446683600570040320", "8192"), String(alloc("18446683600570048512", "8192").prefix(40)),
    ].joined(separator: "\n")
    let path = dir + "damaged.txt"
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  @Test func importWritesTheValidEventsAndExits65() throws {
    let input = try Self.trace()
    let out = Self.dir + "damaged.mmtrace"
    let r = CommandLineTests.mmscope(["import", input, "-o", out])
    #expect(r.status == 65)
    #expect(r.error.contains("damaged.txt:3:"), "\(r.error)")
    #expect(r.error.contains("damaged.txt:5:"))
    #expect(r.error.contains("2 problems (listed above); every valid event was written"))
    #expect(
      try String(contentsOfFile: Self.dir + "damaged.mmtrace", encoding: .utf8).contains(
        "# 2 problems in the source left lines out"))
    let written = try String(contentsOfFile: out, encoding: .utf8)
    #expect(written.split(separator: "\n").filter { $0.hasPrefix("alloc_vmap_area") }.count == 2)
    // What import writes, check accepts.
    #expect(CommandLineTests.mmscope(["check", out]).status == 0)
  }

  @Test func statsPrintsTheValidEventsCountersAndExits65() throws {
    let r = CommandLineTests.mmscope(["stats", try Self.trace(), "--json"])
    #expect(r.status == 65)
    #expect(r.output.contains("\"events\" : 2"), "\(r.output)")
    #expect(r.error.contains("2 problems (listed above); everything valid is used"), "\(r.error)")
  }

  /// The other readers of a source go on with the valid part too.
  @Test func explainAndRenderUseTheValidPart() throws {
    let input = try Self.trace()
    let explain = CommandLineTests.mmscope(["explain", input, "--at", "2"])
    #expect(explain.status == 65 && explain.output.hasPrefix("step 2: alloc_vmap_area"), "\(explain)")
    let render = CommandLineTests.mmscope(["render", input, "--size", "80x24"])
    #expect(render.status == 65 && render.output.contains("step 2/2"), "\(render.output)")
  }

  /// A bad machine setting is reported and left at its default; the others still apply.
  @Test func aBadMachineSettingKeepsTheOthers() throws {
    try FileManager.default.createDirectory(atPath: Self.dir, withIntermediateDirectories: true)
    let path = Self.dir + "machine.mmtrace"
    try "mmtrace 1\nmachine cpus=2 memory=8T gbpages=maybe\nvmalloc size=4K\n".write(
      toFile: path, atomically: true, encoding: .utf8)
    let r = CommandLineTests.mmscope(["stats", path])
    #expect(r.status == 65)
    #expect(r.error.contains("machine.mmtrace:2:23: memory= must be whole pages between 1M and 4T"), "\(r.error)")
    #expect(r.error.contains("machine.mmtrace:2:34: 'gbpages=maybe' must be on or off"))
    #expect(r.output.contains("2 CPU(s), 2 vmap node(s), current allocator, 8192 MiB"), "\(r.output)")
  }

  @Test func importRefusesAFileThatIsAlreadyMMTrace() throws {
    try FileManager.default.createDirectory(atPath: Self.dir, withIntermediateDirectories: true)
    let path = Self.dir + "already.mmtrace"
    try "mmtrace 1\nvmalloc size=4K\n".write(toFile: path, atomically: true, encoding: .utf8)
    let r = CommandLineTests.mmscope(["import", path, "-o", "-"])
    #expect(r.status == 65 && r.error.hasPrefix("already.mmtrace: a .mmtrace file already"))
  }

  @Test func aFileOfNulBytesIsRefusedAsBinary() throws {
    try FileManager.default.createDirectory(atPath: Self.dir, withIntermediateDirectories: true)
    let path = Self.dir + "nul.bin"
    try Data(repeating: 0, count: 100_000).write(to: URL(fileURLWithPath: path))
    let r = CommandLineTests.mmscope(["stats", path])
    #expect(r.status == 65)
    #expect(r.error == "nul.bin: a binary file: expected .mmtrace text or a kernel trace\n")
  }
}
