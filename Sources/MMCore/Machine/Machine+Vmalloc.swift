// vmalloc(), vfree() and alloc_vmap_area() on the whole machine: address space from the KVA
// allocator, pages from the buddy allocator (or the unmapped cache), their direct-map aliases.
extension Machine {
  mutating func allocVmapArea(_ reqIn: KVARequest, kind: AreaKind, name: String?, step: inout StepReport) {
    var req = reqIn
    // An allocation the importer inferred is shown as such (its owner's name), without taking a name
    // later operations could use.
    req.owner = registerOwner(kind: kind, name: name ?? (req.inferred ? "(inferred: not in the trace)" : nil))
    let r = kva.alloc(req)
    if let area = r.area, let name { names[name] = area.start }
    counters.record(r)
    step.kva = r
  }

  /// `__vmalloc_node_range()`: the area, then one page per page of it (order-9 pages for a huge
  /// request), all unmovable (GFP_KERNEL). If pages run out the area is freed again and the call fails.
  mutating func vmalloc(
    _ v: VmallocRequest, step: inout StepReport, resetPerms: Bool = false, fromUnmapped: Bool = false
  ) {
    // More pages than the machine has: the kernel warns and fails before asking for an area.
    let pages = memory.config.pages
    if v.size >> KernelConstants.pageShift > pages {
      var r = KVAReport(operation: .alloc)
      r.error = .exceedsTotalPages(size: v.size, pages: pages)
      r.lazyPages = kva.lazyPages
      counters.record(r)
      step.kva = r
      return
    }
    guard var req = v.kvaRequest(owner: 0) else {
      var r = KVAReport(operation: .alloc)
      r.error = .invalidSize(v.size)
      r.lazyPages = kva.lazyPages
      counters.record(r)
      step.kva = r
      return
    }
    req.owner = registerOwner(kind: v.kind, name: v.name)
    let r = kva.alloc(req)
    counters.record(r)
    step.kva = r
    guard let area = r.area else { return }
    let order = v.usesHugePages ? BuddyConstants.pageblockOrder : 0
    let mappedPages = Int((area.size - (v.noGuard ? 0 : KernelConstants.pageSize)) / KernelConstants.pageSize)
    var pfns: [UInt64] = []
    pfns.reserveCapacity(mappedPages >> order)
    for _ in 0..<(mappedPages >> order) {
      if let pfn = takePages(order: order, cpu: v.cpu, owner: req.owner, fromUnmapped: fromUnmapped, step: &step) {
        pfns.append(pfn)
      } else {
        // Out of memory: give back what was taken and the area (`__vmalloc_area_node` fails).
        for pfn in pfns { returnPages(pfn, cpu: v.cpu, fromUnmapped: fromUnmapped, step: &step) }
        _ = kva.free(area.start)
        step.refusal = "out of memory after \(pfns.count << order) of \(mappedPages) pages; the area was freed"
        return
      }
    }
    backing[area.start] = AreaBacking(
      pfns: pfns, order: order, unmapped: fromUnmapped, resetPerms: resetPerms, attrs: .kernel)
    if let name = v.name { names[name] = area.start }
  }

  /// One block for a mapping: from the unmapped cache, or from the buddy allocator.
  mutating func takePages(order: Int, cpu: Int, owner: UInt32, fromUnmapped: Bool, step: inout StepReport) -> UInt64? {
    if fromUnmapped { return unmappedTake(order: order, step: &step) }
    let b = memory.allocPages(order: order, migratetype: .unmovable, cpu: cpu, owner: owner)
    step.add(b)
    return b.pfn
  }

  mutating func returnPages(_ pfn: UInt64, cpu: Int, fromUnmapped: Bool, step: inout StepReport) {
    if fromUnmapped {
      if let order = unmapped.allocated.removeValue(forKey: pfn) { _ = unmapped.free(pfn, order: order) }
      return
    }
    step.add(memory.freePages(pfn, cpu: cpu))
  }

  mutating func vfree(_ ref: AreaRef, step: inout StepReport) {
    guard let addr = resolve(ref, step: &step) else { return }
    let r = kva.free(addr)
    counters.record(r)
    step.kva = r
    guard r.error == nil, let area = r.area else { return }
    if let n = owner(r.owner).name, names[n] == area.start { names[n] = nil }
    guard let b = backing.removeValue(forKey: area.start) else { return }
    if b.resetPerms && !b.unmapped {
      // vm_reset_perms(): every page's alias invalid, purge (and flush), every page back to default.
      for i in 0..<b.pageCount { aliasChange(b.pfn(ofPage: i), 1, AttrChange.Named.invalid.change, step: &step) }
      let p = kva.purge()
      counters.record(p)
      step.kva?.purges.append(p)
      for i in 0..<b.pageCount { aliasChange(b.pfn(ofPage: i), 1, AttrChange.Named.default.change, step: &step) }
    }
    for pfn in b.pfns { returnPages(pfn, cpu: 0, fromUnmapped: b.unmapped, step: &step) }
  }

  /// A direct-map change on behalf of another mapping (CPA's alias processing, or set_direct_map_*).
  mutating func aliasChange(_ pfn: UInt64, _ count: UInt64, _ change: AttrChange, step: inout StepReport) {
    step.add(directMap.changeAttributes(pfn: pfn, count: count, change))
  }
}
