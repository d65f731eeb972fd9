/// The page-table bits the model tracks on a direct-map leaf.
public struct PageAttrs: OptionSet, Sendable, Hashable, Codable {
  public let rawValue: UInt8
  public init(rawValue: UInt8) { self.rawValue = rawValue }

  public static let present = PageAttrs(rawValue: 1 << 0)
  public static let rw = PageAttrs(rawValue: 1 << 1)
  public static let nx = PageAttrs(rawValue: 1 << 2)
  /// `_PAGE_KERNEL_4K` (a software bit, set by `set_memory_4k()`): never collapse this range again.
  public static let keep4K = PageAttrs(rawValue: 1 << 3)

  /// `PAGE_KERNEL`: how the direct map starts out (present, writable, not executable).
  public static let kernel: PageAttrs = [.present, .rw, .nx]

  /// "P RW NX"-style flags as the views print them.
  public var label: String {
    var s: [String] = []
    s.append(contains(.present) ? "P" : "NP")
    s.append(contains(.rw) ? "RW" : "RO")
    s.append(contains(.nx) ? "NX" : "X")
    if contains(.keep4K) { s.append("4K") }
    return s.joined(separator: " ")
  }
}

/// The page-table level of a leaf.
public enum MapLevel: Int, Sendable, Codable, CaseIterable, Comparable {
  case pte = 1
  case pmd = 2
  case pud = 3

  public var pages: UInt64 {
    switch self {
    case .pte: 1
    case .pmd: 512
    case .pud: 512 * 512
    }
  }

  public var name: String {
    switch self {
    case .pte: "4K"
    case .pmd: "2M"
    case .pud: "1G"
    }
  }

  public static func < (a: MapLevel, b: MapLevel) -> Bool { a.rawValue < b.rawValue }
}

/// One `set_memory_*` / `set_direct_map_*` request as change_page_attr receives it.
public struct AttrChange: Sendable, Equatable, Codable {
  public var set: PageAttrs
  public var clear: PageAttrs
  /// `CPA_COLLAPSE`: try to restore large pages afterwards (only `set_memory_rox` asks).
  public var collapse: Bool

  public init(set: PageAttrs = [], clear: PageAttrs = [], collapse: Bool = false) {
    self.set = set
    self.clear = clear
    self.collapse = collapse
  }

  /// The named operations of arch/x86/mm/pat/set_memory.c.
  public enum Named: String, Sendable, Codable, CaseIterable {
    case ro, rw, x, nx, np, p, rox
    case fourK = "4k"
    case invalid = "direct_map_invalid"
    case `default` = "direct_map_default"

    public var change: AttrChange {
      switch self {
      case .ro: AttrChange(clear: .rw)
      case .rw: AttrChange(set: .rw)
      case .x: AttrChange(clear: .nx)
      case .nx: AttrChange(set: .nx)
      case .np: AttrChange(clear: .present)
      case .p: AttrChange(set: .present)
      case .rox: AttrChange(clear: [.rw, .nx], collapse: true)
      case .fourK: AttrChange(set: .keep4K)
      case .invalid: AttrChange(clear: [.present, .rw])
      case .default: AttrChange(set: [.present, .rw])
      }
    }

    /// The kernel function's name.
    public var function: String {
      switch self {
      case .invalid: "set_direct_map_invalid_noflush"
      case .default: "set_direct_map_default_noflush"
      default: "set_memory_\(rawValue)"
      }
    }
  }

  /// The change the direct-map alias of a vmalloc address gets (`cpa_process_alias`): the direct map
  /// always stays NX, so NX changes are dropped.
  public var forAlias: AttrChange {
    AttrChange(set: set.subtracting(.nx), clear: clear.subtracting(.nx), collapse: false)
  }
}
