import Foundation
import MMCore
import Testing

@testable import MMTrace

/// The real v6.18 captures (Tests/Fixtures/linux-6.18), parsed in all three layouts.
@Suite struct KernelTraceTests {
  func parseFile(_ relative: String) throws -> (events: [KernelEvent], parser: KernelTraceParser, lines: Int) {
    let reader = try LineReader(path: Fixtures.root.appendingPathComponent(relative).path)
    var parser = KernelTraceParser(file: reader.name)
    var events: [KernelEvent] = []
    while let line = try reader.nextLine() {
      if let e = parser.parse(line, number: reader.lineNumber) { events.append(e) }
    }
    return (events, parser, reader.lineNumber)
  }

  func counts(_ events: [KernelEvent]) -> [String: Int] {
    events.reduce(into: [:]) { $0[$1.name, default: 0] += 1 }
  }

  @Test func ftraceCaptureParsesEveryEvent() throws {
    let (events, parser, _) = try parseFile("linux-6.18/ftrace-vmalloc-kmem.txt.gz")
    #expect(parser.errors.isEmpty, "\(parser.errors.prefix(3))")
    #expect(parser.layout == .ftrace)
    // The counts the fixture's README gives.
    #expect(
      counts(events) == [
        "alloc_vmap_area": 160, "free_vmap_area_noflush": 146, "mm_page_alloc": 121_101,
        "mm_page_alloc_zone_locked": 75899, "mm_page_free": 44067,
      ])
    let first = events.first { $0.name == "alloc_vmap_area" }!
    #expect(
      first.payload
        == .allocVmapArea(
          addr: 18_446_683_600_620_208_128, size: 20480, align: 16384, vstart: 0xffff_c900_0000_0000,
          vend: 0xffff_e8ff_ffff_ffff, failed: false))
    #expect(first.cpu == 0 && first.task == "bash-3631" && first.timestamp == 205.361875)
  }

  @Test func perfScriptCaptureParsesEveryEvent() throws {
    let (events, parser, _) = try parseFile("linux-6.18/perf-script-vmalloc-kmem.txt.gz")
    #expect(parser.errors.isEmpty, "\(parser.errors.prefix(3))")
    #expect(parser.layout == .perfScript)
    #expect(
      counts(events) == [
        "alloc_vmap_area": 4378, "free_vmap_area_noflush": 4373, "purge_vmap_area_lazy": 1,
        "mm_page_alloc_zone_locked": 32779, "mm_page_pcpu_drain": 26002,
      ])
    let purge = events.first { $0.name == "purge_vmap_area_lazy" }!
    if case .purgeVmapArea(_, _, let n) = purge.payload { #expect(n == 3279) } else { Issue.record("not a purge") }
  }

  @Test func layoutsAndBadLines() {
    var p = KernelTraceParser(file: "t")
    let traceCmd =
      "          <idle>-0     [001]  1234.000001: mm_page_free:         page=0xffffea0004000000 pfn=0x100000 order=2"
    #expect(p.parse(Substring(traceCmd), number: 1)?.payload == .pageFree(pfn: 0x10_0000, order: 2, batched: false))
    #expect(p.layout == .traceCmd)
    let failed = "  a-1 [000] ..... 1.0: mm_page_alloc: page=(null) pfn=0x0 order=3 migratetype=0 gfp_flags=GFP_KERNEL"
    #expect(
      p.parse(Substring(failed), number: 2)?.payload
        == .pageAlloc(pfn: nil, order: 3, migratetype: 0))
    let errorAddr =
      "  a-1 [000] ..... 1.0: alloc_vmap_area: va_start: 18446744073709551614 size=8192 align=4096 vstart=0x1 vend=0x2 failed=1"
    if case .allocVmapArea(let addr, _, _, _, _, let f) = p.parse(Substring(errorAddr), number: 3)?.payload {
      #expect(addr == UInt64.max - 1 && f)
    } else {
      Issue.record("failed alloc_vmap_area not parsed")
    }
    #expect(p.parse("  a-1 [000] ..... 1.0: sched_switch: prev_comm=a", number: 4) == nil)
    #expect(p.skipped == ["sched_switch": 1])
    #expect(p.parse("# tracer: nop", number: 5) == nil && p.headerLines == 1)
    #expect(p.parse("  a-1 [000] ..... 1.0: mm_page_free: page=x pfn=0xzz order=0", number: 6) == nil)
    #expect(p.errors.last?.description == "t:6:49: pfn=0xzz is not a number")
    #expect(p.parse("  a-1 [000] ..... 1.0: mm_page_free: page=x order=0", number: 7) == nil)
    #expect(p.errors.last?.message == "mm_page_free has no pfn= field")
    #expect(p.parse("  a-1 [000] ..... bogus mm_page_free: pfn=0x1 order=0", number: 8) == nil)
    #expect(p.errors.last?.message.contains("timestamp") == true)
    #expect(p.parse("  a-1 [000] ..... 1.0: mm_page_free: pfn=0x1 order=12", number: 9) == nil)
    #expect(p.errors.last?.message == "order=12 is outside 0...10")
  }

  @Test func truncatedAndCorruptGzipAreReported() throws {
    let source = try Data(
      contentsOf: Fixtures.root.appendingPathComponent("linux-6.18/perf-script-vmalloc-kmem.txt.gz"))
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mmscope-gz-\(getpid())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let cut = dir.appendingPathComponent("cut.gz")
    try source.prefix(source.count / 2).write(to: cut)
    let reader = try LineReader(path: cut.path)
    var lines = 0
    #expect(throws: LineReader.ReadError.self) { while try reader.nextLine() != nil { lines += 1 } }
    #expect(lines > 1000)
    var bad = source
    for i in stride(from: 100, to: 400, by: 7) { bad[i] ^= 0x5a }
    let corrupt = dir.appendingPathComponent("corrupt.gz")
    try bad.write(to: corrupt)
    let r2 = try LineReader(path: corrupt.path)
    #expect(throws: LineReader.ReadError.self) { while try r2.nextLine() != nil {} }
  }
}
