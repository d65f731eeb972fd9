extension KVASpace {
  /// See `CurrentKVA.violations()` and `LegacyKVA.violations()`.
  public func violations() -> [String] {
    current?.violations() ?? legacy!.violations()
  }
}

/// What an area found during an invariant walk is.
enum AreaRole: UInt8 {
  case free, busy, lazy, pooled

  var name: String {
    switch self {
    case .free: "free"
    case .busy: "busy"
    case .lazy: "lazy"
    case .pooled: "pooled"
    }
  }
}

extension CurrentKVA {
  /// Every property the KVA state must hold, as readable violations (empty when sound): each tree's
  /// red-black, order and augmented properties; busy areas filed under the node their address belongs
  /// to; pools holding areas of their size class; free areas never touching (coalescing is complete);
  /// free, busy, lazy and pooled areas disjoint and together covering [1, ULONG_MAX) exactly; and
  /// `vmap_lazy_nr` equal to the lazy pages, not above `lazy_max_pages()`.
  public func violations() -> [String] {
    var out = free.violations(name: "free tree")
    var all: [(span: Span, role: AreaRole)] = []
    all.reserveCapacity(free.count * 3)
    var lazy: UInt64 = 0
    var n = free.first
    while n != noNode {
      let a = free[n]
      all.append((Span(a.start, a.end), .free))
      if a.next != noNode && free[a.next].start == a.end {
        out.append("free areas touch at \(a.end.hex) without being merged")
      }
      n = a.next
    }
    for (i, node) in nodes.enumerated() {
      out += node.busy.violations(name: "node \(i) busy")
      out += node.lazy.violations(name: "node \(i) lazy")
      var b = node.busy.first
      while b != noNode {
        let a = node.busy[b]
        all.append((Span(a.start, a.end), .busy))
        if config.nodeID(of: a.start) != i {
          out.append("busy area \(a.start.hex) is in node \(i), belongs to \(config.nodeID(of: a.start))")
        }
        b = a.next
      }
      var l = node.lazy.first
      while l != noNode {
        let a = node.lazy[l]
        all.append((Span(a.start, a.end), .lazy))
        lazy += a.size >> KernelConstants.pageShift
        l = a.next
      }
      if node.pooled > 0 {
        var pooled = 0
        for (pages, spans) in node.pooledAreas {
          pooled += spans.count
          for s in spans {
            all.append((s, .pooled))
            if s.size != UInt64(pages) * KernelConstants.pageSize {
              out.append("node \(i) pool \(pages) holds \(s) of \(s.size) bytes")
            }
          }
        }
        if pooled != node.pooled { out.append("node \(i) counts \(node.pooled) pooled areas, holds \(pooled)") }
      }
    }
    if lazyPages != lazy { out.append("vmap_lazy_nr is \(lazyPages), lazy areas hold \(lazy) pages") }
    return out + KVAInvariantHelpers.coverage(&all, lazy: lazy, max: config.purgeThreshold)
  }
}

extension LegacyKVA {
  /// The legacy state's properties: the busy tree's, `vmap_lazy_nr` equal to the lazily freed pages,
  /// the search cache pointing at a live area, and the busy areas within [1, ULONG_MAX).
  public func violations() -> [String] {
    var out = busy.violations(name: "busy tree")
    var all: [(span: Span, role: AreaRole)] = []
    var lazy: UInt64 = 0
    var cursor = KernelConstants.kvaFirst
    var n = busy.first
    while n != noNode {
      let a = busy[n]
      if a.lazyFree { lazy += a.size >> KernelConstants.pageShift }
      if a.start > cursor { all.append((Span(cursor, a.start), .free)) }
      all.append((Span(a.start, a.end), a.lazyFree ? .lazy : .busy))
      cursor = Swift.max(cursor, a.end)
      n = a.next
    }
    if cursor < KernelConstants.kvaLast { all.append((Span(cursor, KernelConstants.kvaLast), .free)) }
    if lazyPages != lazy { out.append("vmap_lazy_nr is \(lazyPages), lazy areas hold \(lazy) pages") }
    if let c = freeCache, busy[c].end <= busy[c].start { out.append("free_vmap_cache points at a released area") }
    return out + KVAInvariantHelpers.coverage(&all, lazy: lazy, max: config.purgeThreshold)
  }
}

enum KVAInvariantHelpers {
  /// Lazy pages within the purge threshold, and the areas disjoint and covering [1, ULONG_MAX).
  static func coverage(_ all: inout [(span: Span, role: AreaRole)], lazy: UInt64, max lazyMax: UInt64) -> [String] {
    var out: [String] = []
    if lazy > lazyMax {
      out.append("\(lazy) lazy pages exceed lazy_max_pages() = \(lazyMax) after the purge should have run")
    }
    all.sort { $0.span.start < $1.span.start }
    var cursor = KernelConstants.kvaFirst
    for (span, role) in all {
      if span.start < cursor {
        out.append("\(role.name) area \(span) overlaps what lies below \(cursor.hex)")
      } else if span.start > cursor {
        out.append("\(Span(cursor, span.start)) is lost: neither free, busy, lazy nor pooled")
      }
      cursor = Swift.max(cursor, span.end)
      if out.count > 30 { return out }
    }
    if cursor != KernelConstants.kvaLast {
      out.append("\(Span(cursor, KernelConstants.kvaLast)) is lost at the top of the address space")
    }
    return out
  }
}
