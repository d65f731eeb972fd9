import MMCore

/// The built-in exercises, one or more per lesson in Recordings/, in the order `exercise --list`
/// prints them.
public enum ExerciseLibrary {
  public static let all: [Exercise] = [
    fits, alignedSearch, lazyThreshold, legacyWalk, buddy, directMap, progPack, descriptors, traceStacks,
  ]

  public static func named(_ name: String) -> Exercise? { all.first { $0.name == name } }

  static func pick(_ rng: inout SeededRandom, _ range: ClosedRange<Int>) -> Int {
    Int(rng.inclusive(UInt64(range.lowerBound)...UInt64(range.upperBound)))
  }

  /// `count` distinct indices below `n`, in random order.
  static func choose(_ rng: inout SeededRandom, _ count: Int, of n: Int) -> [Int] {
    var all = Array(0..<n)
    for i in stride(from: n - 1, to: 0, by: -1) { all.swapAt(i, pick(&rng, 0...i)) }
    return Array(all.prefix(count))
  }

  static let window = Span(0x10_0000, 0x14_0000)
  static var windowArgs: String { "vstart=\(window.start.hex) vend=\(window.end.hex)" }

  static let fits = Exercise(
    name: "fits", lesson: "vmalloc-fits.mmtrace",
    summary: "lowest fit in the augmented tree: where each vmalloc lands and its fit type"
  ) { rng in
    var setup: [String] = []
    for i in 1...7 { setup.append("vmalloc size=\(pick(&rng, 1...4) * 4)K \(windowArgs) as=a\(i)") }
    for i in choose(&rng, 3, of: 7) { setup.append("vfree a\(i + 1)") }
    setup.append("purge")
    let work = (1...4).map { i in
      ("vmalloc size=\(pick(&rng, 1...3) * 4)K \(windowArgs) as=w\(i)", [Exercise.Ask.address, .fit])
    }
    return Exercise.Parts(
      machine: "machine cpus=1 memory=512M", setup: setup, work: work, draw: [.freeTree, .addressMap(window)],
      intro: "Every request is vmalloc() in the window [0x100000, 0x140000) and takes one guard page more "
        + "than its size. The search descends the free tree for the lowest free area that holds size + guard, "
        + "going left whenever the left subtree's max is big enough.")
  }

  static let alignedSearch = Exercise(
    name: "aligned-search", lesson: "tree-shape.mmtrace",
    summary: "align > PAGE_SIZE: the search looks for size + align - 1, so the tree's shape decides"
  ) { rng in
    var setup: [String] = []
    for i in 1...10 { setup.append("vmalloc size=\(pick(&rng, 1...3) * 4)K \(windowArgs) as=a\(i)") }
    for i in choose(&rng, 5, of: 10) { setup.append("vfree a\(i + 1)") }
    setup.append("purge")
    let aligns = ["16K", "32K", "8K"]
    let work = (1...3).map { i in
      (
        "vmalloc size=\(pick(&rng, 1...2) * 4)K align=\(aligns[i - 1]) \(windowArgs) as=w\(i)",
        [Exercise.Ask.address, .fit, .visited]
      )
    }
    return Exercise.Parts(
      machine: "machine cpus=1 memory=512M", setup: setup, work: work, draw: [.freeTree, .addressMap(window)],
      intro: "With align above PAGE_SIZE, adjust_search_size makes the descent look for size + guard + align - 1 "
        + "bytes, so a hole that would hold the aligned area can be passed over when its subtree's max is "
        + "smaller than that. Count every node whose area the search examines.")
  }

  static let lazyThreshold = Exercise(
    name: "lazy-threshold", lesson: "lazy-purge.mmtrace",
    summary: "lazy free: vmap_lazy_nr after each vfree, and which free starts the purge"
  ) { rng in
    var setup: [String] = []
    let sizes = (1...6).map { _ in [4, 6, 8][pick(&rng, 0...2)] }
    for (i, s) in sizes.enumerated() { setup.append("vmalloc size=\(s)M vstart=0x100000 vend=0x8100000 as=b\(i + 1)") }
    let work = choose(&rng, 6, of: 6).map { i in ("vfree b\(i + 1)", [Exercise.Ask.lazy, .purged]) }
    return Exercise.Parts(
      machine: "machine cpus=1 vmap-nodes=off memory=512M", setup: setup, work: work,
      draw: [.addressMap(Span(0x10_0000, 0x810_0000))],
      intro: "One CPU: lazy_max_pages() = fls(1) * 32 MiB / 4 KiB = 8192 pages. vfree() leaves the area lazy and "
        + "adds its pages (the guard page too) to vmap_lazy_nr; when the count exceeds lazy_max_pages() the free "
        + "purges every lazy area.")
  }

  static let legacyWalk = Exercise(
    name: "legacy-walk", lesson: "old-vs-new.mmtrace",
    summary: "the pre-5.2 allocator: how far the busy-list walk goes, and where next-fit lands"
  ) { rng in
    var setup: [String] = []
    for i in 1...16 { setup.append("vmalloc size=4K \(windowArgs) as=c\(i)") }
    for i in choose(&rng, 4, of: 16).sorted() { setup.append("vfree c\(i + 1)") }
    setup.append("purge")
    let work = (1...4).map { i in
      ("vmalloc size=\(pick(&rng, 1...2) * 4)K \(windowArgs) as=w\(i)", [Exercise.Ask.address, .walked])
    }
    return Exercise.Parts(
      machine: "machine cpus=1 policy=legacy memory=512M", setup: setup, work: work,
      draw: [.addressMap(window), .legacyCache],
      intro: "The old allocator keeps only the busy areas. It starts from free_vmap_cache (the last allocation) "
        + "unless the request is smaller than cached_hole_size (the largest hole it walked past) or its vstart or "
        + "align is below the cached ones; then it starts over from vstart. It walks busy areas in address order "
        + "until the hole before the next one is big enough.")
  }

  static let buddy = Exercise(
    name: "buddy", lesson: "buddy.mmtrace",
    summary: "split on allocation, merge with the buddy on free"
  ) { rng in
    var setup: [String] = []
    for i in 1...6 { setup.append("alloc_pages order=\(pick(&rng, 0...3)) as=p\(i)") }
    for i in choose(&rng, 2, of: 6) { setup.append("free_pages p\(i + 1)") }
    var work: [(String, [Exercise.Ask])] = []
    for i in 1...2 { work.append(("alloc_pages order=\(pick(&rng, 0...2)) as=q\(i)", [.pfn])) }
    let live = (1...6).filter { i in !setup.contains("free_pages p\(i)") }
    for i in choose(&rng, 2, of: live.count) { work.append(("free_pages p\(live[i])", [.mergedPFN, .finalOrder])) }
    return Exercise.Parts(
      machine: "machine cpus=1 memory=4M zones=Normal:0x0-0x400", setup: setup, work: work,
      draw: [.freeLists, .pageBlocks],
      intro: "One zone of 1024 pages, every block unmovable. An allocation takes the head of the smallest "
        + "non-empty list of its order or above and splits it, each upper half to the head of the list below. "
        + "A free merges with its buddy (pfn ^ (1 << order)) while the buddy is free at the same order. A name "
        + "(p1, q1) stands for its block.")
  }

  static let directMap = Exercise(
    name: "direct-map", lesson: "direct-map.mmtrace",
    summary: "set_memory on part of a large page splits it: count the splits"
  ) { rng in
    var work: [(String, [Exercise.Ask])] = []
    for _ in 1...4 {
      let pfn = UInt64(pick(&rng, 0x4_0000...0x7_ff00))
      let pages = [1, 4, 512, 600][pick(&rng, 0...3)]
      let attr = ["ro", "x", "nx", "rw"][pick(&rng, 0...3)]
      work.append(
        (
          "set_memory \(attr) \((0xffff_8880_0000_0000 + pfn << 12).hex) pages=\(pages)",
          [.level3Splits, .level2Splits]
        ))
    }
    return Exercise.Parts(
      machine: "machine cpus=1 memory=4G", setup: [], work: work, draw: [.directMap],
      intro: "The direct map maps RAM from 0xffff888000000000 with 1 GiB pages where it can. Changing the "
        + "attributes of part of a large page splits it (1G into 2M pages: direct_map_level3_splits; 2M into "
        + "4K pages: direct_map_level2_splits); a change that already holds, or covers whole large pages, splits "
        + "nothing.")
  }

  static let progPack = Exercise(
    name: "prog-pack", lesson: "exec-memory.mmtrace",
    summary: "bpf_prog_pack's 64-byte chunks against the execmem tree"
  ) { rng in
    var work: [(String, [Exercise.Ask])] = []
    for i in 1...3 {
      let size = [64, 200, 1000, 4000][pick(&rng, 0...3)]
      work.append(("prog_pack_alloc p\(i) size=\(size)", [.address, .searchWork, .metadataBytes]))
      work.append(("execmem_alloc e\(i) size=\(size)", [.address, .searchWork, .metadataBytes]))
    }
    return Exercise.Parts(
      machine: "machine cpus=1 memory=512M", setup: [], work: work, draw: [],
      intro: "Nothing executable is allocated yet. Both allocators take their 2 MiB blocks from the module area, "
        + "lowest fit from 0xffffffffc0000000, each with a guard page after it and aligned to 2 MiB. "
        + "bpf_prog_pack hands out 64-byte chunks of a 2 MiB RO+X pack "
        + "and finds them with a bitmap (one bit a chunk, 4 KiB of bitmap per pack); Song Liu's execmem keeps "
        + "the free parts of its 2 MiB text chunks in a vmap_area tree (72 bytes a node).")
  }

  static let descriptors = Exercise(
    name: "descriptors", lesson: "memdesc.mmtrace",
    summary: "what each buddy split costs in memory descriptors (Wilcox's proposal)"
  ) { rng in
    var work: [(String, [Exercise.Ask])] = []
    for i in 1...4 { work.append(("alloc_pages order=\(pick(&rng, 0...4)) as=m\(i)", [.pfn, .descriptors])) }
    return Exercise.Parts(
      machine: "machine cpus=1 memory=4M zones=Normal:0x0-0x400", setup: [], work: work, draw: [.freeLists],
      intro: "Under the memory-descriptor proposal (not mainline) a free block needs a descriptor of its own, so "
        + "every split of a buddy block creates one for the half it puts on a free list.")
  }

  static let traceStacks = Exercise(
    name: "trace-stacks", lesson: "v6.18-perf.mmtrace",
    summary: "thread stacks as the v6.18 traces show them: 20 KiB, align 16 KiB, and the vmap-node pools"
  ) { rng in
    var setup: [String] = []
    let n = pick(&rng, 4...6)
    for i in 1...n { setup.append("alloc_vmap_area size=0x5000 align=0x4000 kind=stack cpu=\(i % 2) as=s\(i)") }
    for i in 1...n { setup.append("vfree s\(i) cpu=\(i % 2)") }
    setup.append("purge")
    var work: [(String, [Exercise.Ask])] = []
    for i in 1...3 {
      work.append(
        ("alloc_vmap_area size=0x5000 align=0x4000 kind=stack cpu=\(pick(&rng, 0...1)) as=t\(i)", [.address, .fit]))
    }
    return Exercise.Parts(
      machine: "machine cpus=2 memory=512M", setup: setup, work: work, draw: [.freeTree, .pools],
      intro: "A fork's thread stack in the v6.18 captures: alloc_vmap_area size=20480 (16 KiB and a guard page) "
        + "align=16384. Two CPUs make two vmap nodes. A purged area of a small size goes to the pool of the node "
        + "it was tagged for (the node of the CPU that allocated it); an allocation on CPU c first tries the "
        + "head of node (c mod 2)'s pool for its size, and searches the free tree only when that pool is empty.")
  }
}
