import MMCore

/// The text dumps of `mmscope dump`: one record a line (formats in docs/CLI.md).
public enum StateDump {
  public enum What: String, CaseIterable, Sendable {
    case freeTree = "free-tree"
    case busy, lazy, pools
  }

  public struct Unavailable: Error, CustomStringConvertible {
    public var description: String
  }

  public static func lines(_ what: What, of machine: Machine) throws -> [String] {
    let kva = machine.kva
    switch what {
    case .freeTree:
      guard let current = kva.current else {
        throw Unavailable(
          description: "the legacy (pre-5.2) allocator keeps no free tree; dump --what busy shows its busy list")
      }
      return current.free.preorder().map { d, n in
        "\(d) \(n.color == .red ? "R" : "B") \(n.start.hex) \(n.end.hex) \(n.subtreeMax)"
      }
    case .busy:
      return kva.busyAreas.map { areaLine($0, machine) }
    case .lazy:
      return kva.lazyAreas.map { areaLine($0, machine) }
    case .pools:
      guard let current = kva.current else { return [] }
      var out: [String] = []
      for (i, node) in current.nodes.enumerated() {
        for (pages, spans) in node.pooledAreas {
          out.append("node \(i) pool \(pages): " + spans.map(\.start.hex).joined(separator: " "))
        }
      }
      return out
    }
  }

  /// `0x<start> 0x<end> <size> <kind> node=<i>[ tag=<j>][ name=<name>]`
  static func areaLine(_ a: AreaView, _ machine: Machine) -> String {
    let owner = machine.owner(a.owner)
    var line = "\(a.span.start.hex) \(a.span.end.hex) \(a.span.size) \(owner.kind.rawValue) node=\(a.node)"
    if let t = a.taggedNode { line += " tag=\(t)" }
    if let n = owner.name { line += " name=\(n)" }
    return line
  }
}
