import MMCore

/// The guided tour `swift run mmscope` opens on: one chapter per panel, each step narrated, with the
/// keys to try. A small machine (1 CPU, 2 GiB, the unmapped cache on) so every effect is visible.
enum TourScenario {
  static let kib: UInt64 = 1024

  static func vmalloc(_ name: String, _ size: UInt64) -> Operation {
    .vmalloc(VmallocRequest(size: size, name: name))
  }

  static let scenario = Scenario(
    name: "tour",
    summary: "the guided tour: every panel in turn, narrated (what `mmscope` opens on)",
    cpus: 1, memory: 2 << 30, unmappedCache: true
  ) { config in
    let legacy = config.kva.policy == .legacy
    let cache = config.memory.unmappedCache
    var s = ScriptBuilder()
    s.bookmark("welcome")
    s.narrate(
      "Welcome to mmscope. Each step is one kernel operation. → steps, ← steps back, . takes a step apart "
        + "phase by phase, Space plays, ] next chapter, ? every key.")
    // Chapter 1: the address space and the free tree.
    if legacy {
      s.narrate(
        "a = vmalloc(16 KiB): 4 pages plus a guard page (┊). This is the pre-5.2 allocator (--policy legacy): "
          + "it keeps no tree of free areas, only the busy ones. It walks the busy list from its cached position "
          + "(free_vmap_cache) to the first hole big enough between two busy areas.")
      s.op(vmalloc("a", 16 * kib))
      s.narrate(
        "b = vmalloc(4 KiB): the walk resumes at a, where the last allocation ended (next-fit), so it steps "
          + "over one busy area only. The left panel lists the holes, free_vmap_cache and cached_hole_size.")
      s.op(vmalloc("b", 4 * kib))
    } else {
      s.narrate(
        "a = vmalloc(16 KiB): 4 pages plus a guard page (┊). The kernel's free tree starts as one area over the "
          + "whole address space, so the address panel compresses the huge free runs (┈ 16 EiB ┈) and draws the "
          + "rest to scale. The request lands inside that one area: a no-edge (NE) fit, which splits it in two.")
      s.op(vmalloc("a", 16 * kib))
      s.narrate(
        "b = vmalloc(4 KiB) is cut from the left edge of the free area after a: a left-edge (LE) fit. In the "
          + "tree, ↙ marks where the search went left, ✗ a dead end, and ✓ the node where it stopped after "
          + "climbing back. Press . to watch the search node by node.")
      s.op(vmalloc("b", 4 * kib))
    }
    s.narrate(
      "c = vmalloc(64 KiB). Its 16 pages come from the buddy allocator one at a time: look at the buddy panel, "
        + "where the orders that were split are highlighted and ◆ on the memory strip marks c's pages.")
    s.op(vmalloc("c", 64 * kib))
    s.bookmark("lazy-free")
    s.narrate(
      "vfree(b): the pages go back to the buddy allocator at once, but the address range stays reserved (▒ lazy) "
        + "until a purge, so one TLB flush can cover many frees. Press t with the tree focused (Tab) to list lazy areas."
    )
    s.op(.vfree(.name("b"), cpu: 0))
    s.narrate(
      legacy
        ? "The purge takes b out of the busy list for good: its range is a hole between a and c now."
        : "The purge returns b's range to the free tree. Busy neighbours on both sides: it becomes a free node "
          + "of its own, the tree rotates to stay balanced, and subtree_max_size is updated up the path (* marks "
          + "the values that changed).")
    s.op(.purge)
    s.narrate(
      legacy
        ? "d = vmalloc(4 KiB) needs 8 KiB with its guard page: exactly b's old hole. The walk starts from the "
          + "cache or the start of the window and steps over busy areas until it reaches the hole. Press h or l "
          + "to select areas in the top panel, Enter to inspect one."
        : "d = vmalloc(4 KiB) needs 8 KiB with its guard page: exactly b's old hole. Lowest fit finds it first: "
          + "a full fit (FL) removes the node. Press h or l to select areas in the top panel, Enter to inspect one.")
    s.op(vmalloc("d", 4 * kib))
    // Chapter 2: the buddy allocator.
    s.bookmark("buddy")
    s.narrate(
      "alloc_pages(order 3): 8 contiguous pages. The smallest free block that fits is split; each split puts "
        + "the upper half back one order lower. In Wilcox's memory-descriptor proposal (not mainline) each new "
        + "free block would need a descriptor.")
    s.op(.allocPages(order: 3, migratetype: .movable, zone: .normal, cpu: 0, name: "x"))
    s.narrate("alloc_pages(order 0): one page, from the smallest free block again.")
    s.op(.allocPages(order: 0, migratetype: .movable, zone: .normal, cpu: 0, name: "y"))
    s.narrate(
      "free x: a freed block merges with its buddy (the block whose pfn differs in bit `order`) as long as the "
        + "buddy is free at the same order, climbing orders; the merged block goes on one list.")
    s.op(.freePages(.name("x"), order: nil, cpu: 0))
    s.narrate("free y: its buddies are free again, so the merges climb back up.")
    s.op(.freePages(.name("y"), order: nil, cpu: 0))
    // Chapter 3: the direct map.
    s.bookmark("direct-map")
    s.narrate(
      "set_memory_ro(c): the vmalloc mapping and the direct-map alias of c's pages become read-only. The alias "
        + "sits inside a 1 GiB leaf: the kernel splits it into 2 MiB leaves, then the 2 MiB leaf into 4 KiB ones "
        + "(direct_map_level3_splits and level2_splits, right panel). DirectMap4k grows.")
    s.op(.setMemory(.ro, .name("c"), pages: 16))
    s.narrate(
      "set_memory_rw(c): the attributes go back, but the split stays: only set_memory_rox tries to collapse "
        + "512 identical 4 KiB leaves into a 2 MiB one again.")
    s.op(.setMemory(.rw, .name("c"), pages: 16))
    s.narrate(
      cache
        ? "Loading a module: text becomes RO+X, rodata RO, data NX. With Rapoport's unmapped cache on (an RFC, "
          + "not in mainline v6.18), the pages come from a 2 MiB block taken out of the direct map whole, so the "
          + "module splits nothing new."
        : "Loading a module: text becomes RO+X, rodata RO, data NX. The unmapped cache is off, so changing the "
          + "pages' direct-map aliases splits the 2 MiB leaves they sit in (try --unmapped-cache on).")
    s.op(
      .loadModule(
        name: "m", ModuleLayout(text: 24 * kib + 100, rodata: 8 * kib, data: 8 * kib), cpu: 0))
    s.narrate(
      cache
        ? "memfd_secret pages come from the same cache: removed from the direct map, no split."
        : "memfd_secret pages are removed from the direct map one at a time: each can split a 2 MiB leaf.")
    s.op(.secretmemAlloc(name: "s", pages: 4))
    // Chapter 4: sharing executable memory.
    s.bookmark("exec")
    s.narrate(
      "bpf_prog_pack: a BPF program of 700 bytes gets 64-byte chunks in a shared 2 MiB pack made RO+X (a bitmap "
        + "marks used chunks). Making the pack read-only reaches its pages' direct-map aliases: here that splits "
        + "one more 2 MiB leaf (L2 splits), once for the whole pack.")
    s.op(.progPackAlloc(size: 700, name: "p0"))
    s.narrate(
      "A second program shares the same pack: a bitmap search, no new area, no page, no split. That sharing "
        + "is the point: without it every program would change the direct map on its own.")
    s.op(.progPackAlloc(size: 3000, name: "p1"))
    s.narrate(
      "Song Liu's execmem tree (an RFC, not merged in this form) does the same with a free tree of RO+X space "
        + "carved from 2 MiB areas: text is allocated from the tree, not the page allocator.")
    s.op(.execmemAlloc(size: 5000, align: 64, name: "e0"))
    // Chapter 5: coalescing.
    s.bookmark("coalesce")
    s.narrate(
      "Freeing a, c and d: each becomes lazy, and the purge returns them to the free tree, merging each with "
        + "its free neighbours (next first, then previous) through the address-ordered list.")
    for name in ["a", "c", "d"] { s.op(.vfree(.name(name), cpu: 0)) }
    s.op(.purge)
    s.bookmark("end")
    s.narrate(
      "That is the tour. mmscope --scenario NAME runs the other scenarios (mmscope scenarios lists them); "
        + "mmscope FILE replays a .mmtrace or a kernel trace. g goes to a step, / searches, q quits.")
    return s
  }
}
