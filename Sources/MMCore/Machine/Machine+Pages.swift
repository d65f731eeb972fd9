// alloc_pages()/__free_pages() as operations, the unmapped-page cache and secretmem.
extension Machine {
  mutating func allocPages(order: Int, mt: Migratetype, zone: ZoneType, cpu: Int, name: String?, step: inout StepReport)
  {
    if let name, pageNames[name] != nil {
      step.refusal = "the name '\(name)' already holds pages; free them first"
      return
    }
    let b = memory.allocPages(
      order: order, migratetype: mt, highest: zone, cpu: cpu, owner: registerOwner(kind: .unknown, name: name))
    step.add(b)
    if let pfn = b.pfn, let name { pageNames[name] = (pfn, false) }
  }

  mutating func resolvePages(_ ref: PageRef, step: inout StepReport) -> UInt64? {
    switch ref {
    case .pfn(let p): return p
    case .name(let n):
      guard let p = pageNames[n] else {
        step.refusal = "no pages are named '\(n)'"
        return nil
      }
      return p.pfn
    }
  }

  mutating func freePages(_ ref: PageRef, order: Int?, cpu: Int, step: inout StepReport) {
    guard let pfn = resolvePages(ref, step: &step) else { return }
    if backing.values.contains(where: { $0.pfns.contains(pfn) }) || unmapped.refills[pfn] != nil {
      step.refusal = "pfn \(pfn.hex) belongs to a vmalloc area or the unmapped cache; free that instead"
      return
    }
    let b = memory.freePages(pfn, order: order, cpu: cpu)
    step.add(b)
    if b.error == nil, let name = pageNames.first(where: { $0.value.pfn == pfn && !$0.value.unmapped })?.key {
      pageNames[name] = nil
    }
  }

  // MARK: The unmapped cache

  /// `unmapped_pages_alloc()`: from the cache's lists, refilling first when they cannot serve `order`:
  /// an order-9 block, or the largest order down to `order` the page allocator has, removed from the
  /// direct map in one change over the whole block.
  mutating func unmappedTake(order: Int, step: inout StepReport) -> UInt64? {
    if let (pfn, splits) = unmapped.rmqueueSmallest(order: order) {
      step.descriptorsCreated += splits.count
      return pfn
    }
    var cacheOrder = max(BuddyConstants.pageblockOrder, order)
    while cacheOrder >= order {
      let b = memory.allocPages(
        order: cacheOrder, migratetype: .unmovable, owner: registerOwner(kind: .unknown, name: "unmapped-cache"))
      step.add(b)
      if let pfn = b.pfn {
        aliasChange(pfn, 1 << UInt64(cacheOrder), AttrChange.Named.invalid.change, step: &step)
        unmapped.addRefill(pfn, order: cacheOrder)
        step.unmappedRefills.append(BuddySplit(pfn: pfn, order: cacheOrder))
        guard let (got, splits) = unmapped.rmqueueSmallest(order: order) else { return nil }
        step.descriptorsCreated += splits.count
        return got
      }
      cacheOrder -= 1
    }
    return nil
  }

  mutating func unmappedAlloc(order: Int, name: String?, step: inout StepReport) {
    guard (0...BuddyConstants.maxOrder).contains(order) else {
      step.refusal = BuddyError.invalidOrder(order).description
      return
    }
    if let name, pageNames[name] != nil {
      step.refusal = "the name '\(name)' already holds pages; free them first"
      return
    }
    guard let pfn = unmappedTake(order: order, step: &step) else {
      step.refusal = BuddyError.noMemory(order: order).description
      return
    }
    step.pagesAllocated += 1 << UInt64(order)
    if let name { pageNames[name] = (pfn, true) }
  }

  mutating func unmappedFree(_ ref: PageRef, step: inout StepReport) {
    guard let pfn = resolvePages(ref, step: &step) else { return }
    guard let order = unmapped.allocated[pfn], !backing.values.contains(where: { $0.unmapped && $0.pfns.contains(pfn) })
    else {
      step.refusal = "pfn \(pfn.hex) is not a block allocated from the unmapped cache"
      return
    }
    unmapped.allocated[pfn] = nil
    _ = unmapped.free(pfn, order: order)
    step.pagesFreed += 1 << UInt64(order)
    if let name = pageNames.first(where: { $0.value.pfn == pfn && $0.value.unmapped })?.key { pageNames[name] = nil }
  }

  /// The cache's shrinker: every refill block that is entirely free is mapped back (one change over the
  /// block) and freed to the page allocator at the tail.
  mutating func unmappedShrink(step: inout StepReport) {
    for (pfn, order) in unmapped.reclaimable() {
      unmapped.release(pfn, order: order)
      aliasChange(pfn, 1 << UInt64(order), AttrChange.Named.default.change, step: &step)
      step.add(memory.freePages(pfn, order: order))
      step.unmappedReleases.append(BuddySplit(pfn: pfn, order: order))
    }
  }

  // MARK: secretmem

  /// `memfd_secret` faults: each page allocated and taken out of the direct map
  /// (`set_direct_map_invalid_noflush`), or, with the unmapped cache, taken from it already unmapped.
  mutating func secretmemAlloc(_ name: String, pages: Int, step: inout StepReport) {
    guard secretmem[name] == nil else {
      step.refusal = "secretmem '\(name)' exists already"
      return
    }
    guard pages > 0 else {
      step.refusal = "secretmem needs at least one page"
      return
    }
    var got: [UInt64] = []
    let cached = config.memory.unmappedCache
    let owner = registerOwner(kind: .unknown, name: "secretmem:\(name)")
    for _ in 0..<pages {
      guard let pfn = takePages(order: 0, cpu: 0, owner: owner, fromUnmapped: cached, step: &step) else {
        for pfn in got { returnPages(pfn, cpu: 0, fromUnmapped: cached, step: &step) }
        step.refusal = "out of memory after \(got.count) of \(pages) pages"
        return
      }
      if !cached { aliasChange(pfn, 1, AttrChange.Named.invalid.change, step: &step) }
      got.append(pfn)
    }
    secretmem[name] = got
  }

  mutating func secretmemFree(_ name: String, step: inout StepReport) {
    guard let pfns = secretmem.removeValue(forKey: name) else {
      step.refusal = "no secretmem named '\(name)'"
      return
    }
    let cached = config.memory.unmappedCache
    for pfn in pfns {
      if !cached { aliasChange(pfn, 1, AttrChange.Named.default.change, step: &step) }
      returnPages(pfn, cpu: 0, fromUnmapped: cached, step: &step)
    }
  }
}
