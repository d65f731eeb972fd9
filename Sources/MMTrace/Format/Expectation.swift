import MMCore

/// What a trace line says its operation must produce (`expect=`): any of an address or pfn, a fit
/// type, an error name, `pool` (a vmap-node pool hit), `ok`, or a purge count. Several are joined with
/// commas and must all hold.
public struct Expectation: Sendable, Equatable {
  public enum Item: Sendable, Equatable, CustomStringConvertible {
    case value(UInt64)
    case fit(FitType)
    case error(String)
    case pool
    case ok
    case purged(Int)
    /// vmalloc: `vmap_lazy_nr` right after a free counted its pages (the trace event's `nr_lazy`).
    case lazy(UInt64)
    /// vmalloc: free-tree nodes the search visited (current) or nodes looked at (legacy).
    case visited(Int)
    /// vmalloc: a purge the operation ran flushed exactly [start, end) (`purge_vmap_area_lazy`).
    case range(UInt64, UInt64)
    /// legacy: busy areas the hole walk stepped over in the pass that succeeded.
    case walked(Int)
    /// buddy free: the block the freed one merged into, its order, and where it went.
    case merged(UInt64)
    case order(Int)
    case head
    case tail

    public var description: String {
      switch self {
      case .value(let v): v.hex
      case .fit(let f): f.rawValue
      case .error(let e): e
      case .pool: "pool"
      case .ok: "ok"
      case .purged(let n): "purged:\(n)"
      case .lazy(let n): "lazy:\(n)"
      case .visited(let n): "visited:\(n)"
      case .range(let s, let e): "range:\(s.hex)-\(e.hex)"
      case .walked(let n): "walked:\(n)"
      case .merged(let p): "merged:\(p.hex)"
      case .order(let n): "order:\(n)"
      case .head: "head"
      case .tail: "tail"
      }
    }
  }

  public var items: [Item]

  public init(items: [Item]) { self.items = items }

  static let errorNames: Set<String> = ["EINVAL", "ENOENT", "ERANGE", "EBUSY", "ENOMEM", "BUG"]

  static func parse(_ text: Substring) -> Expectation? {
    var items: [Item] = []
    for part in text.split(separator: ",", omittingEmptySubsequences: false) {
      if let f = FitType(rawValue: String(part)) {
        items.append(.fit(f))
      } else if errorNames.contains(String(part)) {
        items.append(.error(String(part)))
      } else if part == "pool" {
        items.append(.pool)
      } else if part == "ok" {
        items.append(.ok)
      } else if part.hasPrefix("purged:"), let n = Int(part.dropFirst(7)), n >= 0 {
        items.append(.purged(n))
      } else if part.hasPrefix("lazy:"), let n = TraceValues.number(part.dropFirst(5)) {
        items.append(.lazy(n))
      } else if part.hasPrefix("visited:"), let n = Int(part.dropFirst(8)), n >= 0 {
        items.append(.visited(n))
      } else if part.hasPrefix("walked:"), let n = Int(part.dropFirst(7)), n >= 0 {
        items.append(.walked(n))
      } else if part.hasPrefix("range:") {
        let r = part.dropFirst(6).split(separator: "-")
        guard r.count == 2, let s = TraceValues.number(r[0]), let e = TraceValues.number(r[1]) else { return nil }
        items.append(.range(s, e))
      } else if part.hasPrefix("merged:"), let p = TraceValues.number(part.dropFirst(7)) {
        items.append(.merged(p))
      } else if part.hasPrefix("order:"), let n = Int(part.dropFirst(6)), (0...10).contains(n) {
        items.append(.order(n))
      } else if part == "head" {
        items.append(.head)
      } else if part == "tail" {
        items.append(.tail)
      } else if let v = TraceValues.number(part) {
        items.append(.value(v))
      } else {
        return nil
      }
    }
    return items.isEmpty ? nil : Expectation(items: items)
  }

  public var text: String { items.map(\.description).joined(separator: ",") }

  /// The buddy free whose outcome `merged:`, `order:`, `head` and `tail` describe (the last piece
  /// freed, as `split_large_buddy` frees a block above pageblock order a pageblock at a time).
  func freed(_ r: StepReport) -> BuddyReport? {
    r.buddy.last { $0.operation == .free && $0.error == nil }
  }

  /// The items that the step's report contradicts, described for a person.
  public func mismatches(_ r: StepReport) -> [String] {
    var out: [String] = []
    let error: String? =
      r.kva?.error?.errno ?? r.buddyError.map { e in
        if case .noMemory = e { return "ENOMEM" }
        return "EINVAL"
      } ?? (r.refusal != nil ? "EINVAL" : nil)
    for item in items {
      switch item {
      case .value(let v):
        // An executable-memory request's address is the program's, not its backing chunk's.
        let got = r.exec?.address ?? r.kva?.area?.start ?? r.buddy.first(where: { $0.operation == .alloc })?.pfn
        if got != v { out.append("expected \(v.hex), got \(got.map(\.hex) ?? (error ?? "nothing"))") }
      case .fit(let f):
        if (r.kva?.fit ?? r.exec?.fit) != f {
          out.append(
            "expected a \(f.rawValue) fit, got \(r.kva?.fit?.rawValue ?? (r.kva?.poolHit == true ? "a pool hit" : "none"))"
          )
        }
      case .error(let e):
        let got = r.kva?.firstAttemptError?.errno == e && r.kva?.area != nil ? e : error
        if got != e { out.append("expected \(e), got \(error ?? "success")") }
      case .pool:
        if r.kva?.poolHit != true { out.append("expected a pool hit") }
      case .ok:
        if let error { out.append("expected success, got \(error): \(r.failure ?? "")") }
      case .purged(let n):
        let got = r.kva?.purges.reduce(0) { $0 + $1.areas } ?? 0
        if got != n { out.append("expected \(n) areas purged, got \(got)") }
      case .lazy(let n):
        if r.kva?.operation != .free {
          out.append("expected nr_lazy \(n) after a free, but this is not a vmalloc free")
        } else if r.kva?.nrLazy != n {
          out.append("expected nr_lazy \(n) after the free, got \(r.kva?.nrLazy ?? 0)")
        }
      case .visited(let n):
        if r.kva?.visited != n { out.append("expected \(n) nodes visited, got \(r.kva?.visited ?? 0)") }
      case .range(let s, let e):
        let ranges = r.kva?.purges.map { "\($0.start.hex)-\($0.end.hex)" } ?? []
        if r.kva?.purges.contains(where: { $0.start == s && $0.end == e }) != true {
          out.append(
            "expected a purge of \(s.hex)-\(e.hex), got "
              + (ranges.isEmpty ? "no purge" : "purges of \(ranges.joined(separator: ", "))"))
        }
      case .walked(let n):
        if r.kva?.walkedCount != n { out.append("expected \(n) busy areas walked, got \(r.kva?.walkedCount ?? 0)") }
      case .merged(let p):
        let got = freed(r)?.resultPFN
        if got != p { out.append("expected the block to merge into \(p.hex), got \(got.map(\.hex) ?? "no free")") }
      case .order(let n):
        let got = freed(r)?.resultOrder
        if got != n {
          out.append("expected the freed block to end at order \(n), got \(got.map(String.init) ?? "no free")")
        }
      case .head, .tail:
        let want = item == .tail
        guard let f = freed(r), f.resultPFN != nil else {
          out.append("expected the freed block at the \(item) of its list, got no free to the lists")
          continue
        }
        if f.toTail != want {
          out.append("expected the freed block at the \(item) of its list, got the \(f.toTail ? "tail" : "head")")
        }
      }
    }
    return out
  }
}
