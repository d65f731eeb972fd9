import MMCore

/// A hand-sized walk through every fit type, lazy freeing, purge and coalescing, inside a 1 MiB window
/// so the addresses stay short. One CPU: one vmap node, no pools.
enum TeachFitsScenario {
  static let windowStart: UInt64 = 0x10_0000
  static let windowEnd: UInt64 = 0x20_0000
  static let kib: UInt64 = 1024

  static func window(_ name: String, _ size: UInt64, align: UInt64 = 1) -> Operation {
    .vmalloc(VmallocRequest(size: size, align: align, vstart: windowStart, vend: windowEnd, name: name))
  }

  static let scenario = Scenario(
    name: "teach-fits",
    summary: "hand-sized tour: NE, LE, FL and RE fits, lazy free, purge and coalescing in a 1 MiB window",
    cpus: 1, steps: 0
  ) { _, _, _ in
    var s = ScriptBuilder()
    s.bookmark("start")
    s.narrate(
      "The free tree starts as one area [0x1, ULONG_MAX): the kernel manages the whole address space and "
        + "each request brings its own window. Here every request uses [0x100000, 0x200000).")
    s.narrate(
      "a = vmalloc(12 KiB): rounded to pages, plus a guard page = 16 KiB. It lands inside the one big "
        + "free area: a no-edge (NE) fit. The original node keeps the right part; a new node holds [0x1, 0x100000).")
    s.op(window("a", 12 * kib))
    s.narrate("b = vmalloc(4 KiB) takes 8 KiB from the left edge of the right part: a left-edge (LE) fit.")
    s.op(window("b", 4 * kib))
    s.op(window("c", 8 * kib))
    s.op(window("d", 4 * kib))
    s.bookmark("four-busy")
    s.narrate(
      "vfree(b): the area is unmapped but stays reserved in the lazy tree until a purge; "
        + "vmap_lazy_nr grows by its 2 pages.")
    s.op(.vfree(.name("b"), cpu: 0))
    s.narrate(
      "The purge returns every lazy area to the free tree at once, after one TLB flush over their range. "
        + "b's range has busy neighbours on both sides, so it becomes a node of its own.")
    s.op(.purge)
    s.narrate("e = vmalloc(4 KiB) needs exactly the 8 KiB hole b left: a full fit (FL) removes that node.")
    s.op(window("e", 4 * kib))
    s.bookmark("full-fit")
    s.op(.vfree(.name("c"), cpu: 0))
    s.op(.purge)
    s.narrate(
      "f asks for exactly [0x107000, 0x109000) (vstart..vend is the size, as fixed-address users do): "
        + "the hole's right edge matches, a right-edge (RE) fit.")
    s.op(
      .allocVmapArea(
        KVARequest(size: 8 * kib, align: 4 * kib, vstart: 0x10_7000, vend: 0x10_9000),
        kind: .vmap, name: "f"))
    s.narrate(
      "g = 4 KiB aligned to 32 KiB: the search looks for size + align - 1 bytes, so small holes are "
        + "skipped; the aligned start leaves free space on both sides: NE again.")
    s.op(window("g", 4 * kib, align: 32 * kib))
    s.bookmark("all-fits")
    s.narrate(
      "Freeing everything and purging: each area merges with its free neighbours (next first, then "
        + "previous) through the address-ordered list, until one free area spans [0x1, ULONG_MAX) again.")
    for name in ["a", "d", "e", "f", "g"] { s.op(.vfree(.name(name), cpu: 0)) }
    s.op(.purge)
    s.bookmark("coalesced")
    return s
  }
}

/// The sequence from the kernel oracle `kva-shape`: with align > PAGE_SIZE the search length is
/// size + align - 1, and a block that would fit is returned only if it lies on the search path.
enum ShapeMattersScenario {
  static let scenario = Scenario(
    name: "shape-matters",
    summary: "why the red-black tree's shape decides the answer when align > PAGE_SIZE (kernel oracle kva-shape)",
    cpus: 1, steps: 0
  ) { _, _, _ in
    var s = ScriptBuilder()
    let kib: UInt64 = 1024
    func alloc(_ name: String, align: UInt64) -> Operation {
      .allocVmapArea(
        KVARequest(size: 16 * kib, align: align, vstart: 0x10_0000, vend: 0x100_0000), kind: .stack, name: name)
    }
    s.narrate(
      "Sixteen 16 KiB stacks side by side from 0x100000, then five of them freed and purged, "
        + "leaving holes at 0x108000 (16 KiB), 0x114000 (16 KiB) and 0x128000-0x134000 (48 KiB).")
    for i in 0..<16 { s.op(alloc("s\(i)", align: 16 * kib)) }
    for i in [5, 10, 11, 12, 2] {
      s.op(.vfree(.name("s\(i)"), cpu: 0))
      s.op(.purge)
    }
    s.bookmark("holes")
    s.narrate(
      "A 16 KiB request aligned to 32 KiB searches for 16 KiB + 32 KiB - 1. The hole at 0x108000 is "
        + "32 KiB aligned and 16 KiB long, so the request would fit there, but its subtree's maximum (16 KiB) "
        + "is below the search length, so the descent never enters it. The kernel returns 0x128000.")
    s.op(alloc("x", align: 32 * kib))
    s.narrate("A 16 KiB request at page alignment searches for just 16 KiB and finds the lowest hole, 0x108000: FL.")
    s.op(alloc("y", align: 4 * kib))
    s.bookmark("done")
    return s
  }
}
