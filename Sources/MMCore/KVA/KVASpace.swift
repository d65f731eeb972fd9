/// An area as the views and dumps see it, whichever allocator holds it.
public struct AreaView: Sendable, Equatable {
  public enum State: String, Sendable { case free, busy, lazy, pooled }
  public var span: Span
  public var state: State
  /// The vmap node whose tree or pool holds it (0 for the legacy allocator and the free tree).
  public var node: Int
  /// The node the area is tagged for (its requester's), if any.
  public var taggedNode: Int?
  public var owner: UInt32

  public init(span: Span, state: State, node: Int, taggedNode: Int?, owner: UInt32) {
    self.span = span
    self.state = state
    self.node = node
    self.taggedNode = taggedNode
    self.owner = owner
  }
}

/// The KVA allocator of the configured policy behind one interface, so any workload runs under both.
public struct KVASpace: Sendable {
  public let config: KVAConfig
  /// Set when the policy is `.current`.
  public internal(set) var current: CurrentKVA?
  /// Set when the policy is `.legacy`.
  public internal(set) var legacy: LegacyKVA?

  public init(config: KVAConfig) {
    self.config = config
    switch config.policy {
    case .current: current = CurrentKVA(config: config)
    case .legacy: legacy = LegacyKVA(config: config)
    }
  }

  public var recordDetail: Bool {
    get { current?.recordDetail ?? legacy?.recordDetail ?? true }
    set {
      current?.recordDetail = newValue
      legacy?.recordDetail = newValue
    }
  }

  public mutating func alloc(_ req: KVARequest) -> KVAReport {
    if current != nil { return current!.alloc(req) }
    return legacy!.alloc(req)
  }

  public mutating func free(_ addr: UInt64) -> KVAReport {
    if current != nil { return current!.free(addr) }
    return legacy!.free(addr)
  }

  /// A purge as an operation of its own, with the tree changes it made.
  public mutating func purgeReport() -> KVAReport {
    if current != nil { return current!.purgeReport() }
    var r = KVAReport(operation: .purge)
    r.purges = [legacy!.purge()]
    r.lazyPages = legacy!.lazyPages
    return r
  }

  /// The drain work (`drain_vmap_area_work`): purge without a full pool decay.
  public mutating func purge() -> PurgeReport {
    if current != nil { return current!.purge(fullDecay: false) }
    return legacy!.purge()
  }

  /// `vmap_lazy_nr`.
  public var lazyPages: UInt64 { current?.lazyPages ?? legacy!.lazyPages }

  /// The busy area containing `addr` (not lazily freed ones).
  public func busyArea(containing addr: UInt64) -> Span? {
    if let current, let (n, id) = current.findBusy(containing: addr) {
      let a = current.nodes[n].busy[id]
      return Span(a.start, a.end)
    }
    if let legacy, let id = legacy.findBusy(containing: addr) {
      let a = legacy.busy[id]
      return Span(a.start, a.end)
    }
    return nil
  }

  // MARK: Views

  /// Busy areas in address order.
  public var busyAreas: [AreaView] { areas(.busy) }
  /// Lazily freed areas (still reserved) in address order.
  public var lazyAreas: [AreaView] { areas(.lazy) }
  /// Areas parked in vmap-node pools, in address order.
  public var pooledAreas: [AreaView] { areas(.pooled) }

  /// Free areas in address order. For the legacy allocator, which keeps no free structure, these are
  /// the holes between busy areas over [1, ULONG_MAX).
  public var freeAreas: [Span] {
    if let current { return current.free.inOrder.map { Span($0.start, $0.end) } }
    var out: [Span] = []
    var cursor = KernelConstants.kvaFirst
    for a in legacy!.busy.inOrder {
      if a.start > cursor { out.append(Span(cursor, a.start)) }
      cursor = max(cursor, a.end)
    }
    if cursor < KernelConstants.kvaLast { out.append(Span(cursor, KernelConstants.kvaLast)) }
    return out
  }

  private func areas(_ state: AreaView.State) -> [AreaView] {
    var out: [AreaView] = []
    if let current {
      for (i, node) in current.nodes.enumerated() {
        switch state {
        case .busy, .lazy:
          let tree = state == .busy ? node.busy : node.lazy
          for a in tree.inOrder {
            out.append(
              AreaView(
                span: Span(a.start, a.end), state: state, node: i,
                taggedNode: a.vnID == 0 ? nil : Int(a.vnID) - 1, owner: a.owner))
          }
        case .pooled:
          for (_, spans) in node.pooledAreas {
            for s in spans { out.append(AreaView(span: s, state: .pooled, node: i, taggedNode: i, owner: 0)) }
          }
        case .free:
          break
        }
      }
    } else if let legacy, state == .busy || state == .lazy {
      for a in legacy.busy.inOrder where a.lazyFree == (state == .lazy) {
        out.append(AreaView(span: Span(a.start, a.end), state: state, node: 0, taggedNode: nil, owner: a.owner))
      }
    }
    out.sort { $0.span.start < $1.span.start }
    return out
  }

  /// The largest free area's size (`subtree_max_size` of the root for the current allocator).
  public var largestFree: UInt64 {
    if let current { return current.free.root == noNode ? 0 : current.free[current.free.root].subtreeMax }
    return freeAreas.map(\.size).max() ?? 0
  }
}
