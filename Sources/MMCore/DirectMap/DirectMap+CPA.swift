// `__change_page_attr_set_clr()` on the direct map: keep a large page when the protection does not
// change, rewrite it in place when the request covers all of it, split it otherwise (1 GiB into
// 512 x 2 MiB, 2 MiB into 512 x 4 KiB) and retry; `set_memory_rox` then tries to collapse.
extension DirectMap {
  /// Applies `change` to `count` pages from `pfn`. Pages outside RAM are refused before anything
  /// changes (the kernel returns -EFAULT for an unmapped direct-map address).
  public mutating func changeAttributes(pfn: UInt64, count: UInt64, _ change: AttrChange) -> DirectMapReport {
    var report = DirectMapReport()
    let (end, overflow) = pfn.addingReportingOverflow(count)
    guard count > 0, !overflow, end <= memoryPages else {
      report.error = "pfns \(pfn.hex)+\(count) are not all in the direct map (RAM ends at pfn \(memoryPages.hex))"
      return report
    }
    var p = pfn
    while p < end {
      guard let (level, old, base) = lookup(p) else {
        report.error = "pfn \(p.hex) is not mapped"
        return report
      }
      let want = old.subtracting(change.clear).union(change.set)
      if level == .pte {
        if want != old { writePTE(p, want) }
        report.ptesChanged += 1
        p += 1
        continue
      }
      let span = min(end - p, base + level.pages - p)
      if want == old {
        report.keptLarge += 1
        p += span
      } else if p != base || span != level.pages {
        split(base, level: level)
        report.splits.append(.init(pfn: base, level: level))
      } else {
        writeLarge(base, level: level, want)
        report.rewrittenLarge += 1
        p += span
      }
    }
    if change.collapse {
      var step = pfn & ~511
      while step < end {
        collapse(pmdAt: step, report: &report)
        step += 512
      }
    }
    return report
  }

  mutating func writePTE(_ pfn: UInt64, _ attrs: PageAttrs) {
    guard case .table(let t) = puds[Int(pfn / MapLevel.pud.pages)],
      case .table(let p) = pmdTables[Int(t)][Int((pfn / 512) % 512)]
    else { return }
    pteTables[Int(p)][Int(pfn % 512)] = attrs
  }

  mutating func writeLarge(_ base: UInt64, level: MapLevel, _ attrs: PageAttrs) {
    let i = Int(base / MapLevel.pud.pages)
    if level == .pud {
      puds[i] = .leaf(attrs)
    } else if case .table(let t) = puds[i] {
      pmdTables[Int(t)][Int((base / 512) % 512)] = .leaf(attrs)
    }
  }

  /// `__split_large_page()` + `split_page_count()`.
  mutating func split(_ base: UInt64, level: MapLevel) {
    let i = Int(base / MapLevel.pud.pages)
    if level == .pud {
      guard case .leaf(let a) = puds[i] else { return }
      let table = [MapEntry](repeating: .leaf(a), count: 512)
      puds[i] = .table(storePMDTable(table))
      leaves[.pud]! -= 1
      leaves[.pmd]! += 512
      level3Splits += 1
    } else {
      guard case .table(let t) = puds[i], case .leaf(let a) = pmdTables[Int(t)][Int((base / 512) % 512)] else {
        return
      }
      pmdTables[Int(t)][Int((base / 512) % 512)] = .table(storePTETable([PageAttrs](repeating: a, count: 512)))
      leaves[.pmd]! -= 1
      leaves[.pte]! += 512
      level2Splits += 1
    }
  }

  private mutating func storePMDTable(_ t: [MapEntry]) -> Int32 {
    if let i = freePMDTables.popLast() {
      pmdTables[Int(i)] = t
      return i
    }
    pmdTables.append(t)
    return Int32(pmdTables.count - 1)
  }

  private mutating func storePTETable(_ t: [PageAttrs]) -> Int32 {
    if let i = freePTETables.popLast() {
      pteTables[Int(i)] = t
      return i
    }
    pteTables.append(t)
    return Int32(pteTables.count - 1)
  }

  /// `collapse_pmd_page()` then `collapse_pud_page()`: 512 present, identical PTEs without the 4K bit
  /// (contiguous and aligned by construction in the direct map) become one 2 MiB leaf; 512 identical
  /// 2 MiB leaves become a 1 GiB leaf when gbpages are on.
  mutating func collapse(pmdAt base: UInt64, report: inout DirectMapReport) {
    let i = Int(base / MapLevel.pud.pages)
    guard i < puds.count, case .table(let t) = puds[i] else { return }
    let j = Int((base / 512) % 512)
    if case .table(let p) = pmdTables[Int(t)][j] {
      let ptes = pteTables[Int(p)]
      let first = ptes[0]
      guard first.contains(.present), !first.contains(.keep4K), ptes.allSatisfy({ $0 == first }) else { return }
      pmdTables[Int(t)][j] = .leaf(first)
      freePTETables.append(p)
      leaves[.pte]! -= 512
      leaves[.pmd]! += 1
      level2Collapses += 1
      report.collapses.append(.init(pfn: base, level: .pmd))
    }
    guard gbpages, case .leaf(let a) = pmdTables[Int(t)][0], a.contains(.present),
      pmdTables[Int(t)].allSatisfy({ $0 == .leaf(a) })
    else { return }
    puds[i] = .leaf(a)
    freePMDTables.append(t)
    leaves[.pmd]! -= 512
    leaves[.pud]! += 1
    level3Collapses += 1
    report.collapses.append(.init(pfn: UInt64(i) * MapLevel.pud.pages, level: .pud))
  }

  /// Leaves per level counted from the tables, the attributes left on not-RAM entries, and the
  /// counters balanced: what `direct_pages_count` must equal.
  public func violations() -> [String] {
    var counted: [MapLevel: UInt64] = [.pte: 0, .pmd: 0, .pud: 0]
    var mapped: UInt64 = 0
    for (i, e) in puds.enumerated() {
      switch e {
      case .none: break
      case .leaf:
        counted[.pud]! += 1
        mapped += MapLevel.pud.pages
      case .table(let t):
        for (j, pe) in pmdTables[Int(t)].enumerated() {
          switch pe {
          case .none: break
          case .leaf:
            counted[.pmd]! += 1
            mapped += 512
          case .table(let p):
            let base = UInt64(i) * MapLevel.pud.pages + UInt64(j) * 512
            let n = min(512, memoryPages > base ? memoryPages - base : 0)
            counted[.pte]! += n
            mapped += n
            if pteTables[Int(p)].count != 512 { return ["a PTE table is not 512 entries"] }
          }
        }
      }
    }
    var out: [String] = []
    for level in MapLevel.allCases where counted[level] != leaves[level] {
      out.append(
        "direct map: \(counted[level]!) \(level.name) leaves in the tables, the counter says \(leaves[level]!)")
    }
    if mapped != memoryPages { out.append("direct map covers \(mapped) pages, RAM is \(memoryPages)") }
    return out
  }
}
