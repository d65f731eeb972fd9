import Foundation
import MMCore
import Testing

@testable import MMTrace

@Suite struct ScenarioTests {
  @Test func namesAreUniqueAndFindable() {
    let names = ScenarioLibrary.all.map(\.name)
    #expect(Set(names).count == names.count)
    #expect(names.contains("teach-fits") && names.contains("fix_align_alloc_test"))
    for n in names { #expect(ScenarioLibrary.named(n)?.name == n) }
    #expect(ScenarioLibrary.named("nope") == nil)
  }

  /// Every scenario, small, under both policies: invariants hold after every step. The two whose
  /// set-up is fixed by the kernel's test (full_fit: 3 x lazy_max_pages() operations over up to 16k
  /// live areas; long_busy_list: 15000 busy areas) are checked at 50 evenly spaced steps instead.
  @Test(arguments: ScenarioLibrary.all.map(\.name), VmallocPolicy.allCases)
  func everyScenarioKeepsInvariants(name: String, policy: VmallocPolicy) {
    let scenario = ScenarioLibrary.named(name)!
    let script = scenario.script(ScenarioOptions(steps: 200, policy: policy))
    let every = script.stepCount > 5000 ? script.stepCount / 50 : 1
    let run = Replay.run(script, check: true, checkEvery: every)
    #expect(
      run.violations.isEmpty, "\(name) \(policy): \(run.violations.prefix(3).map { "step \($0.step): \($0.message)" })")
    #expect(run.machine.counters.events == script.stepCount)
  }

  @Test func sameSeedSameScript() {
    let s = ScenarioLibrary.named("random_size_align_alloc_test")!
    #expect(s.script(ScenarioOptions(seed: 7)).items == s.script(ScenarioOptions(seed: 7)).items)
    #expect(s.script(ScenarioOptions(seed: 7)).items != s.script(ScenarioOptions(seed: 8)).items)
  }

  func report(_ script: Script, step: Int) -> KVAReport {
    Replay.run(script, steps: step).last!.kva!
  }

  /// teach-fits, worked by hand: 12 KiB + guard at 0x100000 (NE), 4 KiB + guard at 0x104000 (LE),
  /// 8 KiB + guard at 0x106000 (LE), 4 KiB + guard at 0x109000 (LE); b freed and purged; e takes b's
  /// 8 KiB hole (FL); c freed and purged; f = exactly [0x107000, 0x109000) (RE); g = 4 KiB + guard at
  /// 32 KiB alignment: ALIGN(0x10b000) = 0x110000 (NE).
  @Test func teachFitsGivesTheHandWorkedAddresses() throws {
    let script = ScenarioLibrary.named("teach-fits")!.script()
    let expected: [(step: Int, area: Span, fit: FitType)] = [
      (1, Span(0x10_0000, 0x10_4000), .NE), (2, Span(0x10_4000, 0x10_6000), .LE),
      (3, Span(0x10_6000, 0x10_9000), .LE), (4, Span(0x10_9000, 0x10_b000), .LE),
      (7, Span(0x10_4000, 0x10_6000), .FL), (10, Span(0x10_7000, 0x10_9000), .RE),
      (11, Span(0x11_0000, 0x11_2000), .NE),
    ]
    for e in expected {
      let r = report(script, step: e.step)
      #expect(r.area == e.area && r.fit == e.fit, "step \(e.step)")
    }
    let purge = report(script, step: 6).purges[0]
    #expect(purge.start == 0x10_4000 && purge.end == 0x10_6000 && purge.areas == 1)
    let mark = script.bookmarks.first { $0.name == "all-fits" }!.step
    #expect(mark == 11)
    let tree = try StateDump.lines(.freeTree, of: Replay.run(script, steps: mark).machine)
    #expect(
      tree == [
        "0 B 0x106000 0x107000 18446744073708429311",
        "1 B 0x1 0x100000 1048575",
        "1 B 0x112000 0xffffffffffffffff 18446744073708429311",
        "2 R 0x10b000 0x110000 20480",
      ])
    let end = Replay.run(script).machine
    #expect(try StateDump.lines(.freeTree, of: end) == ["0 B 0x1 0xffffffffffffffff 18446744073709551614"])
    #expect(end.counters.fit == [.NE: 2, .LE: 3, .FL: 1, .RE: 1])
  }

  @Test func shapeMattersMatchesTheKernelOracle() {
    let script = ScenarioLibrary.named("shape-matters")!.script()
    let total = script.stepCount
    #expect(report(script, step: total - 1).area?.start == 0x12_8000)
    #expect(report(script, step: total).area == Span(0x10_8000, 0x10_c000))
    #expect(report(script, step: total).fit == .FL)
  }

  @Test func threadStacksFillAndUseThePools() {
    let run = Replay.run(ScenarioLibrary.named("thread-stacks")!.script(), check: false).machine
    #expect(run.config.kva.vmapNodes == 2)
    #expect(run.counters.purges >= 1 && run.counters.poolHits > 0)
    #expect(run.violations().isEmpty)
  }

  /// Where the pre-5.2 allocator's O(N) walk really shows: long_busy_list alone stays next-fit
  /// (free_vmap_cache resumes after the last area: about one area per allocation), while the
  /// test_vmalloc sequence, whose sizes and alignments keep resetting the cache, walks far more
  /// per allocation than the augmented tree visits.
  @Test func legacyWalkIsLinearOnlyWhenItsCacheIsReset() {
    func perAlloc(_ name: String, _ policy: VmallocPolicy, steps: Int) -> Double {
      let script = ScenarioLibrary.named(name)!.script(ScenarioOptions(steps: steps, policy: policy))
      let c = Replay.run(script, check: false).machine.counters
      return Double(c.nodesVisited) / Double(c.allocs)
    }
    #expect(perAlloc("long_busy_list_alloc_test", .legacy, steps: 400) < 1.1)
    let legacy = perAlloc("test_vmalloc", .legacy, steps: 8000)
    let current = perAlloc("test_vmalloc", .current, steps: 8000)
    #expect(legacy > 25 && legacy > 3 * current, "legacy \(legacy), current \(current) per allocation")
  }

  /// The failed allocation is counted under failed and, as `check` counts it, as one warning.
  @Test func alignShiftStopsAtTheFirstFailure() {
    let run = Replay.run(ScenarioLibrary.named("align_shift_alloc_test")!.script()).machine
    #expect(run.counters.allocs == 46 && run.counters.failed == 1 && run.counters.warnings == 1)
  }

  @Test func statsJSONHasTheDocumentedKeys() throws {
    let script = ScenarioLibrary.named("fix_align_alloc_test")!.script(ScenarioOptions(steps: 100))
    let machine = Replay.run(script).machine
    let data = try JSONEncoder().encode(MachineStats(machine: machine, step: 100, events: 100))
    let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    #expect(
      Set(json.keys) == [
        "step", "events", "vmalloc", "buddy", "direct_map", "exec", "locks", "expect", "warnings",
      ])
    // One CPU means one vmap node, so the pre-v6.9 global locks are the ones taken: each of the
    // 50 allocations searches the free tree once (free_vmap_area_lock) and inserts into the busy
    // tree (vmap_area_lock); each of the 50 frees looks its area up under vmap_area_lock and
    // queues it lazily under purge_vmap_area_lock. Nothing reaches the lazy threshold.
    let locks = try #require(json["locks"] as? [String: [String: Int]])
    #expect(locks["free_vmap_area_lock"]?["acquisitions"] == 50)
    #expect(locks["vmap_area_lock"]?["acquisitions"] == 100)
    #expect(locks["purge_vmap_area_lock"]?["acquisitions"] == 50)
    #expect(locks["vmap_purge_lock"] == nil)
    let exec = try #require(json["exec"] as? [String: Int])
    #expect(exec["allocs"] == 0 && exec["metadata_bytes"] != nil)
    let v = try #require(json["vmalloc"] as? [String: Any])
    for key in [
      "allocs", "frees", "failed", "purges", "purged_areas", "busy_areas", "lazy_areas", "free_areas",
      "largest_free", "fit", "pool_hits", "nodes_visited",
    ] {
      #expect(v[key] != nil, "missing vmalloc.\(key)")
    }
    #expect(v["allocs"] as? Int == 50 && v["frees"] as? Int == 50)
    // 5 pages + guard = 24 KiB at 32 KiB alignment: each allocation leaves an 8 KiB gap (NE).
    #expect((v["fit"] as? [String: Int])?["NE"] == 50)
  }

  @Test func dumpsListAreasByAddress() throws {
    let script = ScenarioLibrary.named("teach-fits")!.script()
    let machine = Replay.run(script, steps: 4).machine
    #expect(
      try StateDump.lines(.busy, of: machine) == [
        "0x100000 0x104000 16384 vmalloc node=0 name=a", "0x104000 0x106000 8192 vmalloc node=0 name=b",
        "0x106000 0x109000 12288 vmalloc node=0 name=c", "0x109000 0x10b000 8192 vmalloc node=0 name=d",
      ])
    let lazy = Replay.run(script, steps: 5).machine
    #expect(try StateDump.lines(.lazy, of: lazy) == ["0x104000 0x106000 8192 vmalloc node=0 name=b"])
    let legacy = Replay.run(ScenarioLibrary.named("teach-fits")!.script(ScenarioOptions(policy: .legacy))).machine
    #expect(throws: StateDump.Unavailable.self) { try StateDump.lines(.freeTree, of: legacy) }
  }

  /// The tour says what happens at each step; these are the claims its text makes, checked.
  @Test func tourDoesWhatItsNarrationSays() {
    let script = ScenarioLibrary.named("tour")!.script()
    var t = Timeline(script: script)
    #expect(t.stepCount == 21)
    #expect(t.bookmarks.map(\.name) == ["welcome", "lazy-free", "buddy", "direct-map", "exec", "coalesce", "end"])
    // Every step has text, and every operation its own.
    for step in 0...t.stepCount { #expect(t.narration(at: step) != nil) }
    for step in [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 21] {
      #expect(t.narrationEntry(at: step)?.isNew == true, "step \(step)")
    }
    func fit(_ step: Int) -> FitType? { t.state(at: step).report?.kva?.fit }
    #expect(fit(1) == .NE && fit(2) == .LE && fit(6) == .FL)
    #expect(t.state(at: 4).machine.kva.lazyAreas.count == 1 && t.state(at: 5).machine.kva.lazyAreas.isEmpty)
    // Chapter 2: the order-3 allocation splits, the frees merge back to where step 6 was.
    #expect(t.state(at: 7).report!.buddy.first!.splits.count > 0)
    #expect(t.state(at: 10).machine.memory.zones.map(\.nrFree) == t.state(at: 6).machine.memory.zones.map(\.nrFree))
    // Chapter 3: one 1G and one 2M split at set_memory_ro; none undone by rw; none from the cache users.
    func splits(_ step: Int) -> (Int, Int) {
      let d = t.state(at: step).machine.directMap
      return (d.level2Splits, d.level3Splits)
    }
    #expect(splits(10) == (0, 0) && splits(11) == (1, 1) && splits(12) == (1, 1))
    #expect(splits(13) == (1, 1) && splits(14) == (1, 1))
    // Chapter 4: the first pack splits one 2M leaf, the second program nothing.
    #expect(splits(15) == (2, 1) && splits(16) == (2, 1))
    // Chapter 5: everything vmalloc'd in chapter 1 is back in one free area.
    #expect(t.state(at: 21).machine.kva.busyAreas.allSatisfy { $0.span.start >= KernelConstants.modulesStart })
    #expect(Checker.run(script).clean && Checker.run(script).warnings.isEmpty)
  }
}
