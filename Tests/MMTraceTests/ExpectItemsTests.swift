import Foundation
import MMCore
import Testing

@testable import MMTrace

/// The `expect=` items that state what the kernel reports: each one matched, and each one's mismatch
/// message when the operation produced something else.
@Suite struct ExpectItemsTests {
  /// The mismatch messages `check` gives for the file (empty when every item matched).
  func mismatches(_ text: String) throws -> [String] {
    let script = try TraceSource.load(data: Data(text.utf8), name: "t.mmtrace")
    let r = Checker.run(script)
    #expect(r.expectChecked > 0)
    return r.mismatches.map { "line \($0.line ?? 0): \($0.message)" }
  }

  static let window = "vstart=0x100000 vend=0x200000"

  @Test func lazyIsNrLazyRightAfterTheFree() throws {
    let ok = "mmtrace 1\nvmalloc size=8K \(Self.window) as=a\nvfree a expect=lazy:3\n"
    #expect(try mismatches(ok) == [])
    let bad = "mmtrace 1\nvmalloc size=8K \(Self.window) as=a expect=lazy:3\nvfree a expect=lazy:4\n"
    #expect(
      try mismatches(bad) == [
        "line 2: expected nr_lazy 3 after a free, but this is not a vmalloc free",
        "line 3: expected nr_lazy 4 after the free, got 3",
      ])
  }

  @Test func visitedCountsTheSearchsNodes() throws {
    // A fresh free tree is one node, [1, ULONG_MAX): the first search visits it alone. The second
    // looks at three nodes of the split tree.
    let text = "mmtrace 1\nvmalloc size=4K expect=visited:1\nvmalloc size=4K expect=visited:5\n"
    #expect(try mismatches(text) == ["line 3: expected 5 nodes visited, got 3"])
  }

  @Test func rangeAndPurgedOnAnExplicitPurge() throws {
    let text = """
      mmtrace 1
      vmalloc size=4K \(Self.window) as=a
      vmalloc size=4K \(Self.window) as=b
      vfree a
      vfree b
      purge expect=purged:2,range:0x100000-0x104000
      purge expect=purged:1,range:0x100000-0x102000

      """
    #expect(
      try mismatches(text) == [
        "line 7: expected 1 areas purged, got 0; expected a purge of 0x100000-0x102000, got purges of 0xffffffffffffffff-0x0"
      ])
  }

  /// A full window: the first search fails, the kernel purges the lazy area and retries.
  @Test func purgedAndRangeOnAFailedFirstSearch() throws {
    let text = """
      mmtrace 1
      vmalloc size=8K noguard vstart=0x100000 vend=0x102000 as=a
      vfree a
      vmalloc size=8K noguard vstart=0x100000 vend=0x102000 expect=0x100000,purged:1,range:0x100000-0x102000

      """
    #expect(try mismatches(text) == [])
  }

  @Test func walkedCountsTheLegacyHoleWalk() throws {
    let text = """
      mmtrace 1
      machine policy=legacy
      alloc_vmap_area size=0x2000 vstart=0x10000 vend=0x100000 expect=0x10000,walked:0
      alloc_vmap_area size=0x2000 vstart=0x10000 vend=0x100000 expect=0x12000,walked:1
      alloc_vmap_area size=0x2000 align=0x10000 vstart=0x10000 vend=0x100000 expect=walked:9

      """
    #expect(try mismatches(text) == ["line 5: expected 9 busy areas walked, got 1"])
  }

  /// One 16-page zone: allocating order 0 twice splits it (pfns 0 and 1 taken; 2, 4, 8 free).
  /// Freeing pfn 0 cannot merge (pfn 1 is taken), and its parent's buddy [2, 4) is free: tail.
  /// Freeing pfn 1 merges all the way to order 4 at pfn 0: head (no parent above order 4 here).
  @Test func mergedOrderAndHeadOrTailOnAFree() throws {
    let text = """
      mmtrace 1
      machine memory=16M zones=Normal:0x0-0x10 fallback=off
      alloc_pages order=0 mt=movable as=p expect=0x0
      alloc_pages order=0 mt=movable as=q expect=0x1
      free_pages p expect=merged:0x0,order:0,tail
      free_pages q expect=merged:0x0,order:4,head
      alloc_pages order=1 mt=movable as=r expect=0x0
      free_pages r expect=merged:0x2,order:1,tail
      alloc_pages order=0 mt=movable as=s expect=0x0
      alloc_pages order=0 mt=movable as=t expect=0x1
      free_pages s expect=head

      """
    #expect(
      try mismatches(text) == [
        "line 8: expected the block to merge into 0x2, got 0x0; expected the freed block to end at order 1, got 4; expected the freed block at the tail of its list, got the head",
        "line 11: expected the freed block at the head of its list, got the tail",
      ])
  }

  @Test func fallbackOffAllowsOnlyTheRequestedMigratetype() throws {
    let off = "mmtrace 1\nmachine memory=16M zones=Normal:0x0-0x400 fallback=off\nalloc_pages order=0 expect=ENOMEM\n"
    #expect(try mismatches(off) == [])
    let on = "mmtrace 1\nmachine memory=16M zones=Normal:0x0-0x400\nalloc_pages order=0 expect=ENOMEM\n"
    #expect(try mismatches(on) == ["line 3: expected ENOMEM, got success"])
    // The key round-trips through the printer.
    let script = try TraceSource.load(data: Data(off.utf8), name: "t.mmtrace")
    #expect(TracePrinter.machine(script.config).contains(" fallback=off"))
  }

  @Test func bootBlocksAndTheLegacyCacheAreReported() throws {
    let script = try TraceSource.load(
      data: Data("mmtrace 1\nmachine memory=16M zones=Normal:0x1-0x400 policy=legacy\n".utf8), name: "t.mmtrace")
    let machine = Replay.run(script).machine
    // [1, 0x400): one block of each order 0..9 up to 0x200, then [0x200, 0x400) at order 9.
    #expect(MachineStats(machine: machine, step: 0, events: 0).buddy.bootBlocks == 10)
    #expect(try StateDump.lines(.legacyCache, of: machine) == ["cache 0x0 hole=0 vstart=0x0 align=0"])
    #expect(throws: StateDump.Unavailable.self) {
      try StateDump.lines(.legacyCache, of: Machine(config: MachineConfig(cpus: 1)))
    }
  }

  /// `free_pages` without `order=` frees the block with the order it was allocated with, under the
  /// migratetype of its pageblock at free time (`get_pfnblock_migratetype`), as `__free_pages` does.
  @Test func freeWithoutOrderUsesTheAllocatedOrderAndThePageblocksType() throws {
    let text = """
      mmtrace 1
      machine memory=16M zones=Normal:0x0-0x200 pageblocks=0x0:unmovable fallback=off
      alloc_pages order=3 mt=unmovable as=p expect=0x0
      free_pages p expect=merged:0x0,order:9,head

      """
    #expect(try mismatches(text) == [])
  }
}
