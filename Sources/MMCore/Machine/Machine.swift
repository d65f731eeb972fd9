/// An owner of a busy area: what kind of user it is and the name it was given, if any.
public struct Owner: Sendable, Hashable, Codable {
  public var kind: AreaKind
  public var name: String?
}

/// What one applied operation did.
public struct StepReport: Sendable, Equatable {
  public var operation: Operation
  /// The KVA allocator's report for vmalloc, alloc, free and purge operations.
  public var kva: KVAReport?
  /// Set when the operation was refused before reaching an allocator (e.g. an unknown name).
  public var refusal: String?

  /// A one-line error, if the operation failed or was refused.
  public var failure: String? {
    if let refusal { return refusal }
    return kva?.error?.description
  }
}

/// The modelled machine: the engine's state as one value, so a copy is a checkpoint.
public struct Machine: Sendable {
  public let config: MachineConfig
  public internal(set) var kva: KVASpace
  /// Owners of busy areas: index 0 means "nobody recorded", indices 1... one unnamed owner per
  /// kind, then one entry per named allocation.
  public internal(set) var owners: [Owner] =
    [Owner(kind: .unknown, name: nil)]
    + AreaKind.allCases.map {
      Owner(kind: $0, name: nil)
    }
  /// Owner entries by kind and name, so a name used again reuses its entry.
  var ownerIndex: [Owner: UInt32] = [:]
  /// Names given to allocations, to the start of the busy area that holds them now.
  public internal(set) var names: [String: UInt64] = [:]
  public internal(set) var counters = Counters()

  public init(config: MachineConfig) {
    self.config = config
    kva = KVASpace(config: config.kva)
  }

  /// Whether reports carry per-node detail (search paths, tree changes). Off for bulk replays.
  public var recordDetail: Bool {
    get { kva.recordDetail }
    set { kva.recordDetail = newValue }
  }

  /// The owner of a busy or lazy area as its node records it.
  public func owner(_ index: UInt32) -> Owner {
    Int(index) < owners.count ? owners[Int(index)] : owners[0]
  }

  /// Applies one operation and says what happened. A refused operation leaves the state unchanged.
  @discardableResult
  public mutating func apply(_ op: Operation) -> StepReport {
    counters.events += 1
    var step = StepReport(operation: op)
    switch op {
    case .vmalloc(let v):
      guard var req = v.kvaRequest(owner: 0) else {
        step.kva = refusedAlloc(.invalidSize(v.size))
        counters.record(step.kva!)
        return step
      }
      req.owner = registerOwner(kind: v.kind, name: v.name)
      step.kva = allocate(req, name: v.name)
    case .allocVmapArea(let req, let kind, let name):
      var req = req
      req.owner = registerOwner(kind: kind, name: name)
      step.kva = allocate(req, name: name)
    case .vfree(let ref, _):
      let addr: UInt64
      switch ref {
      case .address(let a):
        addr = a
      case .name(let n):
        guard let a = names[n] else {
          step.refusal = "no live allocation is named '\(n)'"
          counters.warnings += 1
          return step
        }
        addr = a
      }
      let r = kva.free(addr)
      if r.error == nil, let area = r.area, let n = owner(r.owner).name, names[n] == area.start {
        names[n] = nil
      }
      counters.record(r)
      step.kva = r
    case .purge:
      var r = KVAReport(operation: .purge)
      r.purges = [kva.purge()]
      r.lazyPages = kva.lazyPages
      counters.record(r)
      step.kva = r
    }
    return step
  }

  private mutating func allocate(_ req: KVARequest, name: String?) -> KVAReport {
    let r = kva.alloc(req)
    if let area = r.area, let name { names[name] = area.start }
    counters.record(r)
    return r
  }

  private func refusedAlloc(_ e: KVAError) -> KVAReport {
    var r = KVAReport(operation: .alloc)
    r.error = e
    r.lazyPages = kva.lazyPages
    return r
  }

  /// Unnamed areas share their kind's owner entry, so a long anonymous workload adds nothing here.
  private mutating func registerOwner(kind: AreaKind, name: String?) -> UInt32 {
    guard let name else { return UInt32(AreaKind.allCases.firstIndex(of: kind)! + 1) }
    let owner = Owner(kind: kind, name: name)
    if let i = ownerIndex[owner] { return i }
    owners.append(owner)
    ownerIndex[owner] = UInt32(owners.count - 1)
    return UInt32(owners.count - 1)
  }

  /// All invariants of every part of the machine (empty when sound).
  public func violations() -> [String] {
    kva.violations()
  }
}
