/// An owner of a busy area or page block: what kind of user it is and the name it was given, if any.
public struct Owner: Sendable, Hashable, Codable {
  public var kind: AreaKind
  public var name: String?
}

/// The pages behind a busy vmalloc area.
public struct AreaBacking: Sendable, Equatable {
  /// First pfn of each block, in mapping order.
  public var pfns: [UInt64]
  /// 0 for ordinary pages, 9 for `vmalloc_huge` PMD-mapped pages.
  public var order: Int
  /// The pages came from the unmapped cache and are not in the direct map.
  public var unmapped: Bool
  /// `VM_FLUSH_RESET_PERMS`: on vfree the direct-map aliases are reset (invalid, purge, default).
  public var resetPerms: Bool
  /// The attributes of the vmalloc mapping itself.
  public var attrs: PageAttrs

  /// The pfn behind page `i` of the area.
  public func pfn(ofPage i: Int) -> UInt64 {
    pfns[i >> order] + UInt64(i & ((1 << order) - 1))
  }

  public var pageCount: Int { pfns.count << order }
}

/// The modelled machine: every allocator's state as one value, so a copy is a checkpoint.
public struct Machine: Sendable {
  public let config: MachineConfig
  public internal(set) var kva: KVASpace
  public internal(set) var memory: PhysicalMemory
  public internal(set) var directMap: DirectMap
  public internal(set) var unmapped = UnmappedCache()
  /// Pages behind busy vmalloc areas, by area start.
  public internal(set) var backing: [UInt64: AreaBacking] = [:]
  /// Owners: index 0 means "nobody recorded", indices 1... one unnamed owner per kind, then one entry
  /// per (kind, name).
  public internal(set) var owners: [Owner] =
    [Owner(kind: .unknown, name: nil)] + AreaKind.allCases.map { Owner(kind: $0, name: nil) }
  var ownerIndex: [Owner: UInt32] = [:]
  /// Names given to vmalloc-family allocations, to the start of the busy area that holds them now.
  public internal(set) var names: [String: UInt64] = [:]
  /// Names given to page allocations, to their first pfn (and whether the unmapped cache holds them).
  public internal(set) var pageNames: [String: (pfn: UInt64, unmapped: Bool)] = [:]
  /// Loaded modules: their text, rodata and data area starts.
  public internal(set) var modules: [String: [UInt64]] = [:]
  /// secretmem users: their pages.
  public internal(set) var secretmem: [String: [UInt64]] = [:]
  /// bpf_prog_pack's packs, in list order, and its allocations by name.
  public internal(set) var packs: [ProgPack] = []
  public internal(set) var packAllocations: [String: (address: UInt64, chunks: Int, separate: Bool)] = [:]
  /// The execmem text tree (free RO+X space), its 2 MiB backing areas, and allocations by name.
  public internal(set) var execText = AreaTree(augmented: true)
  public internal(set) var execBacking: [Span] = []
  public internal(set) var execAllocations: [String: Span] = [:]
  public internal(set) var counters = Counters()

  public init(config: MachineConfig) {
    self.config = config
    kva = KVASpace(config: config.kva)
    memory = PhysicalMemory(config: config.memory, cpus: config.kva.cpus)
    directMap = DirectMap(memoryPages: config.memory.pages, gbpages: config.memory.gbpages)
  }

  /// Whether the next operations record every free-tree step (rebalancing, propagation, clips and
  /// merges, with the node values each wrote) for their phases. Off by default: it costs a comparison
  /// of every node per step.
  public var recordSteps = false

  /// Whether reports carry per-node detail (search paths, tree changes). Off for bulk replays.
  public var recordDetail: Bool {
    get { kva.recordDetail }
    set { kva.recordDetail = newValue }
  }

  /// The owner of a busy area or page block as recorded.
  public func owner(_ index: UInt32) -> Owner {
    Int(index) < owners.count ? owners[Int(index)] : owners[0]
  }

  /// Applies one operation and says what happened. A refused operation leaves the state unchanged.
  @discardableResult
  public mutating func apply(_ op: Operation) -> StepReport {
    counters.events += 1
    var step = StepReport(operation: op)
    step.keepDetail = recordDetail
    if recordSteps { kva.current?.free.startStepLog() }
    switch op {
    case .vmalloc(let v): vmalloc(v, step: &step)
    case .allocVmapArea(let req, let kind, let name): allocVmapArea(req, kind: kind, name: name, step: &step)
    case .vfree(let ref, _): vfree(ref, step: &step)
    case .purge:
      let r = kva.purgeReport()
      counters.record(r)
      step.kva = r
    case .allocPages(let order, let mt, let zone, let cpu, let name):
      allocPages(order: order, mt: mt, zone: zone, cpu: cpu, name: name, step: &step)
    case .freePages(let ref, let order, let cpu): freePages(ref, order: order, cpu: cpu, step: &step)
    case .allocPagesAt(let pfn, let order, let mt):
      step.add(memory.allocPagesAt(pfn, order: order, migratetype: mt, owner: 0))
    case .kernelPurge(let recorded):
      let r = kva.purgeReport()
      counters.record(r)
      counters.kernelPurgedAreas += recorded
      step.kva = r
    case .setMemory(let change, let ref, let pages): setMemory(change, ref, pages: pages, step: &step)
    case .loadModule(let name, let layout, let cpu): loadModule(name, layout, cpu: cpu, step: &step)
    case .unloadModule(let name): unloadModule(name, step: &step)
    case .secretmemAlloc(let name, let pages): secretmemAlloc(name, pages: pages, step: &step)
    case .secretmemFree(let name): secretmemFree(name, step: &step)
    case .unmappedAlloc(let order, let name): unmappedAlloc(order: order, name: name, step: &step)
    case .unmappedFree(let ref): unmappedFree(ref, step: &step)
    case .unmappedShrink: unmappedShrink(step: &step)
    case .progPackAlloc(let size, let name): progPackAlloc(size: size, name: name, step: &step)
    case .progPackFree(let name): progPackFree(name, step: &step)
    case .execmemAlloc(let size, let align, let name): execmemAlloc(size: size, align: align, name: name, step: &step)
    case .execmemFree(let name): execmemFree(name, step: &step)
    }
    if recordSteps, let log = kva.current?.free.finishStepLog() {
      step.treeSteps = log.steps
      step.treeStepsDropped = log.dropped
    }
    if step.isWarning { counters.warnings += 1 }
    counters.descriptorsCreated += step.descriptorsCreated
    switch op {
    case .progPackAlloc, .execmemAlloc: if step.exec?.address != nil { counters.execAllocs += 1 }
    case .progPackFree, .execmemFree: if step.exec != nil { counters.execFrees += 1 }
    default: break
    }
    counters.execSearchWork += step.exec?.searchWork ?? 0
    return step
  }

  /// The address an operation names: given, or the start of the live allocation with that name.
  mutating func resolve(_ ref: AreaRef, step: inout StepReport) -> UInt64? {
    switch ref {
    case .address(let a): return a
    case .name(let n):
      guard let a = names[n] else {
        step.refusal = "no live allocation is named '\(n)'"
        return nil
      }
      return a
    }
  }

  /// Distinct named owners kept; past this, new names share their kind's unnamed entry, so a trace
  /// of millions of distinct names holds a bounded table (the names still work for freeing).
  public static let maxNamedOwners = 1 << 16

  /// Unnamed areas share their kind's owner entry, so a long anonymous workload adds nothing here.
  mutating func registerOwner(kind: AreaKind, name: String?) -> UInt32 {
    let unnamed = UInt32(AreaKind.allCases.firstIndex(of: kind)! + 1)
    guard let name else { return unnamed }
    let owner = Owner(kind: kind, name: name)
    if let i = ownerIndex[owner] { return i }
    if owners.count >= Self.maxNamedOwners { return unnamed }
    owners.append(owner)
    ownerIndex[owner] = UInt32(owners.count - 1)
    return UInt32(owners.count - 1)
  }

  /// All invariants of every part of the machine (empty when sound), plus the cross-checks: every page
  /// behind an area, a name or a cache allocated in the buddy allocator exactly once.
  public func violations() -> [String] {
    var out = kva.violations() + memory.violations() + directMap.violations() + unmapped.violations()
    var seen = Set<UInt64>()
    func claim(_ pfn: UInt64, _ order: Int, _ what: String, unmapped fromCache: Bool) {
      if !seen.insert(pfn).inserted { out.append("pfn \(pfn.hex) is used twice (\(what))") }
      if fromCache {
        if unmapped.allocated[pfn] != order {
          out.append("pfn \(pfn.hex) (\(what)) is not allocated from the unmapped cache")
        }
      } else if let z = memory.zoneIndex(of: pfn) {
        if memory.zones[z].allocatedBlock(at: pfn)?.order != order {
          out.append("pfn \(pfn.hex) (\(what)) is not an allocated order-\(order) block")
        }
      } else {
        out.append("pfn \(pfn.hex) (\(what)) is outside memory")
      }
    }
    for (start, b) in backing {
      if kva.busyArea(containing: start)?.start != start {
        out.append("pages back \(start.hex), which is not a busy area")
      }
      for pfn in b.pfns { claim(pfn, b.order, "area \(start.hex)", unmapped: b.unmapped) }
    }
    for (name, p) in pageNames { claim(p.pfn, pageOrder(p), "pages \(name)", unmapped: p.unmapped) }
    for (name, pfns) in secretmem {
      for pfn in pfns { claim(pfn, 0, "secretmem \(name)", unmapped: config.memory.unmappedCache) }
    }
    for (pfn, order) in unmapped.refills {
      if memory.zoneIndex(of: pfn).flatMap({ memory.zones[$0].allocatedBlock(at: pfn)?.order }) != order {
        out.append("unmapped cache refill \(pfn.hex) is not an allocated block")
      }
    }
    return out
  }

  public func pageOrder(_ p: (pfn: UInt64, unmapped: Bool)) -> Int {
    if p.unmapped { return unmapped.allocated[p.pfn] ?? -1 }
    return memory.zoneIndex(of: p.pfn).flatMap { memory.zones[$0].allocatedBlock(at: p.pfn)?.order } ?? -1
  }
}
