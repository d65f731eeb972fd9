import Foundation
import MMCore
import MMTrace
import Testing

/// Hand-made damaged inputs, one per class the fuzz harness found or the issue names: each is refused
/// at its place with what was expected, and nothing valid around it is lost.
@Suite struct DamagedInputTests {
  static let header = "# tracer: nop\n#P:2\n"
  static func alloc(_ addr: String, size: Int = 8192, line: Int = 0) -> String {
    "  bash-1 [000] ..... 1.\(String(format: "%06d", line)): alloc_vmap_area: va_start: \(addr) size=\(size) align=4096 vstart=0xffffc90000000000 vend=0xffffe8ffffffffff failed=0"
  }
  static func page(_ event: String, _ fields: String) -> String {
    "  bash-1 [001] ..... 2.000000: \(event): page=0000000000000000 \(fields)"
  }

  func load(_ text: String, name: String = "t.txt") throws -> (script: Script?, errors: [TraceError], count: Int) {
    let url = FuzzPipeline.file(name)
    try Data(text.utf8).write(to: url)
    defer { try? FileManager.default.removeItem(at: url) }
    do {
      return (try TraceSource.load(path: url.path), [], 0)
    } catch let e as TraceSource.LoadError {
      return (e.partial, e.errors, e.count)
    }
  }

  func kernelErrors(_ line: String) -> [String] {
    var p = KernelTraceParser(file: "t.txt")
    _ = p.parse(Substring(line), number: 3)
    return p.errors.map(\.description)
  }

  @Test func pfnsAboveThePhysicalLimitAreRefusedWithTheirColumn() {
    let line = Self.page("mm_page_free", "pfn=0x10000000000 order=0")
    let e = kernelErrors(line)
    let col = line.distance(from: line.startIndex, to: line.range(of: "0x10000000000")!.lowerBound) + 1
    #expect(e == ["t.txt:3:\(col): pfn=0x10000000000 is not below 2^40 (x86-64's 52 physical address bits)"])
    #expect(kernelErrors(Self.page("mm_page_free", "pfn=0xffffffffff order=0")).isEmpty)
  }

  @Test func blocksMustBeAlignedToTheirOrder() {
    let e = kernelErrors(Self.page("mm_page_pcpu_drain", "pfn=0x100001 order=3 migratetype=0"))
    #expect(
      e.count == 1
        && e[0].hasSuffix("pfn=0x100001 is not aligned to order 3 (a block starts at a multiple of its size)"))
  }

  @Test func allocationsThatWrapOrExceedTheAddressSpaceAreRefused() {
    #expect(
      kernelErrors(Self.alloc("18446744073709547520")).first?.contains("runs past the end of the address space") == true
    )
    #expect(kernelErrors(Self.alloc("0xffffc90000000000", size: 0)).first?.contains("size=0") == true)
    // A placed area of 16 TiB fits below 2^64 and is read; the size of a failed request
    // is not bounded (the kernel traces the failure with whatever it was asked).
    let huge = Self.alloc("0xffffc90000000000").replacingOccurrences(of: "size=8192", with: "size=17592186044416")
    #expect(kernelErrors(huge).isEmpty)
    let failed = huge.replacingOccurrences(of: "failed=0", with: "failed=1").replacingOccurrences(
      of: "size=17592186044416", with: "size=18446744073709547520")
    #expect(kernelErrors(failed).isEmpty)
    let lazy =
      "  k-1 [000] ..... 1.0: free_vmap_area_noflush: va_start=0xffffc90000000000 nr_lazy=4503599627370496 nr_lazy_max=1"
    #expect(kernelErrors(lazy).first?.contains("nr_lazy=4503599627370496 is not below 2^52 pages") == true)
  }

  @Test func aModelledEventWithAMangledCPUFieldIsAnErrorNotProse() {
    let e = kernelErrors("  bash-1 [0x0] ..... 1.0: mm_page_free: page=0 pfn=0x100 order=0")
    #expect(e == ["t.txt:3:3: a mm_page_free line without its [CPU] field (expected like [000] before the timestamp)"])
  }

  @Test func mmtraceArgumentsAreBoundedWhereTheyEnter() throws {
    let cases: [(String, String)] = [
      ("prog_pack_alloc p size=0xffffffffffffffff", "1:24: 'size=0xffffffffffffffff' is above 128T (the kernel half"),
      ("set_memory ro 0xffff888000000000 pages=18446744073709551615", "1:40: 'pages=18446744073709551615' is above 1T"),
      ("alloc_pages order=0 at=0x800000000000", "1:24: pfn 0x800000000000 is not below 2^40 (x86-64's 52"),
      ("free_pages 0x10000000000", "1:12: pfn 0x10000000000 is not below 2^40"),
      ("machine zones=Normal:0x0-0x10,Normal:0x10-0x20", "1:15: zones= must name each zone once, DMA below"),
      ("vmalloc size=16T as=\(String(repeating: "n", count: 65))", "1:18: a name of 65 bytes"),
    ]
    for (op, want) in cases {
      let r = try load("mmtrace 1\n" + op + "\n", name: "t.mmtrace")
      let got = r.errors.first?.description ?? "no error"
      #expect(got.contains(want.replacingOccurrences(of: "1:", with: "2:")), "\(op): \(got)")
    }
  }

  /// The supported machine sizes: 1 MiB to 4 TiB, both ends run; beyond is refused with the limit.
  @Test func machineSizesAtBothEndsWorkAndBeyondIsRefused() throws {
    let small = try load(
      "mmtrace 1\nmachine memory=1M\nalloc_pages order=0 zone=DMA\nvmalloc size=4K\n", name: "s.mmtrace")
    let s = try #require(small.script)
    #expect(small.errors.isEmpty && Checker.run(s).clean)
    let big = try load("mmtrace 1\nmachine memory=4T\nalloc_pages order=10\nvmalloc size=4K\n", name: "b.mmtrace")
    let b = try #require(big.script)
    let r = Checker.run(b, every: 2)
    #expect(big.errors.isEmpty && r.clean && r.machine.memory.zones.last!.end == 1 << 30)
    let over = try load("mmtrace 1\nmachine memory=8T\n", name: "o.mmtrace")
    #expect(
      over.errors.first?.description
        == "o.mmtrace:2:16: memory= must be whole pages between 1M and 4T (the largest machine mmscope models)")
  }

  @Test func pageEventsBeyondTheLargestMachineAreSkippedAndCounted() throws {
    let text =
      Self.header + Self.page("mm_page_alloc", "pfn=0x100000 order=0 migratetype=0 gfp_flags=GFP_KERNEL") + "\n"
      + Self.page("mm_page_alloc", "pfn=0x80000000 order=0 migratetype=0 gfp_flags=GFP_KERNEL") + "\n"
    let url = FuzzPipeline.file("beyond.txt")
    try Data(text.utf8).write(to: url)
    let imported = try KernelImporter.importFile(path: url.path)
    #expect(imported.skipped["(page events beyond the 4T modelled)"] == 1)
    #expect(imported.document.config.memory.pages == (1 << 30) / 4096 * 5)
    #expect(imported.document.lines.count == 1 && imported.errors.isEmpty)
  }

  @Test func importKeepsEveryValidEventAroundBadLines() throws {
    var lines = [Self.header]
    for i in 0..<20 { lines.append(Self.alloc("0xffffc9000\(String(format: "%02x", i))00000", line: i)) }
    lines[5] = lines[5].replacingOccurrences(of: "size=8192", with: "size=8x92")
    lines.append(String(lines[20].prefix(60)))  // a last line cut short
    let r = try load(lines.joined(separator: "\n"))
    #expect(r.count == 2 && r.errors.map(\.line) == [8, 24])
    #expect(try #require(r.script).stepCount == 19)
  }

  @Test func aTruncatedGzipKeepsTheEventsBeforeTheCutAndSaysWhere() throws {
    var text = Self.header
    for i in 0..<3000 { text += Self.alloc("0xffffc9\(String(format: "%06x", i))000", line: i) + "\n" }
    let z = Corpus.gzip(Array(text.utf8))
    let url = FuzzPipeline.file("cut.txt.gz")
    try Data(z.prefix(z.count / 2)).write(to: url)
    let imported = try KernelImporter.importFile(path: url.path)
    let kept = imported.document.lines.count
    #expect(kept > 100 && kept < 3000)
    let err = try #require(imported.errors.last)
    #expect(
      err.message
        == "the gzip data ends early (a truncated file) after line \(err.line - 1); the rest of the file is lost, what was read before it is used"
    )
  }

  @Test func anOverlongLineIsReportedAndTheRestKept() throws {
    let junk = String(repeating: "x", count: 2 << 20)
    let text =
      Self.header + Self.alloc("0xffffc90000100000") + "\n" + junk + "\n" + Self.alloc("0xffffc90000200000") + "\n"
    let r = try load(text)
    #expect(
      r.errors.map(\.description) == [
        "t.txt:4:1: a line of 2097152 bytes: not a trace line (kernel event lines are under 64 KiB)"
      ])
    #expect(try #require(r.script).stepCount == 2)
  }

  @Test func learnedAreasStayInsideTheSpaceAndDoNotOverlap() throws {
    func free(_ addr: String, _ lazy: Int) -> String {
      "  k-1 [000] ..... 1.0: free_vmap_area_noflush: va_start=\(addr) nr_lazy=\(lazy) nr_lazy_max=16384"
    }
    let text = [
      Self.header, free("0xffffc90000100000", 10), free("0x0", 12), free("0xffffc90000100000", 14),
      free("0xffffc90000101000", 16), free("0xfffffffffffff000", 18), free("0xffffc90000200000", 21),
    ].joined(separator: "\n")
    let url = FuzzPipeline.file("learn.txt")
    try Data(text.utf8).write(to: url)
    let imported = try KernelImporter.importFile(path: url.path)
    // The first free has no earlier nr_lazy to grow from; 0x0 is outside [1, ULONG_MAX); the free at
    // 0x...101000 overlaps the area learned just before; the top one would run past ULONG_MAX.
    #expect(
      imported.learnedAreas == [
        Span(0xffff_c900_0010_0000, 0xffff_c900_0010_2000), Span(0xffff_c900_0020_0000, 0xffff_c900_0020_3000),
      ])
    #expect(imported.unknownFrees == 4)
  }

  @Test func manyLearnedAreasGetEarlyBusyLinesThatParseBack() throws {
    var text = Self.header
    for i in 0..<100 {
      text +=
        "  k-1 [000] ..... 1.0: free_vmap_area_noflush: va_start=0xffffc9\(String(format: "%06x", i * 16))000 nr_lazy=\(i * 2) nr_lazy_max=16384\n"
    }
    let url = FuzzPipeline.file("many.txt")
    try Data(text.utf8).write(to: url)
    let imported = try KernelImporter.importFile(path: url.path)
    #expect(imported.learnedAreas.count == 99)
    let printed = TracePrinter.text(imported.document)
    let lines = printed.split(separator: "\n")
    #expect(lines.allSatisfy { $0.utf8.count < 400 })
    #expect(lines.filter { $0.hasPrefix("early-busy ") }.count == 13)
    var parser = TraceParser(file: "many.mmtrace")
    let doc = parser.parse(printed)
    #expect(parser.errors.isEmpty && doc.config.kva.earlyBusy == imported.document.config.kva.earlyBusy)
  }

  @Test func statsAndCheckCountTheSameWarnings() {
    for name in ["tour", "align_shift_alloc_test", "teach-fits"] {
      let script = ScenarioLibrary.named(name)!.script()
      let checked = Checker.run(script)
      #expect(Replay.run(script).machine.counters.warnings == checked.warningCount, "\(name)")
    }
  }
}
