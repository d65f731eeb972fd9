import MMCore
import MMTrace
import Testing

@testable import MMView

/// The explain pane's sentences for hand-worked steps.
@Suite struct ExplainerTests {
  func step(_ scenario: String, _ n: Int) -> (StepReport, Machine) {
    var t = Timeline(script: ScenarioLibrary.named(scenario)!.script())
    let (m, r) = t.state(at: n)
    return (r!, m)
  }

  @Test func fitsAndSearches() {
    let (r, m) = step("teach-fits", 1)
    let text = Explainer.explain(r, machine: m)
    #expect(text[0] == "vmalloc size=12K vstart=0x100000 vend=0x200000 as=a")
    #expect(text.contains("Searched 1 node(s): found at 0x1."))
    #expect(
      text.contains(
        "Placed at [0x100000, 0x104000) (16 KiB): a no-edge fit: [0x1, 0xffffffffffffffff) splits; the original node keeps the right part, a new node the left."
      ))
  }

  @Test func lazyFreeAndPurge() {
    let (f, m) = step("teach-fits", 5)
    #expect(
      Explainer.explain(f, machine: m).contains(
        "[0x104000, 0x106000) is unmapped and lazily freed: still reserved until a purge; vmap_lazy_nr is now 2 of 8192 pages."
      ))
    let (p, m2) = step("teach-fits", 6)
    let lines = Explainer.explain(p, machine: m2)
    #expect(
      lines.dropLast().last
        == "The purge flushed the TLB once over [0x104000, 0x106000) and released 1 area(s) (2 pages). Released areas return to the free tree, coalescing with their free neighbours."
    )
    // One CPU, so the pre-v6.9 locks: the purge mutex over 1 area, the lazy tree detached under
    // purge_vmap_area_lock, and 1 area merged back under free_vmap_area_lock, charged a descent of
    // the 2-node free tree (floor(log2(2)) + 1 = 2 levels).
    #expect(
      lines.last
        == "Locks (work under each): vmap_purge_lock (1), purge_vmap_area_lock (1), free_vmap_area_lock (2).")
  }

  @Test func buddyMergesAndTailInsertion() {
    let script = ScenarioLibrary.named("buddy-classroom")!.script()
    var t = Timeline(script: script)
    let (m, r) = t.state(at: t.step(ofBookmark: "tail-insertion")!)
    #expect(
      Explainer.explain(r!, machine: m).contains(
        "Buddy (Normal): freed order 2 at pfn 0x4, merged 2 time(s) into order 4 at 0x0, added at the tail (its parent's buddy is free: likely to merge again). Freeing allocates no descriptor."
      ))
    let (m0, a) = t.state(at: 1)
    #expect(
      Explainer.explain(a!, machine: m0).contains(
        "Buddy (Normal): order-0 movable block at pfn 0x0, cut from an order-10 block; 10 split(s), each upper half to the head of its list: 10 new descriptor(s)."
      ))
  }

  @Test func refusalsSayNothingChanged() {
    var m = Machine(config: MachineConfig(cpus: 1, memory: MemoryConfig(bytes: 64 << 20)))
    let r = m.apply(.vfree(.name("ghost"), cpu: 0))
    #expect(
      Explainer.explain(r, machine: m) == [
        "vfree ghost", "Refused: no live allocation is named 'ghost'. Nothing changed.",
      ])
  }
}
