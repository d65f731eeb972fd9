extension KVASpace {
  /// Every property the KVA state must hold, as readable violations (empty when sound): each tree's
  /// red-black, order and augmented properties; busy areas filed under the node their address belongs
  /// to; pools holding areas of their size class; free areas never touching (coalescing is complete);
  /// free, busy, lazy and pooled areas disjoint and together covering [1, ULONG_MAX) exactly; and
  /// `vmap_lazy_nr` equal to the lazy pages, not above `lazy_max_pages()`.
  public func violations() -> [String] {
    var out: [String] = []
    var all: [(Span, String)] = []
    var lazy: UInt64 = 0
    if let current {
      out += current.free.violations(name: "free tree")
      for a in current.free.inOrder { all.append((Span(a.start, a.end), "free")) }
      var prevEnd: UInt64? = nil
      for a in current.free.inOrder {
        if prevEnd == a.start { out.append("free areas touch at \(a.start.hex) without being merged") }
        prevEnd = a.end
      }
      for (i, node) in current.nodes.enumerated() {
        out += node.busy.violations(name: "node \(i) busy")
        out += node.lazy.violations(name: "node \(i) lazy")
        for a in node.busy.inOrder {
          all.append((Span(a.start, a.end), "busy"))
          if config.nodeID(of: a.start) != i {
            out.append("busy area \(a.start.hex) is in node \(i), belongs to \(config.nodeID(of: a.start))")
          }
        }
        for a in node.lazy.inOrder {
          all.append((Span(a.start, a.end), "lazy"))
          lazy += a.size >> KernelConstants.pageShift
        }
        var pooled = 0
        for (pages, spans) in node.pooledAreas {
          pooled += spans.count
          for s in spans {
            all.append((s, "pooled"))
            if s.size != UInt64(pages) * KernelConstants.pageSize {
              out.append("node \(i) pool \(pages) holds \(s) of \(s.size) bytes")
            }
          }
        }
        if pooled != node.pooled { out.append("node \(i) counts \(node.pooled) pooled areas, holds \(pooled)") }
      }
      if current.lazyPages != lazy { out.append("vmap_lazy_nr is \(current.lazyPages), lazy areas hold \(lazy) pages") }
    } else if let legacy {
      out += legacy.busy.violations(name: "busy tree")
      for a in legacy.busy.inOrder where a.lazyFree { lazy += a.size >> KernelConstants.pageShift }
      if legacy.lazyPages != lazy { out.append("vmap_lazy_nr is \(legacy.lazyPages), lazy areas hold \(lazy) pages") }
      if let c = legacy.freeCache, legacy.busy[c].end <= legacy.busy[c].start {
        out.append("free_vmap_cache points at a released area")
      }
      for a in legacy.busy.inOrder { all.append((Span(a.start, a.end), a.lazyFree ? "lazy" : "busy")) }
      for s in freeAreas { all.append((s, "free")) }
    }
    if lazy > config.lazyMaxPages {
      out.append("\(lazy) lazy pages exceed lazy_max_pages() = \(config.lazyMaxPages) after the purge should have run")
    }
    all.sort { $0.0.start < $1.0.start }
    var cursor = KernelConstants.kvaFirst
    for (span, what) in all {
      if span.start < cursor {
        out.append("\(what) area \(span) overlaps what lies below \(cursor.hex)")
      } else if span.start > cursor {
        out.append("\(Span(cursor, span.start)) is lost: neither free, busy, lazy nor pooled")
      }
      cursor = max(cursor, span.end)
      if out.count > 30 { break }
    }
    if cursor != KernelConstants.kvaLast && out.count <= 30 {
      out.append("\(Span(cursor, KernelConstants.kvaLast)) is lost at the top of the address space")
    }
    return out
  }
}
