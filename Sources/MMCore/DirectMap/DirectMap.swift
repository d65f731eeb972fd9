/// A PUD or PMD entry of the direct map.
enum MapEntry: Sendable, Equatable {
  /// Nothing mapped here (no RAM).
  case none
  /// A large leaf with its attributes.
  case leaf(PageAttrs)
  /// A table of 512 entries below: index into the PMD tables (for a PUD) or PTE tables (for a PMD).
  case table(Int32)
}

/// What one change to the direct map did.
public struct DirectMapReport: Sendable, Equatable {
  public struct Split: Sendable, Equatable {
    /// The first pfn of the large page that was split, and its level before the split.
    public var pfn: UInt64
    public var level: MapLevel
  }
  public var splits: [Split] = []
  public var collapses: [Split] = []
  /// Large pages whose attributes changed in place, and ones left alone because nothing changed.
  public var rewrittenLarge = 0
  public var keptLarge = 0
  /// 4 KiB entries written.
  public var ptesChanged = 0
  public var error: String?

  public init() {}
}

/// x86-64's direct map of physical memory: 1 GiB (PUD) leaves where gbpages apply, 2 MiB (PMD)
/// leaves, and 4 KiB PTEs, each leaf with its attributes, plus the kernel's counters of leaves per
/// level (`direct_pages_count`, shown as DirectMap4k/2M/1G in /proc/meminfo) and of splits and
/// collapses (/proc/vmstat).
public struct DirectMap: Sendable {
  public let memoryPages: UInt64
  public let gbpages: Bool
  var puds: [MapEntry]
  var pmdTables: [[MapEntry]] = []
  var pteTables: [[PageAttrs]] = []
  var freePMDTables: [Int32] = []
  var freePTETables: [Int32] = []
  /// Leaves per level (`direct_pages_count[PG_LEVEL_4K/2M/1G]`).
  public internal(set) var leaves: [MapLevel: UInt64] = [.pte: 0, .pmd: 0, .pud: 0]
  public internal(set) var level2Splits = 0
  public internal(set) var level3Splits = 0
  public internal(set) var level2Collapses = 0
  public internal(set) var level3Collapses = 0

  /// The boot-time mapping of RAM [0, memoryPages): 1 GiB leaves for whole aligned gigabytes when
  /// gbpages are on, 2 MiB leaves for whole aligned 2 MiB ranges, 4 KiB PTEs for the rest.
  public init(memoryPages: UInt64, gbpages: Bool = true) {
    self.memoryPages = memoryPages
    self.gbpages = gbpages
    let gib = MapLevel.pud.pages
    puds = Array(repeating: .none, count: Int((memoryPages + gib - 1) / gib))
    for i in puds.indices {
      let base = UInt64(i) * gib
      if gbpages && base + gib <= memoryPages {
        puds[i] = .leaf(.kernel)
        leaves[.pud]! += 1
        continue
      }
      var table = [MapEntry](repeating: .none, count: 512)
      for j in 0..<512 {
        let pmdBase = base + UInt64(j) * 512
        if pmdBase + 512 <= memoryPages {
          table[j] = .leaf(.kernel)
          leaves[.pmd]! += 1
        } else if pmdBase < memoryPages {
          var ptes = [PageAttrs](repeating: [], count: 512)
          for k in 0..<Int(memoryPages - pmdBase) { ptes[k] = .kernel }
          pteTables.append(ptes)
          table[j] = .table(Int32(pteTables.count - 1))
          leaves[.pte]! += memoryPages - pmdBase
        }
      }
      pmdTables.append(table)
      puds[i] = .table(Int32(pmdTables.count - 1))
    }
  }

  /// `/proc/meminfo`'s DirectMap lines, in kB.
  public var directMap4k: UInt64 { leaves[.pte]! * 4 }
  public var directMap2M: UInt64 { leaves[.pmd]! * 2048 }
  public var directMap1G: UInt64 { leaves[.pud]! * 1_048_576 }

  /// The leaf mapping `pfn`: its level, attributes and first pfn; nil outside RAM.
  public func lookup(_ pfn: UInt64) -> (level: MapLevel, attrs: PageAttrs, base: UInt64)? {
    guard pfn < memoryPages else { return nil }
    let i = Int(pfn / MapLevel.pud.pages)
    switch puds[i] {
    case .none: return nil
    case .leaf(let a): return (.pud, a, UInt64(i) * MapLevel.pud.pages)
    case .table(let t):
      let j = Int((pfn / 512) % 512)
      switch pmdTables[Int(t)][j] {
      case .none: return nil
      case .leaf(let a): return (.pmd, a, pfn & ~511)
      case .table(let p):
        let k = Int(pfn % 512)
        return (.pte, pteTables[Int(p)][k], pfn)
      }
    }
  }

  /// The map of one gigabyte as the panel draws it: for each 2 MiB cell, how it is mapped.
  public enum Cell: Sendable, Equatable {
    case none
    case gigabyte(PageAttrs)
    case large(PageAttrs)
    /// Split into 4 KiB PTEs: how many are present, read-only, executable.
    case split(present: Int, readOnly: Int, executable: Int)
  }

  public func cells(gigabyte i: Int) -> [Cell] {
    switch puds[i] {
    case .none: return Array(repeating: .none, count: 512)
    case .leaf(let a): return Array(repeating: .gigabyte(a), count: 512)
    case .table(let t):
      return pmdTables[Int(t)].map { e in
        switch e {
        case .none: return .none
        case .leaf(let a): return .large(a)
        case .table(let p):
          let ptes = pteTables[Int(p)]
          return .split(
            present: ptes.filter { $0.contains(.present) }.count,
            readOnly: ptes.filter { $0.contains(.present) && !$0.contains(.rw) }.count,
            executable: ptes.filter { $0.contains(.present) && !$0.contains(.nx) }.count)
        }
      }
    }
  }

  public var gigabytes: Int { puds.count }
}
