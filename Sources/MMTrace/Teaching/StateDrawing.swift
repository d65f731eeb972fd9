import MMCore

/// The machine's state drawn as plain text for printed exercise sheets: the free tree sideways,
/// the address window as a strip, the buddy free lists, the direct map's leaves.
enum StateDrawing {
  /// Exact in the largest unit that divides the size; sizes that no unit divides are exact in bytes
  /// below 1 MiB, and approximate above (the huge free areas around a window).
  static func size(_ bytes: UInt64) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
    var v = bytes
    var u = 0
    while v >= 1024 && v % 1024 == 0 && u < units.count - 1 {
      v /= 1024
      u += 1
    }
    if u > 0 || bytes < 1 << 20 { return "\(v) \(units[u])" }
    var d = Double(bytes)
    u = 0
    while d >= 1024 && u < units.count - 1 {
      d /= 1024
      u += 1
    }
    return "about \((d * 10).rounded() / 10) \(units[u])"
  }

  /// The augmented free tree, root first, each child under its parent marked L or R, with colour and
  /// `subtree_max_size`.
  static func freeTree(_ machine: Machine) -> [String] {
    guard let tree = machine.kva.current?.free, !tree.isEmpty else {
      return ["(no free tree: the legacy allocator keeps only busy areas)"]
    }
    var out: [String] = []
    func walk(_ id: NodeID, _ prefix: String, _ label: String, _ last: Bool, _ isRoot: Bool) {
      let n = tree[id]
      let colour = n.color == .red ? "R" : "B"
      let head = isRoot ? "" : prefix + (last ? "└─" : "├─") + label + " "
      out.append(
        head + "\(colour) [\(n.start.hex), \(n.end.hex)) \(size(n.end &- n.start)) max \(size(n.subtreeMax))")
      let children = [(n.left, "L"), (n.right, "R")].filter { $0.0 != noNode }
      let next = isRoot ? "" : prefix + (last ? "   " : "│  ")
      for (i, (child, l)) in children.enumerated() { walk(child, next, l, i == children.count - 1, false) }
    }
    walk(tree.root, "", "", true, true)
    return out
  }

  /// The window [start, end) as one line of 64 cells (█ busy, ▒ lazy, · free), then each run.
  static func addressMap(_ machine: Machine, window: Span) -> [String] {
    let cells = 64
    let per = max((window.end - window.start) / UInt64(cells), 1)
    var strip = ""
    for i in 0..<cells {
      let a = window.start + UInt64(i) * per
      let c: Character
      if machine.kva.busyAreas.contains(where: { $0.span.start <= a && a < $0.span.end }) {
        c = "█"
      } else if machine.kva.lazyAreas.contains(where: { $0.span.start <= a && a < $0.span.end }) {
        c = "▒"
      } else {
        c = "·"
      }
      strip.append(c)
    }
    var out = [
      "\(window.start.hex) |\(strip)| \(window.end.hex)", "  one cell = \(size(per)); █ busy  ▒ lazy  · free",
    ]
    var runs: [(Span, String)] = []
    for a in machine.kva.busyAreas where a.span.start >= window.start && a.span.end <= window.end {
      runs.append((a.span, "busy " + (machine.owner(a.owner).name ?? "")))
    }
    for a in machine.kva.lazyAreas where a.span.start >= window.start && a.span.end <= window.end {
      runs.append((a.span, "lazy"))
    }
    for f in machine.kva.freeAreas {
      let s = Swift.max(f.start, window.start)
      let e = Swift.min(f.end, window.end)
      if s < e { runs.append((Span(s, e), "free")) }
    }
    for (span, what) in runs.sorted(by: { $0.0.start < $1.0.start }) {
      out.append("  [\(span.start.hex), \(span.end.hex)) \(size(span.size).leftPad(8)) \(what)")
    }
    return out
  }

  /// Each zone's non-empty free lists, head first, with their migratetype.
  static func freeLists(_ machine: Machine) -> [String] {
    var out: [String] = []
    for z in machine.memory.zones {
      out.append("zone \(z.name): \(z.nrFree.reduce(0) { $0 + $1 }) free blocks")
      for order in 0..<BuddyConstants.orders {
        for mt in Migratetype.allCases {
          let list = z.freeList(order: order, migratetype: mt)
          guard !list.isEmpty else { continue }
          let shown = list.prefix(8).map(\.hex).joined(separator: " ") + (list.count > 8 ? " …" : "")
          out.append("  order \(order) \(mt.procName): \(shown)   (head first)")
        }
      }
    }
    return out
  }

  /// Named page blocks, by pfn.
  static func pageBlocks(_ machine: Machine) -> [String] {
    let blocks = machine.pageNames.filter { !$0.value.unmapped }.sorted { $0.value.pfn < $1.value.pfn }
    guard !blocks.isEmpty else { return ["(none)"] }
    return blocks.map { name, p in
      "\(name): pfn \(p.pfn.hex), order \(machine.pageOrder(p))"
    }
  }

  /// free_vmap_cache (the area the last search ended at, nil after a reset), cached_hole_size (the
  /// largest hole walked past since), cached_vstart and cached_align.
  static func legacyCache(_ machine: Machine) -> [String] {
    guard let legacy = machine.kva.legacy else { return ["(the current allocator keeps no such cache)"] }
    let cache = legacy.freeCacheStart.map { "the busy area at \($0.hex)" } ?? "none (the next search starts at vstart)"
    return [
      "free_vmap_cache: \(cache)", "cached_hole_size: \(size(legacy.cachedHoleSize))",
      "cached_vstart: \(legacy.cachedVstart.hex), cached_align: \(legacy.cachedAlign.hex)",
    ]
  }

  /// The direct map's leaves, consecutive equal leaves as one run.
  static func directMap(_ machine: Machine) -> [String] {
    var out = StateDump.directMapLines(machine.directMap).map { "  pfn " + $0 }
    let m = machine.directMap
    out.insert(
      "splits so far: direct_map_level3_splits \(m.level3Splits), direct_map_level2_splits \(m.level2Splits)", at: 0)
    return out
  }
}

extension String {
  fileprivate func leftPad(_ n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
}
