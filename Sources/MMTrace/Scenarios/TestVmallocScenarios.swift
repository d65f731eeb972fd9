import MMCore

/// lib/test_vmalloc.c's workloads, one operation stream each, with `test_loop_count` taken from the
/// requested number of steps. Sizes are as the module passes them to vmalloc()/__vmalloc_node().
enum TestVmallocScenarios {
  static let page = KernelConstants.pageSize
  /// THREAD_ALIGN on x86-64 without KASAN (= THREAD_SIZE, 16 KiB).
  static let threadAlign: UInt64 = 16 * 1024

  /// `fix_size_alloc_test`: vmalloc(1 page), touch, vfree.
  static func fixSize(_ s: inout ScriptBuilder, loops: Int) {
    for _ in 0..<loops {
      s.vmalloc("t", page)
      s.vfree("t")
    }
  }

  /// `full_fit_alloc_test`: interleave lazy_max_pages() pairs of 1-page areas, free one of each pair
  /// (1-page holes, later served by full fits), then loop on 1-page allocations.
  static func fullFit(_ s: inout ScriptBuilder, loops: Int, cpus: Int) {
    fullFit(&s, loops: loops, junk: Int(KernelMath.lazyMaxPages(cpus: cpus)))
  }

  /// The same with `junk` pairs instead of lazy_max_pages() (the contention model scales it down).
  static func fullFit(_ s: inout ScriptBuilder, loops: Int, junk: Int) {
    s.vmalloc("ptr", UInt64(8 * junk))
    s.vmalloc("junk_ptr", UInt64(8 * junk))
    for i in 0..<junk {
      s.vmalloc("p\(i)", page)
      s.vmalloc("j\(i)", page)
    }
    for i in 0..<junk { s.vfree("j\(i)") }
    fixSize(&s, loops: loops)
    for i in 0..<junk { s.vfree("p\(i)") }
    s.vfree("ptr")
    s.vfree("junk_ptr")
  }

  /// `long_busy_list_alloc_test`: 15000 one-page areas kept busy, then 100-page and 1-page pairs.
  static func longBusyList(_ s: inout ScriptBuilder, loops: Int, busy: Int = 15000) {
    s.vmalloc("ptr", UInt64(8 * busy))
    for i in 0..<busy { s.vmalloc("b\(i)", page) }
    for _ in 0..<loops {
      s.vmalloc("t1", 100 * page)
      s.vmalloc("t2", page)
      s.vfree("t1")
      s.vfree("t2")
    }
    for i in 0..<busy { s.vfree("b\(i)") }
    s.vfree("ptr")
  }

  /// `random_size_alloc_test`: 1..100 pages.
  static func randomSize(_ s: inout ScriptBuilder, loops: Int, rng: inout SeededRandom) {
    for _ in 0..<loops {
      s.vmalloc("t", rng.inclusive(1...100) * page)
      s.vfree("t")
    }
  }

  /// `fix_align_alloc_test`: 5 pages aligned to THREAD_ALIGN << 1.
  static func fixAlign(_ s: inout ScriptBuilder, loops: Int) {
    for _ in 0..<loops {
      s.vmalloc("t", 5 * page, align: threadAlign << 1)
      s.vfree("t")
    }
  }

  /// `random_size_align_alloc_test`: one random byte picks align 2^(rnd % 23) and 1..10 pages.
  static func randomSizeAlign(_ s: inout ScriptBuilder, loops: Int, rng: inout SeededRandom) {
    for _ in 0..<loops {
      let rnd = rng.next() & 0xff
      s.vmalloc("t", ((rnd % 10) + 1) * page, align: 1 << (rnd % 23))
      s.vfree("t")
    }
  }

  /// `align_shift_alloc_test`: one page at alignments 2^0, 2^1, ... The test returns at the first
  /// failure, which comes where ALIGN(VMALLOC_START, align) wraps or passes VMALLOC_END (2^46 on
  /// x86-64): that allocation is the last operation.
  static func alignShift(_ s: inout ScriptBuilder) {
    for i in 0..<64 {
      let align: UInt64 = 1 << UInt64(i)
      s.vmalloc("t\(i)", page, align: align)
      let start = KernelMath.alignUp(KernelConstants.vmallocStart, align)
      if start < KernelConstants.vmallocStart || start &+ 2 * page > KernelConstants.vmallocEnd { return }
      s.vfree("t\(i)")
    }
  }

  static let all: [Scenario] = [
    Scenario(name: "fix_size_alloc_test", summary: "test_vmalloc: vmalloc(1 page) and vfree in a loop", steps: 2000) {
      steps, _, _ in
      var s = ScriptBuilder()
      fixSize(&s, loops: max(1, steps / 2))
      return s
    },
    Scenario(
      name: "full_fit_alloc_test",
      summary: "test_vmalloc: lazy_max_pages() one-page holes between busy pages, then one-page allocations",
      steps: 2000
    ) { steps, cpus, _ in
      var s = ScriptBuilder()
      fullFit(&s, loops: max(1, steps / 2), cpus: cpus)
      return s
    },
    Scenario(
      name: "long_busy_list_alloc_test",
      summary:
        "test_vmalloc: 15000 busy pages, then 100-page + 1-page pairs (alone, the old allocator's cache keeps it next-fit: about one area walked per allocation)",
      steps: 2000
    ) { steps, _, _ in
      var s = ScriptBuilder()
      longBusyList(&s, loops: max(1, steps / 4))
      return s
    },
    Scenario(name: "random_size_alloc_test", summary: "test_vmalloc: 1..100 random pages, vfree", steps: 2000) {
      steps, _, rng in
      var s = ScriptBuilder()
      randomSize(&s, loops: max(1, steps / 2), rng: &rng)
      return s
    },
    Scenario(
      name: "fix_align_alloc_test", summary: "test_vmalloc: 5 pages aligned to THREAD_ALIGN << 1 (32 KiB), vfree",
      steps: 2000
    ) { steps, _, _ in
      var s = ScriptBuilder()
      fixAlign(&s, loops: max(1, steps / 2))
      return s
    },
    Scenario(
      name: "random_size_align_alloc_test",
      summary: "test_vmalloc: 1..10 pages at a random alignment up to 4 MiB, vfree", steps: 2000
    ) { steps, _, rng in
      var s = ScriptBuilder()
      randomSizeAlign(&s, loops: max(1, steps / 2), rng: &rng)
      return s
    },
    Scenario(
      name: "align_shift_alloc_test",
      summary: "test_vmalloc: one page at alignments 2^0, 2^1, ... until one fails (2^46)",
      steps: 128
    ) { _, _, _ in
      var s = ScriptBuilder()
      alignShift(&s)
      return s
    },
    Scenario(
      name: "long-busy-mixed",
      summary:
        "15000 busy pages, then random sizes and alignments: the pre-5.2 allocator walks the long busy list, the tree does not (compare --vs policy=legacy)",
      steps: 17000
    ) { steps, _, rng in
      var s = ScriptBuilder()
      let busy = 15000
      s.bookmark("busy-list")
      s.vmalloc("ptr", UInt64(8 * busy))
      for i in 0..<busy { s.vmalloc("b\(i)", page) }
      // random_size_align_alloc_test's requests: an alignment below the last one resets the old
      // allocator's cache, and its next search walks the busy list from VMALLOC_START.
      s.bookmark("mixed")
      randomSizeAlign(&s, loops: max(1, (steps - busy - 1) / 2), rng: &rng)
      return s
    },
    Scenario(
      name: "test_vmalloc",
      summary:
        "test_vmalloc.sh performance: the KVA tests above in sequence, on one CPU (varying sizes and alignments reset the old allocator's cache: its O(N) walk shows here)",
      steps: 20000
    ) { steps, cpus, rng in
      var s = ScriptBuilder()
      let loops = max(1, steps / 14)
      s.bookmark("fix_size_alloc_test")
      fixSize(&s, loops: loops)
      s.bookmark("full_fit_alloc_test")
      fullFit(&s, loops: loops, cpus: cpus)
      s.bookmark("long_busy_list_alloc_test")
      longBusyList(&s, loops: max(1, loops / 2))
      s.bookmark("random_size_alloc_test")
      randomSize(&s, loops: loops, rng: &rng)
      s.bookmark("fix_align_alloc_test")
      fixAlign(&s, loops: loops)
      s.bookmark("random_size_align_alloc_test")
      randomSizeAlign(&s, loops: loops, rng: &rng)
      s.bookmark("align_shift_alloc_test")
      alignShift(&s)
      return s
    },
  ]
}
