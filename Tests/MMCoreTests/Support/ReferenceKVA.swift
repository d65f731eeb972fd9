@testable import MMCore

/// A deliberately simple model of the current KVA allocator's observable behaviour: sorted arrays
/// instead of trees, linear scans instead of the augmented search. The randomized tests run it beside
/// the engine and compare every result and every state.
struct ReferenceKVA {
  let config: KVAConfig
  /// Free spans, sorted and coalesced.
  var free: [Span] = [Span(KernelConstants.kvaFirst, KernelConstants.kvaLast)]
  /// Busy areas by start, with the node they are tagged for.
  var busy: [UInt64: (span: Span, tag: Int?)] = [:]
  /// Lazy areas with their tag and the node whose lazy list holds them.
  var lazy: [(span: Span, tag: Int?, node: Int)] = []
  /// pools[node][pages - 1], head first.
  var pools: [[[Span]]]
  var lazyPages: UInt64 = 0

  init(config: KVAConfig) {
    self.config = config
    pools = Array(repeating: Array(repeating: [], count: 256), count: config.vmapNodes)
  }

  var fullWindowPools: Bool { config.vmapNodes > 1 }

  /// The lowest address a linear scan finds for the request, ignoring vend (as the search does).
  func lowestFit(size: UInt64, align: UInt64, vstart: UInt64) -> UInt64? {
    for s in free {
      let nva = KernelMath.alignUp(Swift.max(s.start, vstart), align)
      let (end, o) = nva.addingReportingOverflow(size)
      if !o && nva >= vstart && end <= s.end { return nva }
    }
    return nil
  }

  /// Whether a block exists that the augmented search is certain to reach: at or above vstart, at least
  /// the padded search length, and ending the aligned request below vend.
  func guaranteedFit(_ r: KVARequest) -> Bool {
    let length = r.align > KernelConstants.pageSize && r.vend &- r.vstart != r.size ? r.size &+ (r.align &- 1) : r.size
    return free.contains { s in
      guard s.start >= r.vstart, s.size >= length else { return false }
      let nva = KernelMath.alignUp(s.start, r.align)
      let (end, o) = nva.addingReportingOverflow(r.size)
      return !o && nva >= s.start && end <= r.vend && end <= s.end
    }
  }

  mutating func take(_ span: Span) -> Bool {
    guard let i = free.firstIndex(where: { $0.start <= span.start && span.end <= $0.end }) else { return false }
    let s = free[i]
    var repl: [Span] = []
    if s.start < span.start { repl.append(Span(s.start, span.start)) }
    if span.end < s.end { repl.append(Span(span.end, s.end)) }
    free.replaceSubrange(i...i, with: repl)
    return true
  }

  mutating func giveBack(_ span: Span) {
    let i = free.firstIndex { $0.start >= span.end } ?? free.count
    free.insert(span, at: i)
    if i + 1 < free.count && free[i + 1].start == span.end {
      free[i].end = free[i + 1].end
      free.remove(at: i + 1)
    }
    if i > 0 && free[i - 1].end == free[i].start {
      free[i - 1].end = free[i].end
      free.remove(at: i)
    }
  }

  mutating func purge(full: Bool) -> (areas: Int, start: UInt64, end: UInt64) {
    for n in pools.indices {
      for i in 0..<256 where !pools[n][i].isEmpty {
        let k = full ? pools[n][i].count : pools[n][i].count >> 2
        for s in pools[n][i].prefix(k) { giveBack(s) }
        pools[n][i].removeFirst(k)
      }
    }
    let all = lazy
    lazy = []
    var start = UInt64.max
    var end: UInt64 = 0
    for n in 0..<config.vmapNodes {
      for a in all.filter({ $0.node == n }).sorted(by: { $0.span.start < $1.span.start }) {
        start = Swift.min(start, a.span.start)
        end = Swift.max(end, a.span.end)
        lazyPages -= a.span.size / KernelConstants.pageSize
        let pages = Int(a.span.size / KernelConstants.pageSize)
        if a.tag != nil && !full && fullWindowPools && pages <= 256 {
          pools[n][pages - 1].insert(a.span, at: 0)
        } else {
          giveBack(a.span)
        }
      }
    }
    return (all.count, start, end)
  }

  /// Frees like the engine; returns the freed span or nil.
  mutating func free(_ addr: UInt64) -> (span: Span, purged: Int?)? {
    guard let (start, entry) = busy.first(where: { $0.value.span.contains(addr) }) else { return nil }
    busy[start] = nil
    lazyPages += entry.span.size / KernelConstants.pageSize
    lazy.append((entry.span, entry.tag, entry.tag ?? config.nodeID(of: start)))
    var purged: Int? = nil
    if lazyPages > config.lazyMaxPages { purged = purge(full: false).areas }
    return (entry.span, purged)
  }
}
