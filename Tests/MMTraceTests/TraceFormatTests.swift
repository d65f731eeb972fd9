import Foundation
import MMCore
import Testing

@testable import MMTrace

@Suite struct TraceFormatTests {
  func parse(_ text: String) -> (TraceDocument, [TraceError]) {
    var p = TraceParser(file: "t.mmtrace")
    let doc = p.parse(text)
    return (doc, p.errors)
  }

  /// Every line kind, as docs/TRACE_FORMAT.md shows them.
  static let everyKind = """
    mmtrace 1
    # a comment
    machine cpus=2 vmap-nodes=off policy=legacy memory=64M unmapped-cache=on pcp=on gbpages=off zones=DMA:0x1-0x1000,DMA32:0x1000-0x4000 pageblocks=0x1000:unmovable early-busy=0x1000-0x3000
    narrate Text for the explain pane.
    bookmark here
    vmalloc size=12K align=4K vstart=0x100000 vend=0x200000 noguard huge kind=stack cpu=1 as=a expect=0x100000,LE
    alloc_vmap_area size=0x5000 align=0x4000 kind=vmap as=b expect=ENOENT
    vfree a cpu=1 expect=ok
    vfree 0xffffc90000000000
    purge expect=purged:1
    alloc_pages order=2 mt=reclaimable zone=DMA32 cpu=1 as=p expect=0x1000
    free_pages p order=2
    free_pages 0x1234 expect=EINVAL
    set_memory ro a pages=3
    set_memory rox 0xffff888000100000
    set_direct_map invalid 0xffff888000200000 pages=2
    module_load m text=20K rodata=4K data=8K cpu=1
    module_unload m
    secretmem_alloc s pages=4
    secretmem_free s
    unmapped_alloc order=1 as=u
    unmapped_free u
    unmapped_shrink
    prog_pack_alloc bpf1 size=300
    prog_pack_free bpf1
    execmem_alloc e1 size=100 align=64
    execmem_free e1

    """

  @Test func everyLineKindParsesAndRoundTrips() {
    let (doc, errors) = parse(Self.everyKind)
    #expect(errors.isEmpty, "\(errors)")
    #expect(doc.lines.count == 24)
    #expect(doc.config.kva.cpus == 2 && doc.config.kva.vmapNodes == 1 && doc.config.kva.policy == .legacy)
    #expect(doc.config.memory.zones == [ZoneSpec(.dma, 1, 0x1000), ZoneSpec(.dma32, 0x1000, 0x4000)])
    #expect(
      doc.config.memory.pageblockTypes == [0x1000: .unmovable] && doc.config.kva.earlyBusy == [Span(0x1000, 0x3000)])
    #expect(
      doc.lines[2].item
        == .operation(
          .vmalloc(
            VmallocRequest(
              size: 12288, align: 4096, vstart: 0x10_0000, vend: 0x20_0000, noGuard: true, kind: .stack, cpu: 1,
              name: "a", huge: true))))
    #expect(doc.lines[2].expect == Expectation(items: [.value(0x10_0000), .fit(.LE)]))
    let printed = TracePrinter.text(doc)
    let (again, errors2) = parse(printed)
    #expect(errors2.isEmpty && again.config == doc.config)
    #expect(again.lines.map(\.item) == doc.lines.map(\.item) && again.lines.map(\.expect) == doc.lines.map(\.expect))
    #expect(TracePrinter.text(again) == printed)
  }

  @Test(arguments: ScenarioLibrary.all.map(\.name))
  func generatedScenariosRoundTrip(name: String) {
    let script = ScenarioLibrary.named(name)!.script(ScenarioOptions(steps: 300))
    let doc = TraceDocument(script: script)
    let (parsed, errors) = parse(TracePrinter.text(doc))
    #expect(errors.isEmpty, "\(errors.prefix(3))")
    #expect(parsed.config == doc.config)
    #expect(parsed.lines.map(\.item) == doc.lines.map(\.item))
    // Replaying the file gives the same machine as replaying the scenario.
    let a = Replay.run(script).machine
    let b = Replay.run(parsed.script).machine
    #expect(MachineStats(machine: a, step: 0, events: 0) == MachineStats(machine: b, step: 0, events: 0))
  }

  @Test func badLinesGiveLineAndColumn() {
    let cases: [(String, Int, Int, String)] = [
      ("mmtrace 2\n", 1, 9, "expected 'mmtrace 1'"),
      ("vmalloc size=4K\n", 1, 1, "expected the header"),
      ("mmtrace 1\nvmalloc\n", 2, 9, "needs size="),
      ("mmtrace 1\nvmalloc size=4Q\n", 2, 14, "not a size"),
      ("mmtrace 1\nvmalloc size=4K colour=red\n", 2, 17, "takes no 'colour='"),
      ("mmtrace 1\nvmalloc size=4K size=8K\n", 2, 17, "given twice"),
      ("mmtrace 1\nvmaloc size=4K\n", 2, 1, "did you mean 'vmalloc'"),
      ("mmtrace 1\nalloc_pages order=11\n", 2, 19, "0...10"),
      ("mmtrace 1\nalloc_pages order=1 mt=sticky\n", 2, 24, "not one of unmovable"),
      ("mmtrace 1\nvfree\n", 2, 7, "one address or name"),
      ("mmtrace 1\nvfree a b\n", 2, 9, "one address or name"),
      ("mmtrace 1\nset_memory rwx a\n", 2, 12, "not one of ro"),
      ("mmtrace 1\nvmalloc size=4K expect=maybe\n", 2, 24, "not a list of addresses"),
      ("mmtrace 1\nvmalloc size=4K as=9lives\n", 2, 17, "must start with a letter"),
      ("mmtrace 1\npurge\nmachine cpus=2\n", 3, 1, "before the first operation"),
      ("mmtrace 1\nmachine cpus=0\n", 2, 14, "1...8192"),
      ("mmtrace 1\nmachine memory=12345\n", 2, 16, "whole pages"),
      ("mmtrace 1\nmachine zones=DMA:5-2\n", 2, 15, "zones= expects"),
      ("mmtrace 1\nbookmark\n", 2, 1, "bookmark NAME"),
      ("mmtrace 1\nnarrate\n", 2, 1, "narrate needs text"),
      ("\n# only a comment\n", 0, 0, "empty file"),
    ]
    for (text, line, column, message) in cases {
      let (_, errors) = parse(text)
      #expect(errors.count >= 1, "\(text)")
      guard let e = errors.first else { continue }
      #expect(e.line == line && e.column == column, "\(text.debugDescription): got \(e)")
      #expect(e.message.contains(message), "\(text.debugDescription): got \(e.message)")
    }
  }

  @Test func goodLinesSurviveBadOnes() {
    let (doc, errors) = parse("mmtrace 1\nvmalloc size=4K as=a\nbogus\nvfree a\nvfree\npurge\n")
    #expect(errors.map(\.line) == [3, 5])
    #expect(doc.lines.count == 3)
    #expect(errors[0].description == "t.mmtrace:3:1: unknown operation 'bogus'")
  }

  @Test func wholeFileProblems() {
    #expect(throws: TraceSource.LoadError.self) { try TraceSource.load(data: Data(), name: "e") }
    #expect(throws: TraceSource.LoadError.self) {
      try TraceSource.load(data: Data([0x7f, 0x45, 0x4c, 0x46, 0, 1]), name: "bin")
    }
    #expect(throws: TraceSource.LoadError.self) { try TraceSource.load(data: Data([0xff, 0xfe, 0x41]), name: "latin") }
    do {
      _ = try TraceSource.load(data: Data([0, 1]), name: "bin")
    } catch let e as TraceSource.LoadError {
      #expect(e.description == "bin: a binary file: expected .mmtrace text")
    } catch {}
  }

  /// The ERANGE allocation purges (and retries) before failing, so the explicit purge finds nothing;
  /// vmalloc's unmovable pages claimed the first 4 MiB of DMA32, so a movable page comes from 0x1400.
  @Test func expectationsAreCheckedWithTheirLines() {
    let text = """
      mmtrace 1
      machine cpus=1 memory=64M
      vmalloc size=12K vstart=0x100000 vend=0x200000 as=a expect=0x100000,NE
      vmalloc size=4K vstart=0x100000 vend=0x200000 expect=0x104000,FL
      vfree a expect=ok
      vfree a expect=EINVAL
      vmalloc size=4K vstart=0x100000 vend=0x100800 expect=ERANGE
      alloc_pages order=0 mt=movable zone=DMA32 expect=0x1400
      purge expect=purged:0

      """
    var p = TraceParser(file: "x")
    let script = p.parse(text).script
    #expect(p.errors.isEmpty)
    let r = Checker.run(script)
    #expect(r.expectChecked == 7 && r.expectMatched == 6, "\(r.mismatches)")
    #expect(r.mismatches.count == 1 && r.mismatches[0].line == 4)
    #expect(r.mismatches[0].message == "expected a FL fit, got LE")
    #expect(r.violations.isEmpty && r.warnings.count == 2)
  }

  /// Thousands of corrupted traces: random bytes changed, lines dropped, duplicated and cut. The
  /// parser must never crash, and whatever parses must replay with all invariants.
  @Test func corruptedTracesNeverCrash() {
    let scale = Int(ProcessInfo.processInfo.environment["MMSCOPE_RANDOM_SCALE"] ?? "") ?? 1
    let teach = ScenarioLibrary.named("teach-fits")!.script(ScenarioOptions(memoryBytes: 64 << 20))
    let base = Array(Self.everyKind.utf8) + Array(TracePrinter.text(TraceDocument(script: teach)).utf8)
    var rng = SeededRandom(seed: 99)
    let alphabet = Array("0123456789abcdefx=,.:- \n#KMGQ_zyvmalocfreUPTH".utf8)
    for _ in 0..<(1000 * scale) {
      var bytes = base
      for _ in 0..<Int(rng.inclusive(1...8)) {
        let i = Int(rng.inclusive(0...UInt64(bytes.count - 1)))
        switch rng.inclusive(0...3) {
        case 0: bytes[i] = alphabet[Int(rng.inclusive(0...UInt64(alphabet.count - 1)))]
        case 1: bytes.remove(at: i)
        case 2: bytes.insert(alphabet[Int(rng.inclusive(0...UInt64(alphabet.count - 1)))], at: i)
        default: bytes = Array(bytes.prefix(i))
        }
        if bytes.isEmpty { bytes = [0x20] }
      }
      var p = TraceParser(file: "fuzz")
      let doc = p.parse(String(decoding: bytes, as: UTF8.self))
      for e in p.errors { #expect(e.line >= 0 && e.column >= 0) }
      if doc.config.memory.pages <= 1 << 15 {
        let r = Checker.run(doc.script)
        #expect(r.violations.isEmpty, "\(r.violations.prefix(2))")
      }
    }
  }
}

@Suite struct RecordedLinesTests {
  @Test func recordedPlacementsRoundTrip() {
    let text = """
      mmtrace 1
      machine cpus=2 lazy-purge=recorded memory=1G early-busy=0xffffc90000100000-0xffffc90000105000
      alloc_vmap_area size=0x5000 align=0x4000 cpu=1 at=0xffffc90000000000
      alloc_pages order=0 mt=unmovable at=0x1000
      vfree 0xffffc90000100000
      purge kernel=7

      """
    var p = TraceParser(file: "r")
    let doc = p.parse(text)
    #expect(p.errors.isEmpty, "\(p.errors)")
    #expect(doc.config.kva.autoPurge == false)
    var req = KVARequest(size: 0x5000, align: 0x4000, cpu: 1)
    req.at = 0xffff_c900_0000_0000
    #expect(
      doc.lines.map(\.item) == [
        .operation(.allocVmapArea(req, kind: .vmalloc, name: nil)),
        .operation(.allocPagesAt(pfn: 0x1000, order: 0, migratetype: .unmovable)),
        .operation(.vfree(.address(0xffff_c900_0010_0000), cpu: 0)), .operation(.kernelPurge(recorded: 7)),
      ])
    var again = TraceParser(file: "r2")
    #expect(again.parse(TracePrinter.text(doc)).lines.map(\.item) == doc.lines.map(\.item) && again.errors.isEmpty)
    let r = Checker.run(doc.script)
    #expect(r.violations.isEmpty && r.warnings.isEmpty, "\(r.warnings)")
    #expect(r.machine.counters.kernelPurgedAreas == 7 && r.machine.counters.purgedAreas == 1)
    // The engine would also have put the first area at VMALLOC_START (the pool is empty): agreement.
    #expect(r.machine.counters.agreements == 1)
  }
}
