/// The pre-5.2 KVA allocator (v2.6.28 to v5.1): no free-space structure, only the busy areas in an
/// address-ordered tree and list. A request walks the holes between busy areas, starting after the
/// last allocation (`free_vmap_cache`) unless the request is more permissive than the cached one.
/// Lazily freed areas stay in the busy list, flagged, until a purge. O(N) in busy areas.
public struct LegacyKVA: Sendable {
  public let config: KVAConfig
  /// `vmap_area_root` + `vmap_area_list`: busy and lazily freed areas.
  public internal(set) var busy = AreaTree(augmented: false)
  /// `free_vmap_cache`: the area the next search starts after (nil = search from vstart).
  public internal(set) var freeCache: NodeID? = nil
  /// `cached_hole_size`: the largest hole seen below the cached area.
  public internal(set) var cachedHoleSize: UInt64 = 0
  public internal(set) var cachedVstart: UInt64 = 0
  public internal(set) var cachedAlign: UInt64 = 0
  /// `vmap_lazy_nr`, in pages.
  public internal(set) var lazyPages: UInt64 = 0
  public var recordDetail = true

  public init(config: KVAConfig) {
    self.config = config
    for early in config.earlyBusy.sorted() where early.end > early.start {
      _ = busy.insert(busy.makeNode(start: early.start, end: early.end))
    }
  }

  /// The cached area's start, or nil.
  public var freeCacheStart: UInt64? { freeCache.map { busy[$0].start } }

  // MARK: Allocation

  /// `alloc_vmap_area()` of v5.1 and before, with its purge-and-retry.
  public mutating func alloc(_ req: KVARequest) -> KVAReport {
    var report = KVAReport(operation: .alloc)
    report.request = req
    if let err = req.validate() {
      report.error = err
      report.lazyPages = lazyPages
      return report
    }
    if req.recordedFailure {
      report.error = .recordedFailure
      report.lazyPages = lazyPages
      return report
    }
    if let at = req.at {
      // A recorded placement: the old allocator had no free structure, so it is placed if no busy
      // area overlaps it.
      let end = at &+ req.size
      if let next = busy.lowerBound(endAbove: at), busy[next].start < end {
        report.error = .conflict(at)
        return report
      }
      let id = busy.makeNode(start: at, end: end)
      busy.setOwner(id, req.owner)
      busy.insert(id)
      freeCache = id
      report.locks.append(LockUse(.vmapArea, work: LockUse.descent(busy.count) + 1))
      report.area = Span(at, end)
      report.owner = req.owner
      report.lazyPages = lazyPages
      return report
    }
    let savedCache = (freeCache, cachedHoleSize, cachedVstart, cachedAlign)
    var purged = false
    while true {
      report.walked.removeAll()
      report.walkedCount = 0
      report.legacyDescent = 0
      let visitedBefore = report.visited
      let found = searchHole(req, report: &report)
      // The descent, the hole walk and the insert all ran under vmap_area_lock.
      let insert = found == nil ? 0 : LockUse.descent(busy.count)
      report.locks.append(LockUse(.vmapArea, work: report.visited - visitedBefore + insert))
      if let addr = found {
        if addr < req.vstart {
          // ALIGN(vstart, align) wrapped past ULONG_MAX; v5.1 checked only afterwards, with BUG_ON.
          (freeCache, cachedHoleSize, cachedVstart, cachedAlign) = savedCache
          report.error = .kernelBug(
            "BUG_ON(va->va_start < vstart) after ALIGN(\(req.vstart.hex), \(req.align)) wrapped to \(addr.hex)")
          break
        }
        let id = busy.makeNode(start: addr, end: addr + req.size)
        busy.setOwner(id, req.owner)
        busy.insert(id)
        freeCache = id
        report.area = Span(addr, addr + req.size)
        report.owner = req.owner
        break
      }
      if purged {
        report.error = .busy
        break
      }
      report.firstAttemptError = .busy
      report.purges.append(purge())
      purged = true
    }
    report.lazyPages = lazyPages
    return report
  }

  /// One pass of the hole search; nil means "overflow" (no hole below vend).
  private mutating func searchHole(_ req: KVARequest, report: inout KVAReport) -> UInt64? {
    let size = req.size
    let align = req.align
    var useCache = true
    if freeCache == nil || size < cachedHoleSize || req.vstart < cachedVstart || align < cachedAlign {
      useCache = false
    }
    var addr: UInt64 = 0
    var first: NodeID = noNode
    while true {
      if !useCache {
        cachedHoleSize = 0
        freeCache = nil
      }
      cachedVstart = req.vstart
      cachedAlign = align
      if let cache = freeCache {
        first = cache
        addr = KernelMath.alignUp(busy[cache].end, align)
        if addr < req.vstart {
          // The cached position lies below this window: forget it and search from vstart.
          useCache = false
          continue
        }
        if addr &+ size &- 1 < addr { return nil }
        report.legacyCacheUsed = true
        break
      }
      addr = KernelMath.alignUp(req.vstart, align)
      if addr &+ size &- 1 < addr { return nil }
      // Descend to the lowest area that ends at or above addr.
      var n = busy.root
      first = noNode
      while n != noNode {
        report.legacyDescent += 1
        report.visited += 1
        let node = busy[n]
        if node.end >= addr {
          first = n
          if node.start <= addr { break }
          n = node.left
        } else {
          n = node.right
        }
      }
      if first == noNode { return fits(addr, req) }
      break
    }
    // Step over busy areas until the hole before `first` holds the request.
    while addr &+ size > busy[first].start && addr &+ size <= req.vend {
      let node = busy[first]
      report.walkedCount += 1
      report.visited += 1
      if recordDetail { report.walked.append(Span(node.start, node.end)) }
      if addr &+ cachedHoleSize < node.start { cachedHoleSize = node.start - addr }
      addr = KernelMath.alignUp(node.end, align)
      if addr &+ size &- 1 < addr { return nil }
      if node.next == noNode { break }
      first = node.next
    }
    return fits(addr, req)
  }

  private func fits(_ addr: UInt64, _ req: KVARequest) -> UInt64? {
    let (end, overflow) = addr.addingReportingOverflow(req.size)
    return overflow || end > req.vend ? nil : addr
  }

  // MARK: Free and purge

  /// `free_vmap_area_noflush()` of the old allocator: flag the area lazy, count its pages, and purge
  /// synchronously once `lazy_max_pages()` is exceeded. The old lookup matched an area's start only,
  /// so an address inside an area frees nothing.
  public mutating func free(_ addr: UInt64) -> KVAReport {
    var report = KVAReport(operation: .free)
    guard let id = busy.find(startingAt: addr), !busy[id].lazyFree else {
      report.error = .notBusy(addr)
      report.lazyPages = lazyPages
      return report
    }
    let node = busy[id]
    // find_vmap_area under vmap_area_lock; the lazy flag and the purge list need no lock (llist).
    report.locks.append(LockUse(.vmapArea, work: LockUse.descent(busy.count)))
    busy.setLazyFree(id, true)
    report.area = Span(node.start, node.end)
    report.owner = node.owner
    lazyPages += node.size >> KernelConstants.pageShift
    report.nrLazy = lazyPages
    if config.autoPurge && lazyPages > config.lazyMaxPages {
      report.purges.append(purge())
    }
    report.lazyPages = lazyPages
    return report
  }

  /// `__purge_vmap_area_lazy()` of the old allocator: one walk over the whole list collects the lazy
  /// areas, then each is erased in address order, fixing up the search cache as it goes.
  public mutating func purge() -> PurgeReport {
    var report = PurgeReport(
      start: UInt64.max, end: 0, areas: 0, pages: 0, decayed: 0, pooled: 0, fullDecay: false, purged: [])
    var victims: [NodeID] = []
    var n = busy.first
    while n != noNode {
      let node = busy[n]
      if node.lazyFree {
        victims.append(n)
        report.start = min(report.start, node.start)
        report.end = max(report.end, node.end)
        report.pages += node.size >> KernelConstants.pageShift
      }
      n = node.next
    }
    lazyPages -= min(lazyPages, report.pages)
    for id in victims {
      let node = busy[id]
      report.purged.append(Span(node.start, node.end))
      if let cache = freeCache {
        if node.end < cachedVstart {
          freeCache = nil
        } else if node.start <= busy[cache].start {
          freeCache = node.prev == noNode ? nil : node.prev
        }
      }
      busy.unlink(id)
      busy.releaseNode(id)
    }
    report.areas = victims.count
    // vmap_purge_lock around it all; the collecting walk ran under RCU, the erases under one hold of
    // vmap_area_lock.
    report.locks = [LockUse(.purgeMutex, work: report.areas)]
    if !victims.isEmpty { report.locks.append(LockUse(.vmapArea, work: victims.count * LockUse.descent(busy.count))) }
    return report
  }

  /// The busy (not lazily freed) area containing `addr`.
  public func findBusy(containing addr: UInt64) -> NodeID? {
    guard let id = busy.find(containing: addr), !busy[id].lazyFree else { return nil }
    return id
  }
}
