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

    public var description: String {
      switch self {
      case .value(let v): v.hex
      case .fit(let f): f.rawValue
      case .error(let e): e
      case .pool: "pool"
      case .ok: "ok"
      case .purged(let n): "purged:\(n)"
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
      } else if part.hasPrefix("purged:"), let n = Int(part.dropFirst(7)) {
        items.append(.purged(n))
      } else if let v = TraceValues.number(part) {
        items.append(.value(v))
      } else {
        return nil
      }
    }
    return items.isEmpty ? nil : Expectation(items: items)
  }

  public var text: String { items.map(\.description).joined(separator: ",") }

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
        let got = r.kva?.area?.start ?? r.exec?.address ?? r.buddy.first(where: { $0.operation == .alloc })?.pfn
        if got != v { out.append("expected \(v.hex), got \(got.map(\.hex) ?? (error ?? "nothing"))") }
      case .fit(let f):
        if r.kva?.fit != f {
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
      }
    }
    return out
  }
}
