import Foundation
import MMCore
import Testing

@testable import MMTrace

/// Importing the real captures, and kernel traces with problems.
@Suite struct KernelImportTests {
  func fixture(_ name: String) -> String { Fixtures.root.appendingPathComponent("linux-6.18/\(name)").path }

  func temp(_ name: String, _ text: String) throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mmscope-import-\(getpid())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let url = dir.appendingPathComponent(name)
    try text.write(to: url, atomically: true, encoding: .utf8)
    return url.path
  }

  @Test func perfCaptureImportsAndReplaysLikeTheFile() throws {
    let imported = try KernelImporter.importFile(path: fixture("perf-script-vmalloc-kmem.txt.gz"))
    #expect(imported.errors.isEmpty && imported.layout == .perfScript)
    let config = imported.document.config
    #expect(config.kva.cpus == 2 && config.kva.vmapNodes == 2 && !config.kva.autoPurge)
    #expect(imported.events["purge_vmap_area_lazy"] == 1 && imported.preexistingPageFrees == 4400)
    // The written file replays to the same state and counters as the kernel trace itself.
    let text = TracePrinter.text(imported.document)
    var parser = TraceParser(file: "p.mmtrace")
    let reparsed = parser.parse(text)
    #expect(parser.errors.isEmpty)
    let direct = Replay.run(try TraceSource.load(path: fixture("perf-script-vmalloc-kmem.txt.gz"))).machine
    let viaFile = Replay.run(reparsed.script).machine
    #expect(MachineStats(machine: direct, step: 0, events: 0) == MachineStats(machine: viaFile, step: 0, events: 0))
    let c = direct.counters
    // The kernel's one purge reported 3279 areas; the model knew the ones the trace had freed.
    #expect(c.kernelPurgedAreas == 3279 && c.purgedAreas == 1459)
    #expect(c.agreements == 1088 && c.divergences == 0 && c.unknownBelow == 3290)
    // 1222 recorded page allocations at pfns the model holds allocated (blocks taken before the
    // trace began): stats counts them as check does, as warnings.
    #expect(c.warnings == 1222 && direct.violations().isEmpty)
  }

  @Test func ftraceCaptureLearnsPreexistingAreas() throws {
    let imported = try KernelImporter.importFile(path: fixture("ftrace-vmalloc-kmem.txt.gz"))
    #expect(imported.errors.isEmpty && imported.layout == .ftrace)
    // Two areas freed in the trace but allocated before it: their size is nr_lazy's growth (5 pages,
    // a thread stack with its guard page); the first free's size cannot be known.
    #expect(
      imported.learnedAreas == [
        Span(0xffff_c900_02f4_4000, 0xffff_c900_02f4_9000), Span(0xffff_c900_02fb_c000, 0xffff_c900_02fc_1000),
      ])
    #expect(imported.unknownFrees == 1)
    #expect(imported.document.config.kva.earlyBusy == imported.learnedAreas)
    #expect(imported.perCPUEvents == 121_101 + 44067)
    // Invariants at 15 points: each check walks 76k allocated blocks, slow in a debug build.
    let r = Checker.run(imported.document.script, every: 5000)
    #expect(r.clean && r.warnings.isEmpty)
    #expect(r.machine.counters.allocs == 160 && r.machine.counters.frees == 145)
  }

  @Test func problemsInKernelTraces() throws {
    let header = "# tracer: nop\n"
    // A malformed event line: its line and column.
    let bad = try temp(
      "bad.txt", header + "  a-1 [000] ..... 1.0: free_vmap_area_noflush: va_start=0xzz nr_lazy=1 nr_lazy_max=2\n")
    do {
      _ = try TraceSource.load(path: bad)
      Issue.record("a malformed line was accepted")
    } catch let e as TraceSource.LoadError {
      #expect(e.description == "bad.txt:2:57: va_start=0xzz is not a number")
    }
    // No events at all.
    let none = try temp("none.txt", header + "  a-1 [000] ..... 1.0: sched_switch: prev=a\n")
    #expect(throws: TraceSource.LoadError.self) { try TraceSource.load(path: none) }
    // A free of an area never allocated and of unknown size, and an overlapping recorded placement: the
    // import goes on; replay reports them as warnings, the state stays sound.
    let overlap = try temp(
      "overlap.txt",
      header
        + """
        a-1 [000] ..... 1.0: alloc_vmap_area: va_start: 18446683600570023936 size=20480 align=16384 vstart=0xffffc90000000000 vend=0xffffe8ffffffffff failed=0
        a-1 [000] ..... 1.1: alloc_vmap_area: va_start: 18446683600570028032 size=8192 align=4096 vstart=0xffffc90000000000 vend=0xffffe8ffffffffff failed=0
        a-1 [000] ..... 1.2: free_vmap_area_noflush: va_start=0xffffc90000100000 nr_lazy=9 nr_lazy_max=16384

        """)
    let imported = try KernelImporter.importFile(path: overlap)
    #expect(imported.unknownFrees == 1)
    let r = Checker.run(imported.document.script)
    #expect(r.warnings.count == 1 && r.warnings[0].message.contains("overlaps an area the model holds"))
    #expect(r.violations.isEmpty)
  }

  /// The kernel reuses a range without a traced allocation: X is allocated, freed and purged, then
  /// freed again with nothing traced in between. That is an allocation the trace did not show, not an
  /// area from before the trace (which would collide with the trace's own allocation of X).
  @Test func aRangeReusedWithoutATracedAllocationIsInferred() throws {
    let x: UInt64 = 0xffff_c900_0000_0000
    let y = x + 0x2000
    let range = "vstart=0xffffc90000000000 vend=0xffffe8ffffffffff failed=0"
    let text =
      "# tracer: nop\n"
        + """
        a-1 [000] ..... 1.0: alloc_vmap_area: va_start: \(x) size=8192 align=4096 \(range)
        a-1 [000] ..... 1.1: free_vmap_area_noflush: va_start=\(x.hex) nr_lazy=2 nr_lazy_max=16384
        a-1 [000] ..... 1.2: purge_vmap_area_lazy: start=\(x.hex) end=\(y.hex) num_purged=1
        a-1 [000] ..... 1.3: alloc_vmap_area: va_start: \(y) size=8192 align=4096 \(range)
        a-1 [000] ..... 1.4: free_vmap_area_noflush: va_start=\(y.hex) nr_lazy=2 nr_lazy_max=16384
        a-1 [000] ..... 1.5: free_vmap_area_noflush: va_start=\(x.hex) nr_lazy=4 nr_lazy_max=16384
        a-1 [000] ..... 1.6: purge_vmap_area_lazy: start=\(x.hex) end=\((y + 0x2000).hex) num_purged=2

        """
    let imported = try KernelImporter.importFile(path: try temp("reuse.txt", text))
    #expect(imported.errors.isEmpty)
    #expect(imported.inferredAllocs == 1 && imported.learnedAreas.isEmpty && imported.unknownFrees == 0)
    #expect(imported.inferredSizeDisagreements == 0)
    #expect(imported.document.config.kva.earlyBusy.isEmpty)
    // The inferred allocation round-trips through the .mmtrace text.
    let printed = TracePrinter.text(imported.document)
    #expect(printed.contains("alloc_vmap_area size=0x2000 align=0x1000 kind=unknown at=0xffffc90000000000 inferred"))
    var parser = TraceParser(file: "reuse.mmtrace")
    let reparsed = parser.parse(printed)
    #expect(parser.errors.isEmpty && reparsed.script.items == imported.document.script.items)
    let r = Checker.run(imported.document.script)
    #expect(r.clean && r.warnings.isEmpty, "\(r.warnings.map(\.message))")
    let stats = MachineStats(machine: r.machine, step: 7, events: 7)
    #expect(stats.vmalloc.allocs == 3 && stats.vmalloc.inferredAllocs == 1 && stats.vmalloc.frees == 3)
    #expect(r.machine.counters.kernelPurgedAreas == 3 && r.machine.counters.purgedAreas == 3)
  }

  /// CPU 1's buffer printed before CPU 0's: in file order X would be allocated twice; in timestamp
  /// order it is allocated, freed, purged and allocated again. (2 MiB + guard: too big for the vmap
  /// nodes' pools, so the purge returns it to the free tree where CPU 1 can find it.)
  @Test func eventsOutOfTimeOrderReplayInTimestampOrder() throws {
    let x: UInt64 = 0xffff_c900_0000_0000
    let size: UInt64 = 0x20_1000
    let range = "vstart=0xffffc90000000000 vend=0xffffe8ffffffffff failed=0"
    let text =
      "# tracer: nop\n"
        + """
        b-2 [001] ..... 1.3: alloc_vmap_area: va_start: \(x) size=\(size) align=4096 \(range)
        a-1 [000] ..... 1.0: alloc_vmap_area: va_start: \(x) size=\(size) align=4096 \(range)
        a-1 [000] ..... 1.1: free_vmap_area_noflush: va_start=\(x.hex) nr_lazy=513 nr_lazy_max=16384
        a-1 [000] ..... 1.2: purge_vmap_area_lazy: start=\(x.hex) end=\((x + size).hex) num_purged=1

        """
    let imported = try KernelImporter.importFile(path: try temp("order.txt", text))
    #expect(imported.errors.isEmpty && imported.reordered == 3)
    #expect(
      imported.notes.contains(
        "3 events out of time order across CPUs (per-CPU buffers merged): replayed in timestamp order"))
    let kinds = imported.document.script.items.compactMap(\.operation).map(Checker.kind)
    #expect(kinds == ["alloc_vmap_area", "vfree", "purge", "alloc_vmap_area"], "\(kinds)")
    let r = Checker.run(imported.document.script)
    #expect(r.clean && r.warnings.isEmpty, "\(r.warnings.map(\.message))")
  }

  /// Frees on two CPUs: U (never allocated in the trace) is printed with nr_lazy 9 between K's 2 and
  /// V's 4. In file order U would be 7 pages; its predecessor in nr_lazy order is 4, so 5 pages.
  @Test func anUnknownAreaIsSizedFromItsPredecessorInNrLazyOrder() throws {
    let k: UInt64 = 0xffff_c900_0000_0000
    let v = k + 0x2000
    let u: UInt64 = 0xffff_c900_0010_0000
    let range = "vstart=0xffffc90000000000 vend=0xffffe8ffffffffff failed=0"
    let text =
      "# tracer: nop\n"
        + """
        a-1 [000] ..... 1.0: alloc_vmap_area: va_start: \(k) size=8192 align=4096 \(range)
        a-1 [000] ..... 1.1: alloc_vmap_area: va_start: \(v) size=8192 align=4096 \(range)
        a-1 [000] ..... 1.2: purge_vmap_area_lazy: start=0x0 end=0x0 num_purged=0
        a-1 [000] ..... 1.3: free_vmap_area_noflush: va_start=\(k.hex) nr_lazy=2 nr_lazy_max=16384
        b-2 [001] ..... 1.4: free_vmap_area_noflush: va_start=\(u.hex) nr_lazy=9 nr_lazy_max=16384
        a-1 [000] ..... 1.5: free_vmap_area_noflush: va_start=\(v.hex) nr_lazy=4 nr_lazy_max=16384

        """
    let imported = try KernelImporter.importFile(path: try temp("interleaved.txt", text))
    #expect(imported.errors.isEmpty && imported.unknownFrees == 0)
    #expect(imported.learnedAreas == [Span(u, u + 5 * 4096)])
    let r = Checker.run(imported.document.script)
    #expect(r.clean && r.warnings.isEmpty, "\(r.warnings.map(\.message))")
  }

  /// Thousands of corrupted kernel trace lines: never a crash; whatever imports replays soundly.
  @Test func corruptedKernelLinesNeverCrash() throws {
    let reader = try LineReader(path: fixture("perf-script-vmalloc-kmem.txt.gz"))
    var sample: [String] = []
    while let l = try reader.nextLine(), sample.count < 400 { sample.append(String(l)) }
    var rng = SeededRandom(seed: 7)
    let alphabet = Array("0123456789abcdefx=:[]. -_".utf8)
    let scale = Int(ProcessInfo.processInfo.environment["MMSCOPE_RANDOM_SCALE"] ?? "") ?? 1
    for _ in 0..<(3000 * scale) {
      var bytes = Array(sample[Int(rng.inclusive(0...UInt64(sample.count - 1)))].utf8)
      for _ in 0..<Int(rng.inclusive(1...4)) where !bytes.isEmpty {
        let i = Int(rng.inclusive(0...UInt64(bytes.count - 1)))
        switch rng.inclusive(0...2) {
        case 0: bytes[i] = alphabet[Int(rng.inclusive(0...UInt64(alphabet.count - 1)))]
        case 1: bytes.remove(at: i)
        default: bytes = Array(bytes.prefix(i))
        }
      }
      var p = KernelTraceParser(file: "fuzz")
      _ = p.parse(Substring(String(decoding: bytes, as: UTF8.self)), number: 1)
      for e in p.errors { #expect(e.line == 1 && e.column >= 1) }
    }
    var events: [KernelEvent] = []
    var p = KernelTraceParser(file: "sample")
    for (i, l) in sample.enumerated() { if let e = p.parse(Substring(l), number: i + 1) { events.append(e) } }
    let r = Checker.run(KernelImporter.convert(events, cpus: 2).document.script)
    #expect(r.violations.isEmpty)
  }
}
