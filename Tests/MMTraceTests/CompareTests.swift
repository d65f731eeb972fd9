import Foundation
import MMCore
import Testing

@testable import MMTrace

/// Each of the source documents' comparisons, run both ways on a fixed seed: the direction and the
/// size of the difference, and the machinery (`--vs` settings, per-step work, the lock simulation).
@Suite struct CompareTests {
  func compare(_ scenario: String, _ vs: String, steps: Int? = nil, cpus: Int? = nil) throws -> ComparedRun {
    let script = ScenarioLibrary.named(scenario)!.script(ScenarioOptions(steps: steps, cpus: cpus))
    return ComparedRun(script: script, variant: try MachineVariant.parse(vs).get())
  }

  /// Rezki: with 15000 busy areas and sizes that reset the old allocator's cache, it walks the busy
  /// list from the start; the augmented tree descends about log2(N) nodes.
  @Test func legacyWalksTwentyTimesWhatTheTreeVisits() throws {
    let run = try compare("long-busy-mixed", "policy=legacy", steps: 16000)
    let d = DiffReport(run)
    let start = run.a.bookmarks.first { $0.name == "mixed" }!.step
    let walked = run.workB[start...].reduce(0) { $0 + $1.walked }
    let visited = run.workA[start...].reduce(0) { $0 + $1.visited }
    #expect(d.a.vmalloc.areasWalked == 0 && d.b.vmalloc.areasWalked > 0)
    #expect(walked >= 20 * visited, "legacy walked \(walked), the tree visited \(visited)")
    // Both place every request somewhere: the work differs, not what succeeds.
    #expect(d.a.vmalloc.failed == 0 && d.b.vmalloc.failed == 0)
  }

  /// Rezki, "Mitigate a vmap lock contention": with vmap nodes the busy inserts and lookups take the
  /// per-node locks; without them, every one takes the global vmap_area_lock.
  @Test func vmapNodesTakeTheGlobalLockOffTheBusyPath() throws {
    let run = try compare("thread-stacks", "vmap-nodes=off")
    let d = DiffReport(run)
    let aBusy = d.a.locks["vmap_node.busy.lock"]?.acquisitions ?? 0
    let bGlobal = d.b.locks["vmap_area_lock"]?.acquisitions ?? 0
    #expect(d.a.locks["vmap_area_lock"] == nil && d.b.locks["vmap_node.busy.lock"] == nil)
    // One busy-lock acquisition per allocation (4036) and per free's lookup (3964, each found on the
    // first node tried) on both sides: under the nodes' locks on a, the global lock on b.
    #expect(d.a.vmalloc.allocs == 4036 && aBusy == 8000 && bGlobal == 8000)
    // Lazy frees: the nodes' lazy locks against the global purge_vmap_area_lock.
    #expect(d.a.locks["vmap_node.lazy.lock"] != nil && d.b.locks["purge_vmap_area_lock"] != nil)
    // After the purge the nodes' pools serve stacks without the free tree's lock.
    #expect(d.a.vmalloc.poolHits == 685 && d.b.vmalloc.poolHits == 0)
    let aFree = d.a.locks["free_vmap_area_lock"]?.acquisitions ?? 0
    let bFree = d.b.locks["free_vmap_area_lock"]?.acquisitions ?? 0
    // b: one free-tree search per allocation and one hold to merge the purged areas back. a: the 685
    // pool hits skip the search, and the purge puts every stack it frees into a pool (one size
    // class), so nothing is merged back under the lock.
    #expect(bFree == 4036 + 1 && aFree == 4036 - 685)
  }

  /// Rapoport: module text from the __GFP_UNMAPPED cache takes whole 2 MiB blocks out of the direct
  /// map instead of splitting 2 MiB mappings under the pages it protects.
  @Test func unmappedCacheSplitsFewerLargePages() throws {
    let d = DiffReport(try compare("modules-rwx", "unmapped-cache=on"))
    #expect(d.a.directMap.level2Splits == 2 && d.b.directMap.level2Splits == 0)
    #expect(d.a.directMap.directMap4k == 4096 && d.b.directMap.directMap4k == 0)
  }

  /// Song Liu: 64-byte programs share one 2 MiB pack (a 4 KiB bitmap of 64-byte chunks) under
  /// bpf_prog_pack; under execmem they share a text chunk described by free-tree nodes (72 bytes
  /// each). A 3 MiB request is too big for a pack and gets its own area either way.
  @Test func progPackAgainstExecmemMetadata() throws {
    var s = ScriptBuilder()
    for i in 0..<100 { s.op(.progPackAlloc(size: 64, name: "p\(i)")) }
    s.op(.progPackAlloc(size: 3 << 20, name: "big"))
    let script = Script(config: MachineConfig(cpus: 1, memory: MemoryConfig(bytes: 1 << 30)), items: s.items)
    let run = ComparedRun(script: script, variant: try MachineVariant.parse("exec=execmem").get())
    let d = DiffReport(run)
    #expect(d.a.exec.allocs == 101 && d.b.exec.allocs == 101)
    // One pack for the small programs: one 4 KiB bitmap.
    #expect(d.a.exec.metadataBytes == 4096)
    #expect(d.b.exec.metadataBytes > 0 && d.b.exec.metadataBytes < d.a.exec.metadataBytes)
    #expect(d.b.exec.metadataBytes % Machine.vmapAreaBytes == 0)
  }

  /// Wilcox: 256 MiB keeps 4 MiB of struct pages whatever happens; descriptors cost 8 bytes a page
  /// plus 40 a live block.
  @Test func memdescShrinksPageMetadata() throws {
    let d = DiffReport(try compare("fragmentation", "memdesc=on"))
    #expect(d.a.buddy.pageMetadataBytes == 64 * 65536)
    let blocks = (d.b.buddy.pageMetadataBytes - 8 * 65536) / 40
    #expect(d.b.buddy.pageMetadataBytes == 8 * 65536 + 40 * blocks && blocks > 0)
    #expect(d.b.buddy.pageMetadataBytes * 7 < d.a.buddy.pageMetadataBytes)
    #expect(d.a.buddy.descriptorAllocations == 0 && d.b.buddy.descriptorAllocations == d.b.buddy.descriptorsCreated)
    // Metadata does not change where anything goes.
    #expect(d.differingSteps == 0)
  }

  @Test func variantSettingsParseAndRefuseBadValues() throws {
    let v = try MachineVariant.parse("policy=legacy,cpus=32 vmap-nodes=off").get()
    #expect(v.policy == .legacy && v.cpus == 32 && v.vmapNodes == .off)
    #expect(v.description == "policy=legacy vmap-nodes=off cpus=32")
    for bad in [
      "", "policy", "=on", "policy=fast", "cpus=0", "cpus=-1", "cpus=2147483648", "cpus=18446744073709551615",
      "memory=-1", "memory=1K", "memory=9223372036854775808", "vmap-nodes=0", "vmap-nodes=4294967296",
      "exec=jit", "colour=on", "pcp=yes",
    ] {
      guard case .failure(let e) = MachineVariant.parse(bad) else {
        Issue.record("'\(bad)' was accepted")
        continue
      }
      #expect(!e.description.isEmpty)
    }
    if case .failure(let e) = MachineVariant.parse("cpus=0") { #expect(e.description.contains("cpus")) }
  }

  /// A recorded trace re-run under another policy: its placements are the recorded kernel's, so they
  /// are dropped with a note and the areas it freed by address are freed by name.
  @Test func aTraceRunsUnderAnotherPolicy() throws {
    let script = try TraceSource.load(
      path: Fixtures.root.appendingPathComponent("linux-6.18/ftrace-vmalloc-kmem.txt.gz").path)
    let v = try MachineVariant.parse("policy=legacy").get()
    let legacy = v.applied(to: script)
    #expect(legacy.config.kva.policy == .legacy)
    #expect(legacy.notes.contains { $0.contains("at=") })
    // Every free of an area the trace placed is by name now; frees by address left are of areas
    // from before the trace began.
    var live = Set<UInt64>()
    for (old, new) in zip(script.items, legacy.items) {
      if case .operation(.allocVmapArea(let r, _, _)) = old, let at = r.at { live.insert(at) }
      if case .operation(.allocVmapArea(let r, _, _)) = new { #expect(r.at == nil) }
      if case .operation(.vfree(.address(let a), _)) = old, live.remove(a) != nil {
        guard case .operation(.vfree(.name, _)) = new else {
          Issue.record("the free of \(a.hex) is still by address: \(new)")
          continue
        }
      }
    }
    let a = Replay.run(script).machine.counters
    let b = Replay.run(legacy).machine.counters
    #expect(a.allocs == b.allocs && b.frees == a.frees)
  }

  /// Two CPUs, one operation each, both reaching the free tree's lock at 500 ns: CPU 0 takes it (ties
  /// go by CPU), CPU 1 spins exactly as long as CPU 0 holds it.
  @Test func fairSpinlocksQueueInOrder() {
    var costs = ContentionCosts()
    costs.perOperation = 400
    costs.perPage = 100
    let config = MachineConfig(cpus: 2, vmapNodes: false, memory: MemoryConfig(bytes: 64 << 20))
    let ops: [[MMCore.Operation]] = (0..<2).map { c in
      [.vmalloc(VmallocRequest(size: 4096, cpu: c, name: "t\(c)"))]
    }
    // The locks each takes, as the engine reports them, in the order the simulation applies them.
    var m = Machine(config: config)
    let l0 = m.apply(ops[0][0]).kva!.allLocks
    let l1 = m.apply(ops[1][0]).kva!.allLocks
    #expect(l0.map(\.lock) == [.freeArea, .vmapArea] && l1.map(\.lock) == [.freeArea, .vmapArea])
    func hold(_ u: LockUse) -> Int { costs.acquire + costs.perWork * u.work }
    let r = ContentionSimulation.run(config: config, perCPU: ops, costs: costs)
    #expect(r.operations == 2)
    #expect(r.spinning[.freeArea] == hold(l0[0]))
    #expect(r.contended[.freeArea] == 1 && r.acquisitions[.freeArea] == 2)
    // CPU 1 reaches vmap_area_lock after CPU 0 released it unless CPU 0 held it longer.
    let cpu0Done = 500 + hold(l0[0]) + hold(l0[1])
    let cpu1Busy = 500 + hold(l0[0]) + hold(l1[0])
    let cpu1Done = max(cpu1Busy, cpu0Done) + hold(l1[1])
    #expect(r.makespan == cpu1Done)
    #expect(r.cpuTime == cpu0Done + cpu1Done)
  }

  /// The shape of the seed's result: past a few CPUs the global lock spins far more and vmap nodes
  /// finish sooner.
  @Test func vmapNodesScaleWhereTheGlobalLockSpins() {
    let ops = ParallelWorkload.testVmallocMask7(stepsPerCPU: 160)
    let config = MachineConfig(cpus: 1, memory: MemoryConfig(bytes: 1 << 30))
    let report = ContentionReport(
      cpuCounts: [1, 16], config: config, variant: try! MachineVariant.parse("vmap-nodes=off").get(),
      workload: "test", perCPU: { ParallelWorkload.replicate(ops, cpus: $0) })
    let one = report.rows[0]
    let many = report.rows[1]
    // One CPU: nobody to wait for, and one node either way.
    #expect(one.a.spinShare == 0 && one.b.spinShare == 0 && one.a.makespan == one.b.makespan)
    #expect(many.b.spinShare > 2 * many.a.spinShare, "\(many.a.spinShare) vs \(many.b.spinShare)")
    #expect(many.speedUp > 1.2)
    #expect((many.b.spinning[.vmapArea] ?? 0) > 0 && many.a.spinning[.vmapArea] == nil)
  }

  /// Each CPU's copy runs under its own names on its own CPU; frame-bound operations stay on CPU 0.
  @Test func replicatedOperationsKeepToTheirCPU() {
    let template: [MMCore.Operation] = [
      .vmalloc(VmallocRequest(size: 4096, name: "t")), .vfree(.name("t"), cpu: 0), .vfree(.address(0x1000), cpu: 0),
      .allocPagesAt(pfn: 5, order: 0, migratetype: .movable),
    ]
    let per = ParallelWorkload.replicate(template, cpus: 3)
    #expect(per[0].count == 4 && per[1].count == 2 && per[2].count == 2)
    #expect(per[2][0] == .vmalloc(VmallocRequest(size: 4096, cpu: 2, name: "c2.t")))
    #expect(per[2][1] == .vfree(.name("c2.t"), cpu: 2))
  }
}
