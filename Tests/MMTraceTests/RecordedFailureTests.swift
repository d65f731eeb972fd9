import Foundation
import MMCore
import Testing

@testable import MMTrace

/// An allocation the recorded kernel failed (`failed=1`) stays in the imported .mmtrace as a failure:
/// `alloc_vmap_area ... failed` replays as a failed allocation that changes nothing.
@Suite struct RecordedFailureTests {
  @Test func failedFlagParsesPrintsAndReplaysAsAFailure() {
    var p = TraceParser(file: "t.mmtrace")
    let doc = p.parse("mmtrace 1\nvmalloc size=8K as=a\nalloc_vmap_area size=0x2000 failed\nvfree a\n")
    #expect(p.errors.isEmpty, "\(p.errors)")
    let printed = TracePrinter.text(doc)
    #expect(printed.contains("alloc_vmap_area size=0x2000 align=0x1000 failed\n"))
    var q = TraceParser(file: "again")
    #expect(q.parse(printed).lines.map(\.item) == doc.lines.map(\.item))
    let ops = doc.script.items.compactMap(\.operation)
    var m = Machine(config: doc.config)
    m.apply(ops[0])
    let before = KVASnapshotView(m.kva)
    let r = m.apply(ops[1])
    #expect(r.kva?.error == .recordedFailure && r.kva?.error?.errno == "ENOMEM")
    #expect(KVASnapshotView(m.kva) == before)
    #expect(m.counters.failed == 1 && m.counters.allocs == 1)
    // check counts it as the trace's content, not as a warning.
    let c = Checker.run(doc.script)
    #expect(c.warnings.isEmpty && c.clean)
  }

  @Test func importKeepsFailedAllocations() throws {
    let text = """
      # tracer: nop
      #
      # entries-in-buffer/entries-written: 3/3   #P:2
      #
                  bash-3631    [000] .....   205.361875: alloc_vmap_area: va_start: 18446683600620208128 size=20480 align=16384 vstart=0xffffc90000000000 vend=0xffffe8ffffffffff failed=0
                  bash-3631    [001] .....   205.362000: alloc_vmap_area: va_start: 0 size=8192 align=4096 vstart=0xffffc90000000000 vend=0xffffe8ffffffffff failed=1
                  bash-3631    [000] .....   205.362173: alloc_vmap_area: va_start: 18446683600620240896 size=20480 align=16384 vstart=0xffffc90000000000 vend=0xffffe8ffffffffff failed=0

      """
    let path = NSTemporaryDirectory() + "mmscope-failed-\(getpid()).txt"
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    let imported = try KernelImporter.importFile(path: path)
    #expect(imported.failedAllocations == 1)
    let printed = TracePrinter.text(imported.document)
    #expect(printed.contains("failed"))
    // What import writes, the parser reads back, and replaying counts the failure.
    var p = TraceParser(file: "imported")
    let doc = p.parse(printed)
    #expect(p.errors.isEmpty, "\(p.errors)")
    let run = Replay.run(doc.script).machine
    #expect(run.counters.failed == 1 && run.counters.allocs == 2)
  }
}

/// The areas of each kind, for "nothing changed" comparisons.
struct KVASnapshotView: Equatable {
  var free: [Span]
  var busy: [Span]
  var lazy: [Span]
  init(_ k: KVASpace) {
    free = k.freeAreas
    busy = k.busyAreas.map(\.span)
    lazy = k.lazyAreas.map(\.span)
  }
}

/// CPU numbers and counts from a trace are checked against NR_CPUS where they are read: the
/// header's `#P:` (once 2^64 - 1 trapped converting it) and each event's `[NNN]`.
@Suite struct TraceCPUBoundsTests {
  let event =
    " [000] .....   205.361875: alloc_vmap_area: va_start: 18446683600620208128 size=20480 align=16384 vstart=0xffffc90000000000 vend=0xffffe8ffffffffff failed=0"

  @Test(arguments: ["0", "8193", "4294967296", "18446744073709551615", "99999999999999999999999"])
  func headerCPUCountOutsideNRCPUsIsAnError(n: String) {
    var p = KernelTraceParser(file: "t")
    _ = p.parse("# entries-in-buffer/entries-written: 3/3   #P:\(n)"[...], number: 3)
    #expect(p.headerCPUs == nil)
    // A number too long for 64 bits is not a number at all: the header is just prose then.
    if n.count < 21 {
      #expect(p.errors.first?.message == "#P:\(n) is not a CPU count in 1...8192 (NR_CPUS)")
      #expect(p.errors.first?.line == 3 && p.errors.first?.column == 47)
    }
  }

  @Test func headerCPUCountWithinNRCPUsIsTaken() {
    var p = KernelTraceParser(file: "t")
    _ = p.parse("# entries-in-buffer/entries-written: 3/3   #P:8192"[...], number: 3)
    #expect(p.headerCPUs == 8192 && p.errors.isEmpty)
  }

  @Test func eventCPUAtOrAboveNRCPUsIsAnError() {
    var p = KernelTraceParser(file: "t")
    #expect(p.parse(("bash-1 [8191]" + event.dropFirst(6))[...], number: 7) != nil)
    #expect(p.parse(("bash-1 [8192]" + event.dropFirst(6))[...], number: 8) == nil)
    #expect(p.errors.map(\.message) == ["CPU 8192 is not below NR_CPUS (8192)"])
    #expect(p.errors.first?.line == 8 && p.errors.first?.column == 9)
  }
}
