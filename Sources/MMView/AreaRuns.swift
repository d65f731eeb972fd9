import MMCore

/// One stretch of the KVA address space: a busy, lazily freed or pooled area, or the free run
/// between two of them.
public struct AreaRun: Sendable, Equatable {
  public var span: Span
  public var state: AreaView.State
  public var owner: UInt32
  public var node: Int

  public init(span: Span, state: AreaView.State, owner: UInt32 = 0, node: Int = 0) {
    self.span = span
    self.state = state
    self.owner = owner
    self.node = node
  }
}

/// The whole managed range as runs in address order, areas and the free runs between them, so the
/// address panel, the cursor and the inspector agree on what "the next area" is.
public enum AreaRuns {
  /// Every run from the lowest to the highest managed address. Built in one pass over the three
  /// sorted area lists; the gaps between areas are free (the free tree holds exactly them).
  public static func of(_ machine: Machine) -> [AreaRun] {
    let kva = machine.kva
    var areas = kva.busyAreas + kva.lazyAreas + kva.pooledAreas
    // Three sorted lists concatenated: the sort only merges runs.
    areas.sort { $0.span.start < $1.span.start }
    var out: [AreaRun] = []
    out.reserveCapacity(areas.count * 2 + 2)
    var cursor = KernelConstants.kvaFirst
    for a in areas {
      if a.span.start > cursor { out.append(AreaRun(span: Span(cursor, a.span.start), state: .free)) }
      out.append(AreaRun(span: a.span, state: a.state, owner: a.owner, node: a.node))
      cursor = max(cursor, a.span.end)
    }
    if cursor < KernelConstants.kvaLast {
      out.append(AreaRun(span: Span(cursor, KernelConstants.kvaLast), state: .free))
    }
    return out
  }

  /// The index of the run holding `addr` (the last run starting at or below it).
  public static func index(of addr: UInt64, in runs: [AreaRun]) -> Int? {
    guard let first = runs.first, addr >= first.span.start else { return runs.isEmpty ? nil : 0 }
    var lo = 0
    var hi = runs.count - 1
    while lo < hi {
      let mid = (lo + hi + 1) / 2
      if runs[mid].span.start <= addr { lo = mid } else { hi = mid - 1 }
    }
    return lo
  }

  /// The run `delta` runs away from the one holding `addr` (clamped to the ends); with no address,
  /// the run holding `fallback`, or the first busy one.
  public static func move(from addr: UInt64?, by delta: Int, fallback: UInt64?, in runs: [AreaRun]) -> UInt64? {
    guard !runs.isEmpty else { return nil }
    guard let addr else {
      if let f = fallback, let i = index(of: f, in: runs) { return runs[i].span.start }
      return (runs.first { $0.state != .free } ?? runs[0]).span.start
    }
    let i = index(of: addr, in: runs) ?? 0
    return runs[min(max(i + delta, 0), runs.count - 1)].span.start
  }
}
