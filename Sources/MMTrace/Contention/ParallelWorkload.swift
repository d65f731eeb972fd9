import MMCore

/// What each CPU runs in the contention simulation: its own copy of an operation stream, on its own
/// CPU and under its own names, as `test_vmalloc`'s threads each run the same tests.
public enum ParallelWorkload {
  /// `test_vmalloc run_test_mask=7`: fix_size_alloc_test, full_fit_alloc_test and
  /// long_busy_list_alloc_test, in that order, on each thread. The kernel's loop counts (a million
  /// loops, 15000 busy areas, lazy_max_pages() holes) are scaled to `steps` operations per CPU so
  /// 64 CPUs stay simulable; the mix of operations is the test's.
  public static func testVmallocMask7(stepsPerCPU steps: Int) -> [Operation] {
    var s = ScriptBuilder()
    let unit = max(1, steps / 16)
    TestVmallocScenarios.fixSize(&s, loops: 2 * unit)
    TestVmallocScenarios.fullFit(&s, loops: 2 * unit, junk: unit)
    TestVmallocScenarios.longBusyList(&s, loops: unit, busy: 3 * unit)
    return s.items.compactMap(\.operation)
  }

  /// `template` on `cpus` CPUs: CPU i runs every operation with `cpu=i` and each name prefixed with
  /// `c<i>.`. Operations tied to one physical page frame or address (recorded pfns, frees by address)
  /// stay on CPU 0 only, since a second copy would name a frame the first already holds.
  public static func replicate(_ template: [Operation], cpus: Int) -> [[Operation]] {
    (0..<cpus).map { cpu in template.compactMap { onCPU($0, cpu) } }
  }

  static func onCPU(_ op: Operation, _ cpu: Int) -> Operation? {
    let p = "c\(cpu)."
    func named(_ n: String?) -> String? { n.map { p + $0 } }
    func area(_ r: AreaRef) -> AreaRef? {
      switch r {
      case .name(let n): .name(p + n)
      case .address: cpu == 0 ? r : nil
      }
    }
    func page(_ r: PageRef) -> PageRef? {
      switch r {
      case .name(let n): .name(p + n)
      case .pfn: cpu == 0 ? r : nil
      }
    }
    switch op {
    case .vmalloc(var r):
      r.cpu = cpu
      r.name = named(r.name)
      return .vmalloc(r)
    case .allocVmapArea(var r, let kind, let name):
      if r.at != nil && cpu != 0 { r.at = nil }
      r.cpu = cpu
      return .allocVmapArea(r, kind: kind, name: named(name))
    case .vfree(let ref, _): return area(ref).map { .vfree($0, cpu: cpu) }
    case .purge, .kernelPurge, .unmappedShrink: return op
    case .allocPages(let order, let mt, let zone, _, let name):
      return .allocPages(order: order, migratetype: mt, zone: zone, cpu: cpu, name: named(name))
    case .allocPagesAt: return cpu == 0 ? op : nil
    case .freePages(let ref, let order, _): return page(ref).map { .freePages($0, order: order, cpu: cpu) }
    case .setMemory(let change, let ref, let pages): return area(ref).map { .setMemory(change, $0, pages: pages) }
    case .loadModule(let name, let layout, _): return .loadModule(name: p + name, layout, cpu: cpu)
    case .unloadModule(let name): return .unloadModule(name: p + name)
    case .secretmemAlloc(let name, let pages): return .secretmemAlloc(name: p + name, pages: pages)
    case .secretmemFree(let name): return .secretmemFree(name: p + name)
    case .unmappedAlloc(let order, let name): return .unmappedAlloc(order: order, name: named(name))
    case .unmappedFree(let ref): return page(ref).map { .unmappedFree($0) }
    case .progPackAlloc(let size, let name): return .progPackAlloc(size: size, name: p + name)
    case .progPackFree(let name): return .progPackFree(name: p + name)
    case .execmemAlloc(let size, let align, let name): return .execmemAlloc(size: size, align: align, name: p + name)
    case .execmemFree(let name): return .execmemFree(name: p + name)
    }
  }
}
