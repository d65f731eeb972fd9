// set_memory_*() and set_direct_map_*() as operations.
extension Machine {
  /// The direct-map pfn of a kernel virtual address, if it lies in the direct map.
  public func directMapPFN(_ addr: UInt64) -> UInt64? {
    guard addr >= KernelConstants.pageOffset else { return nil }
    let pfn = (addr - KernelConstants.pageOffset) >> KernelConstants.pageShift
    return pfn < directMap.memoryPages ? pfn : nil
  }

  /// A direct-map address changes the direct map itself (and `set_memory_rox` may collapse). A vmalloc
  /// address changes the area's mapping and, page by page, the direct-map alias of the page behind it,
  /// with NX changes left out as `cpa_process_alias` leaves them out.
  mutating func setMemory(_ named: AttrChange.Named, _ ref: AreaRef, pages: UInt64, step: inout StepReport) {
    guard let addr = resolve(ref, step: &step) else { return }
    guard pages > 0, addr % KernelConstants.pageSize == 0 else {
      step.refusal = "\(named.function) needs a page-aligned address and at least one page"
      return
    }
    if let pfn = directMapPFN(addr) {
      let r = directMap.changeAttributes(pfn: pfn, count: pages, named.change)
      if let e = r.error { step.refusal = e } else { step.add(r) }
      return
    }
    guard let area = kva.busyArea(containing: addr), let b = backing[area.start] else {
      step.refusal = "\(addr.hex) is neither in the direct map nor inside a vmalloc area with pages mapped"
      return
    }
    let first = Int((addr - area.start) / KernelConstants.pageSize)
    guard first + Int(pages) <= b.pageCount else {
      step.refusal = "\(pages) pages from \(addr.hex) run past the \(b.pageCount) mapped pages of \(area)"
      return
    }
    changeArea(start: area.start, firstPage: first, pages: Int(pages), named.change, step: &step)
  }

  /// Changes pages of a backed area and their aliases. Pages from the unmapped cache have no alias to
  /// change. PMD-mapped (huge) areas change their aliases a 2 MiB page at a time, as CPA walks them.
  mutating func changeArea(start: UInt64, firstPage: Int, pages: Int, _ change: AttrChange, step: inout StepReport) {
    guard var b = backing[start] else { return }
    b.attrs = b.attrs.subtracting(change.clear).union(change.set)
    backing[start] = b
    guard !b.unmapped else { return }
    let alias = change.forAlias
    guard !(alias.set.isEmpty && alias.clear.isEmpty) else { return }
    var i = firstPage
    while i < firstPage + pages {
      let run = b.order == 0 ? 1 : min((1 << b.order) - (i & ((1 << b.order) - 1)), firstPage + pages - i)
      aliasChange(b.pfn(ofPage: i), UInt64(run), alias, step: &step)
      i += run
    }
  }
}
