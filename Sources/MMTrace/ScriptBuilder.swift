import MMCore

/// Collects script items with short helpers, so scenario generators read like the workloads they copy.
public struct ScriptBuilder: Sendable {
  public private(set) var items: [ScriptItem] = []
  public private(set) var operations = 0
  private var released: [String: [String]] = [:]
  private var issued: [String: Int] = [:]

  public init() {}

  /// A name for a new allocation: a released one with this prefix if any, else the next number, so
  /// long workloads reuse a bounded set of names.
  public mutating func name(_ prefix: String) -> String {
    if let n = released[prefix]?.popLast() { return n }
    issued[prefix, default: 0] += 1
    return "\(prefix)\(issued[prefix]!)"
  }

  /// Gives a freed allocation's name back for reuse.
  public mutating func release(_ name: String, prefix: String) { released[prefix, default: []].append(name) }

  public mutating func narrate(_ text: String) { items.append(.narrate(text)) }
  public mutating func bookmark(_ name: String) { items.append(.bookmark(name)) }

  public mutating func op(_ op: Operation) {
    items.append(.operation(op))
    operations += 1
  }

  /// `vmalloc(size)`-style request over the whole vmalloc window with align 1.
  public mutating func vmalloc(
    _ name: String?, _ size: UInt64, align: UInt64 = 1, kind: AreaKind = .vmalloc, cpu: Int = 0
  ) {
    op(.vmalloc(VmallocRequest(size: size, align: align, kind: kind, cpu: cpu, name: name)))
  }

  public mutating func vfree(_ name: String, cpu: Int = 0) { op(.vfree(.name(name), cpu: cpu)) }
}
