/// Linux's KVA allocator as of v6.18: a global augmented free tree over [1, ULONG_MAX), per-node busy
/// and lazy trees, per-node size-class pools, lazy freeing and purge. Value type: a copy is a snapshot.
public struct CurrentKVA: Sendable {
  public let config: KVAConfig
  /// `free_vmap_area_root` + `free_vmap_area_list`.
  public internal(set) var free = AreaTree(augmented: true)
  public internal(set) var nodes: [VmapNode]
  /// `vmap_lazy_nr`, in pages.
  public internal(set) var lazyPages: UInt64 = 0
  /// When false, reports carry the outcome only (no per-node steps): for benchmarks and bulk replays.
  public var recordDetail = true

  /// The starting state `vmap_init_free_space` builds: free gaps around the early busy areas.
  public init(config: KVAConfig) {
    self.config = config
    nodes = (0..<config.vmapNodes).map { _ in VmapNode(withPools: config.vmapNodes > 1) }
    var cursor = KernelConstants.kvaFirst
    for busy in config.earlyBusy.sorted() where busy.end > busy.start && busy.start >= cursor {
      if busy.start > cursor { _ = free.insert(free.makeNode(start: cursor, end: busy.start)) }
      let n = config.nodeID(of: busy.start)
      _ = nodes[n].busy.insert(nodes[n].busy.makeNode(start: busy.start, end: busy.end))
      cursor = busy.end
    }
    if cursor < KernelConstants.kvaLast {
      _ = free.insert(free.makeNode(start: cursor, end: KernelConstants.kvaLast))
    }
  }

  // MARK: Allocation

  /// `alloc_vmap_area()`: the node pool fast path, else the free-tree search, with one purge and retry
  /// on failure. The area goes into the busy tree of the node its address belongs to.
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
    if let at = req.at { return allocAt(at, req) }
    var addr: UInt64? = nil
    var vnTag: UInt32 = 0
    let fullWindow = req.vstart == KernelConstants.vmallocStart && req.vend == KernelConstants.vmallocEnd
    if fullWindow && config.vmapNodes > 1 {
      let vn = req.cpu % config.vmapNodes
      vnTag = UInt32(vn + 1)
      report.vmapNode = vn
      let (span, rotated) = nodes[vn].poolTake(size: req.size, align: req.align)
      report.poolHeadRotated = rotated
      // node_pool_del_va takes the pool lock only when the size class has an entry to look at.
      if span != nil || rotated { report.locks.append(LockUse(.nodePool, node: vn, work: 1)) }
      if let span {
        addr = span.start
        report.poolHit = true
      }
    }
    if addr == nil {
      switch allocFromFreeTree(req, report: &report) {
      case .success(let a):
        addr = a
      case .failure(let err):
        report.firstAttemptError = err
        report.purges.append(purge(fullDecay: true))
        report.retrySearchStart = report.search.count
        switch allocFromFreeTree(req, report: &report) {
        case .success(let a): addr = a
        case .failure(let err2): report.error = err2
        }
      }
    }
    if let addr {
      let span = Span(addr, addr &+ req.size)
      let n = config.nodeID(of: addr)
      let id = nodes[n].busy.makeNode(start: span.start, end: span.end)
      nodes[n].busy.setVnID(id, vnTag)
      nodes[n].busy.setOwner(id, req.owner)
      nodes[n].busy.insert(id)
      report.locks.append(LockUse(busyLock, node: n, work: LockUse.descent(nodes[n].busy.count)))
      report.area = span
      report.owner = req.owner
    }
    report.lazyPages = lazyPages
    return report
  }

  /// The lock over a node's busy tree: per node from v6.9, the one `vmap_area_lock` before.
  var busyLock: VmapLock { config.vmapNodes > 1 ? .nodeBusy : .vmapArea }
  /// The lock over a node's lazy tree: per node from v6.9, the one `purge_vmap_area_lock` before.
  var lazyLock: VmapLock { config.vmapNodes > 1 ? .nodeLazy : .purgeArea }

  /// `__alloc_vmap_area()` + `va_alloc()`: search, check vend, clip.
  mutating func allocFromFreeTree(_ req: KVARequest, report: inout KVAReport) -> Result<UInt64, KVAError> {
    let page = KernelConstants.pageSize
    let adjust = !(req.align <= page || req.vend &- req.vstart == req.size)
    report.searchLength = adjust ? req.size &+ (req.align &- 1) : req.size
    let record = recordDetail
    if record {
      free.logMaxChanges = true
      free.maxLog.removeAll(keepingCapacity: true)
    }
    defer { if record { finishMaxLog(into: &report) } }
    let visitedBefore = report.visited
    guard
      let id = free.findLowestMatch(
        size: req.size, align: req.align, vstart: req.vstart, adjustSearchSize: adjust,
        steps: &report.search, visited: &report.visited, record: record)
    else {
      report.locks.append(LockUse(.freeArea, work: report.visited - visitedBefore))
      return .failure(.noFit)
    }
    // The search and the cut (one node changed, two for a no-edge fit) under free_vmap_area_lock.
    report.locks.append(LockUse(.freeArea, work: report.visited - visitedBefore + 1))
    let node = free[id]
    let nva = KernelMath.alignUp(node.start > req.vstart ? node.start : req.vstart, req.align)
    let (end, overflow) = nva.addingReportingOverflow(req.size)
    if overflow || end > req.vend { return .failure(.beyondVend) }
    report.chosenFree = Span(node.start, node.end)
    report.fit = free.clip(id, nva: nva, size: req.size, changes: &report.freeTreeChanges, record: record)
    return .success(nva)
  }

  /// Collapses the log of `subtree_max_size` writes into net changes per surviving node.
  private mutating func finishMaxLog(into report: inout KVAReport) {
    free.logMaxChanges = false
    var seen = Set<NodeID>()
    for (id, old) in free.maxLog where seen.insert(id).inserted {
      let node = free[id]
      // Released slots read as empty ranges; a linked node's first write replaces the 0 it starts with.
      if node.end > node.start && node.subtreeMax != old {
        report.maxChanges.append(MaxChange(area: Span(node.start, node.end), old: old, new: node.subtreeMax))
      }
    }
    free.maxLog.removeAll(keepingCapacity: true)
  }

  /// Places an area where a recorded kernel placed it. The engine's own choice is computed first,
  /// without changing anything: the pool head it would take, or the lowest match in the free tree.
  /// Then the recorded range comes out of a pool (if it is that pool's head) or the free tree.
  mutating func allocAt(_ at: UInt64, _ req: KVARequest) -> KVAReport {
    var report = KVAReport(operation: .alloc)
    report.request = req
    let size = req.size
    let (end, overflow) = at.addingReportingOverflow(size)
    guard size > 0 else {
      report.error = .invalidSize(size)
      return report
    }
    guard !overflow else {
      report.error = .placementWraps(at: at, size: size)
      return report
    }
    let fullWindow = req.vstart == KernelConstants.vmallocStart && req.vend == KernelConstants.vmallocEnd
    var vnTag: UInt32 = 0
    var poolIndex: (node: Int, pool: Int)? = nil
    if fullWindow && config.vmapNodes > 1 {
      let vn = req.cpu % config.vmapNodes
      vnTag = UInt32(vn + 1)
      report.vmapNode = vn
      if let idx = VmapNode.poolIndex(size: size), let head = nodes[vn].pools[idx].first {
        if KernelMath.isAligned(head.start, req.align) { report.predicted = head.start }
        if head.start == at && head.size == size { poolIndex = (vn, idx) }
      }
    }
    if report.predicted == nil {
      let adjust = !(req.align <= KernelConstants.pageSize || req.vend &- req.vstart == size)
      var steps: [SearchStep] = []
      if let id = free.findLowestMatch(
        size: size, align: req.align, vstart: req.vstart, adjustSearchSize: adjust, steps: &steps,
        visited: &report.visited, record: false)
      {
        let n = free[id]
        let nva = KernelMath.alignUp(n.start > req.vstart ? n.start : req.vstart, req.align)
        if nva &+ size <= req.vend { report.predicted = nva }
      }
    }
    report.agrees = report.predicted == at
    if let (vn, idx) = poolIndex {
      nodes[vn].pools[idx].removeFirst()
      nodes[vn].pooled -= 1
      report.poolHit = true
      report.locks.append(LockUse(.nodePool, node: vn, work: 1))
    } else {
      guard let id = free.find(containing: at), free[id].end >= end else {
        report.error = .conflict(at)
        report.lazyPages = lazyPages
        return report
      }
      report.chosenFree = Span(free[id].start, free[id].end)
      report.fit = free.clip(id, nva: at, size: size, changes: &report.freeTreeChanges, record: recordDetail)
      // The recorded kernel searched too: charge the descent the engine's own search made.
      report.locks.append(LockUse(.freeArea, work: report.visited + 1))
    }
    let n = config.nodeID(of: at)
    let id = nodes[n].busy.makeNode(start: at, end: end)
    nodes[n].busy.setVnID(id, vnTag)
    nodes[n].busy.setOwner(id, req.owner)
    nodes[n].busy.insert(id)
    report.locks.append(LockUse(busyLock, node: n, work: LockUse.descent(nodes[n].busy.count)))
    report.area = Span(at, end)
    report.owner = req.owner
    report.lazyPages = lazyPages
    return report
  }

  // MARK: Free

  /// `free_vmap_area_noflush()` reached through `find_unlink_vmap_area()`: the area leaves the busy tree
  /// and waits, still reserved, in a lazy tree; crossing `lazy_max_pages()` runs the purge at once (the
  /// kernel queues it as work).
  public mutating func free(_ addr: UInt64) -> KVAReport {
    var report = KVAReport(operation: .free)
    guard let (n, id) = findBusy(containing: addr) else {
      // find_unlink_vmap_area looked in every node's busy tree.
      for i in nodes.indices {
        report.locks.append(LockUse(busyLock, node: i, work: LockUse.descent(nodes[i].busy.count)))
      }
      report.error = .notBusy(addr)
      report.lazyPages = lazyPages
      return report
    }
    // find_unlink_vmap_area takes each node's busy lock in turn, from the address's node backwards.
    var tried = config.nodeID(of: addr)
    while tried != n {
      report.locks.append(LockUse(busyLock, node: tried, work: LockUse.descent(nodes[tried].busy.count)))
      tried = (tried + nodes.count - 1) % nodes.count
    }
    report.locks.append(LockUse(busyLock, node: n, work: LockUse.descent(nodes[n].busy.count) + 1))
    let area = nodes[n].busy[id]
    nodes[n].busy.unlink(id)
    nodes[n].busy.releaseNode(id)
    let span = Span(area.start, area.end)
    report.area = span
    report.interiorAddress = addr != area.start
    report.owner = area.owner
    lazyPages += span.size >> KernelConstants.pageShift
    report.nrLazy = lazyPages
    let lazyNode =
      area.vnID != 0 && Int(area.vnID) <= config.vmapNodes ? Int(area.vnID) - 1 : config.nodeID(of: span.start)
    report.vmapNode = area.vnID != 0 ? Int(area.vnID) - 1 : nil
    let lid = nodes[lazyNode].lazy.makeNode(start: span.start, end: span.end)
    nodes[lazyNode].lazy.setVnID(lid, area.vnID)
    nodes[lazyNode].lazy.setOwner(lid, area.owner)
    nodes[lazyNode].lazy.insert(lid)
    report.locks.append(LockUse(lazyLock, node: lazyNode, work: LockUse.descent(nodes[lazyNode].lazy.count)))
    report.lazyPages = lazyPages
    if config.autoPurge && lazyPages > config.lazyMaxPages {
      if recordDetail {
        free.logMaxChanges = true
        free.maxLog.removeAll(keepingCapacity: true)
      }
      report.purges.append(purge(fullDecay: false, changes: &report.freeTreeChanges))
      if recordDetail { finishMaxLog(into: &report) }
      report.lazyPages = lazyPages
    }
    return report
  }

  /// The busy area containing `addr`, searching from the address's node backwards as the kernel does.
  public func findBusy(containing addr: UInt64) -> (node: Int, id: NodeID)? {
    let count = config.vmapNodes
    let j = config.nodeID(of: addr)
    var i = j
    repeat {
      if let id = nodes[i].busy.find(containing: addr) { return (i, id) }
      i = (i + count - 1) % count
    } while i != j
    return nil
  }

  // MARK: Purge

  /// `__purge_vmap_area_lazy()`: decay every node's pools, detach every node's lazy areas, then per node
  /// put each tagged area in its node's pool (unless `fullDecay`) and merge the rest into the free tree.
  public mutating func purge(fullDecay: Bool) -> PurgeReport {
    var ignored: [FreeTreeChange] = []
    return purge(fullDecay: fullDecay, changes: &ignored)
  }

  /// The drain work as an operation of its own, reported like an allocation or a free: the tree
  /// changes and the `subtree_max_size` values it changed.
  public mutating func purgeReport() -> KVAReport {
    var report = KVAReport(operation: .purge)
    if recordDetail {
      free.logMaxChanges = true
      free.maxLog.removeAll(keepingCapacity: true)
    }
    report.purges = [purge(fullDecay: false, changes: &report.freeTreeChanges)]
    if recordDetail { finishMaxLog(into: &report) }
    report.lazyPages = lazyPages
    return report
  }

  mutating func purge(fullDecay: Bool, changes: inout [FreeTreeChange]) -> PurgeReport {
    let record = recordDetail
    var report = PurgeReport(
      start: UInt64.max, end: 0, areas: 0, pages: 0, decayed: 0, pooled: 0, fullDecay: fullDecay, purged: [])
    var purgeLists: [[AreaNode]] = Array(repeating: [], count: nodes.count)
    var locks: [LockUse] = []
    for i in nodes.indices {
      let (decayed, poolLocks) = nodes[i].poolDecay(full: fullDecay)
      for _ in 0..<poolLocks { locks.append(LockUse(.nodePool, node: i, work: 1)) }
      if !decayed.isEmpty {
        // reclaim_list_global: the decayed areas merge into the free tree under one hold of its lock.
        locks.append(LockUse(.freeArea, work: decayed.count * LockUse.descent(free.count)))
        report.decayed += decayed.count
        // The decayed areas first coalesce among themselves, then go back in address order.
        var local = AreaTree(augmented: false)
        var none: [FreeTreeChange] = []
        for span in decayed { _ = local.mergeOrAdd(start: span.start, end: span.end, changes: &none, record: false) }
        for area in local.inOrder {
          if free.recordingSteps { free.noteStep(.released(Span(area.start, area.end), from: .poolDecay(node: i))) }
          _ = free.mergeOrAdd(start: area.start, end: area.end, changes: &changes, record: record)
        }
      }
      if !nodes[i].lazy.isEmpty {
        let list = nodes[i].lazy.inOrder
        // The lazy tree is detached whole: the list moves to the node's purge list.
        locks.append(LockUse(lazyLock, node: i, work: 1))
        nodes[i].lazy = AreaTree(augmented: false)
        report.start = min(report.start, list[0].start)
        report.end = max(report.end, list[list.count - 1].end)
        purgeLists[i] = list
      }
    }
    for i in nodes.indices where !purgeLists[i].isEmpty {
      var toGlobal: [Span] = []
      var pages: UInt64 = 0
      for area in purgeLists[i] {
        let span = Span(area.start, area.end)
        pages += span.size >> KernelConstants.pageShift
        report.areas += 1
        if record { report.purged.append(span) }
        let tagged = area.vnID != 0 && Int(area.vnID) <= config.vmapNodes
        if tagged && !fullDecay && nodes[i].poolAdd(span) {
          if free.recordingSteps { free.noteStep(.released(span, from: .lazyToPool(node: i))) }
          locks.append(LockUse(.nodePool, node: i, work: 1))
          report.pooled += 1
          continue
        }
        toGlobal.append(span)
      }
      report.pages += pages
      lazyPages -= min(lazyPages, pages)
      if !toGlobal.isEmpty { locks.append(LockUse(.freeArea, work: toGlobal.count * LockUse.descent(free.count))) }
      // Each area was pushed on the front of a local list, so they go back highest address first.
      for span in toGlobal.reversed() {
        if free.recordingSteps { free.noteStep(.released(span, from: .lazy(node: i))) }
        _ = free.mergeOrAdd(start: span.start, end: span.end, changes: &changes, record: record)
      }
    }
    if record { report.purged.sort() }
    // Everything above ran holding vmap_purge_lock.
    report.locks = [LockUse(.purgeMutex, work: report.areas + report.decayed)] + locks
    return report
  }
}
