import MMCore

/// Workloads of the physical half: the buddy allocator, the direct map under modules, secretmem and
/// the unmapped cache, and executable-memory sharing.
enum PhysicalScenarios {
  static func alloc(_ s: inout ScriptBuilder, _ name: String, order: Int, _ mt: Migratetype = .movable, cpu: Int = 0) {
    s.op(.allocPages(order: order, migratetype: mt, zone: .normal, cpu: cpu, name: name))
  }

  static func free(_ s: inout ScriptBuilder, _ name: String, cpu: Int = 0) {
    s.op(.freePages(.name(name), order: nil, cpu: cpu))
  }

  /// The kernel-oracle classroom sequence on one 4 MiB zone, narrated.
  static let classroom = Scenario(
    name: "buddy-classroom",
    summary: "one 4 MiB zone: splits on allocation, merges and tail insertion on free (kernel oracle buddy-classroom)",
    zones: [ZoneSpec(.normal, 0, 0x400)]
  ) { _, _, _ in
    var s = ScriptBuilder()
    s.bookmark("start")
    s.narrate(
      "Boot hands the zone over as one order-10 block (4 MiB) on the Movable list. An order-0 request "
        + "splits it ten times: each upper half goes to the head of its order's list, the lowest page is returned.")
    alloc(&s, "a", order: 0)
    s.narrate(
      "The next requests take the heads of the smallest lists that can serve them, splitting again where needed.")
    alloc(&s, "b", order: 0)
    alloc(&s, "c", order: 1)
    alloc(&s, "d", order: 3)
    alloc(&s, "e", order: 2)
    alloc(&s, "f", order: 0)
    alloc(&s, "g", order: 2)
    s.bookmark("seven-allocated")
    s.narrate("Freeing b (pfn 0x1): its buddy 0x0 is allocated, so no merge; it goes to the head of the order-0 list.")
    free(&s, "b")
    s.narrate("Freeing c, then a: a merges with b (0x0 + 0x1 = order 1), then with c (order 2).")
    free(&s, "c")
    free(&s, "a")
    s.bookmark("merged")
    s.narrate(
      "Freeing d (0x8, order 3) and e (0x4, order 2): e merges with the order-2 block at 0x0, then with d. "
        + "The result (order 4 at 0x0) goes to the tail: its parent's buddy (order 5 at 0x20) is free, so it is likely "
        + "to merge again soon (buddy_merge_likely).")
    free(&s, "d")
    free(&s, "e")
    s.bookmark("tail-insertion")
    s.narrate("Everything freed: the zone is one order-10 block again.")
    free(&s, "f")
    free(&s, "g")
    s.bookmark("end")
    return s
  }

  /// Pages of mixed mobility on a small machine: claims of pageblocks and steals.
  static let fragmentation = Scenario(
    name: "fragmentation",
    summary: "mixed unmovable, movable and reclaimable pages on 256 MiB: pageblock claims, steals and fallbacks",
    steps: 4000, memory: 256 << 20
  ) { steps, _, rng in
    var s = ScriptBuilder()
    var live: [String] = []
    s.narrate(
      "Every pageblock starts Movable. Unmovable and reclaimable requests fall back: large free blocks are "
        + "claimed (the pageblock changes type), small ones are stolen (it does not).")
    while s.operations < steps {
      if live.count < 300 && (live.isEmpty || rng.inclusive(0...9) < 6) {
        let roll = rng.inclusive(0...9)
        let mt: Migratetype = roll < 6 ? .movable : roll < 9 ? .unmovable : .reclaimable
        let order = Int(rng.inclusive(0...9) < 8 ? rng.inclusive(0...2) : rng.inclusive(3...9))
        let name = s.name("p")
        s.op(.allocPages(order: order, migratetype: mt, zone: .normal, cpu: 0, name: name))
        live.append(name)
      } else {
        let name = live.remove(at: Int(rng.inclusive(0...UInt64(live.count - 1))))
        free(&s, name)
        s.release(name, prefix: "p")
      }
    }
    return s
  }

  /// Modules loaded and unloaded with STRICT_MODULE_RWX on an 8 GiB machine.
  static let modules = Scenario(
    name: "modules-rwx",
    summary: "loading modules with STRICT_MODULE_RWX splits the direct map (compare --unmapped-cache on)",
    cpus: 2, steps: 60, memory: 8 << 30
  ) { steps, _, rng in
    var s = ScriptBuilder()
    var loaded: [String] = []
    s.narrate(
      "Each module gets text, rodata and data areas in the module space. Making text RO+X and rodata RO also "
        + "changes the direct-map alias of every page behind them: a 1 GiB or 2 MiB leaf holding such a page splits.")
    while s.operations < steps {
      if loaded.count < 20 && (loaded.count < 3 || rng.inclusive(0...3) != 0) {
        let name = s.name("mod")
        let layout = ModuleLayout(
          text: rng.inclusive(1...40) * 4096 + rng.inclusive(0...4095), rodata: rng.inclusive(1...12) * 4096,
          data: rng.inclusive(1...8) * 4096)
        s.op(.loadModule(name: name, layout, cpu: Int(rng.inclusive(0...1))))
        loaded.append(name)
      } else {
        s.narrate("Unloading resets each page's alias (invalid, purge, default), one page at a time.")
        let name = loaded.remove(at: Int(rng.inclusive(0...UInt64(loaded.count - 1))))
        s.op(.unloadModule(name: name))
        s.release(name, prefix: "mod")
      }
    }
    s.bookmark("end")
    return s
  }

  /// memfd_secret users, each taking pages out of the direct map.
  static let secretmem = Scenario(
    name: "secretmem",
    summary: "memfd_secret pages leave the direct map one at a time (compare --unmapped-cache on)",
    steps: 200, memory: 4 << 30
  ) { steps, _, rng in
    var s = ScriptBuilder()
    var live: [String] = []
    s.narrate(
      "A secretmem page is removed from the direct map on its own (set_direct_map_invalid_noflush): the "
        + "large page holding it splits. With the unmapped cache, pages come from 2 MiB blocks unmapped whole.")
    while s.operations < steps {
      if live.count < 24 && (live.isEmpty || rng.inclusive(0...2) != 0) {
        let name = s.name("s")
        s.op(.secretmemAlloc(name: name, pages: Int(rng.inclusive(1...8))))
        live.append(name)
      } else {
        let name = live.remove(at: Int(rng.inclusive(0...UInt64(live.count - 1))))
        s.op(.secretmemFree(name: name))
        s.release(name, prefix: "s")
      }
    }
    return s
  }

  /// The same BPF programs through bpf_prog_pack's bitmaps, then Song Liu's tree allocator.
  static let bpf = Scenario(
    name: "bpf-programs",
    summary: "BPF programs sharing 2 MiB RO+X memory: bpf_prog_pack's bitmaps, then the execmem tree",
    steps: 400, memory: 1 << 30
  ) { steps, _, rng in
    var s = ScriptBuilder()
    let sizes = (0..<max(steps / 4, 1)).map { _ in
      rng.inclusive(1...6) == 1 ? rng.inclusive(4000...20000) : rng.inclusive(60...3000)
    }
    s.narrate("bpf_prog_pack: 2 MiB packs made RO+X once, 64-byte chunks, one 4 KiB bitmap per pack, first fit.")
    s.bookmark("prog-pack")
    for (i, size) in sizes.enumerated() { s.op(.progPackAlloc(size: size, name: "p\(i)")) }
    for i in stride(from: 0, to: sizes.count, by: 2) { s.op(.progPackFree(name: "p\(i)")) }
    s.bookmark("execmem")
    s.narrate(
      "execmem_alloc (Song Liu, 2022): the same programs carved from 2 MiB RO+X chunks kept in a second "
        + "augmented free tree, at byte granularity; metadata is one vmap_area per free piece.")
    for (i, size) in sizes.enumerated() { s.op(.execmemAlloc(size: size, align: 64, name: "e\(i)")) }
    for i in stride(from: 0, to: sizes.count, by: 2) { s.op(.execmemFree(name: "e\(i)")) }
    s.bookmark("end")
    return s
  }

  static let all = [classroom, fragmentation, modules, secretmem, bpf]
}
