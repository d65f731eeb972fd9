extension BuddyZone {
  /// The zone's properties (empty when sound): every list well linked, each entry a free block of the
  /// list's order and type; `nr_free` and the free-page count equal to what the lists hold; blocks
  /// aligned, inside the zone and disjoint; no two free buddies left unmerged below pageblock order;
  /// and free plus allocated blocks covering the zone exactly.
  public func violations() -> [String] {
    var out: [String] = []
    let z = name
    var nr = Array(repeating: 0, count: BuddyConstants.orders)
    var free: UInt64 = 0
    for order in 0..<BuddyConstants.orders {
      for mt in 0..<Self.types {
        let l = list(order, mt)
        var n = heads[l]
        var prev: Int = -1
        var count = 0
        while n >= 0 && count <= listCounts[l] {
          let p = pages[Int(n)]
          if p.state != .free || Int(p.order) != order || Int(p.migratetype) != mt {
            out.append(
              "\(z): pfn \((start + UInt64(n)).hex) on the order-\(order) type-\(mt) list is not such a free block")
          }
          if p.prev != prev { out.append("\(z): broken back link at pfn \((start + UInt64(n)).hex)") }
          prev = n
          n = p.next
          count += 1
        }
        if tails[l] != prev { out.append("\(z): order-\(order) type-\(mt) list tail is wrong") }
        if count != listCounts[l] {
          out.append("\(z): order-\(order) type-\(mt) list holds \(count), counted \(listCounts[l])")
        }
        nr[order] += count
        free += UInt64(count) << UInt64(order)
      }
    }
    if nr != nrFree { out.append("\(z): nr_free \(nrFree) but the lists hold \(nr)") }
    if free != freePages { out.append("\(z): \(freePages) free pages counted, lists hold \(free)") }
    // Blocks are naturally aligned, so a block can only lie inside the aligned block of each higher
    // order that holds its start: checking those few starts finds every overlap without sorting.
    var covered: UInt64 = 0
    for o in pages.heads {
      let p = pages[Int(o)]
      guard p.state != .tail else { continue }
      let pfn = start + UInt64(o)
      let size = UInt64(1) << UInt64(p.order)
      covered += size
      if pfn & (size - 1) != 0 { out.append("\(z): block at \(pfn.hex) is not aligned to its order \(p.order)") }
      if pfn + size > end { out.append("\(z): block at \(pfn.hex) runs past the zone end \(end.hex)") }
      var j = Int(p.order) + 1
      while j <= BuddyConstants.maxOrder {
        let outer = pfn & ~((UInt64(1) << UInt64(j)) - 1)
        if outer != pfn && contains(outer) {
          let q = pages[offset(outer)]
          if q.state != .tail && Int(q.order) == j {
            out.append("\(z): block at \(pfn.hex) lies inside the order-\(j) block at \(outer.hex)")
          }
        }
        j += 1
      }
      if p.state == .free && Int(p.order) < BuddyConstants.pageblockOrder
        && isFreeBlock(pfn ^ size, order: Int(p.order))
      {
        out.append("\(z): free buddies \(pfn.hex) and \((pfn ^ size).hex) of order \(p.order) were not merged")
      }
      if out.count > 20 { return out }
    }
    // Disjoint blocks inside the zone whose sizes add up to the zone cover it exactly.
    if covered != end - start { out.append("\(z): free and allocated blocks cover \(covered) of \(end - start) pages") }
    return out
  }
}

extension PhysicalMemory {
  /// Every zone's properties, plus the per-CPU lists: counts equal to what they hold, each entry a block
  /// the zone records as held by a list.
  public func violations() -> [String] {
    var out = zones.flatMap { $0.violations() }
    for (c, perZone) in pcp.enumerated() {
      for (z, lists) in perZone.enumerated() {
        var pages = 0
        for (i, list) in lists.lists.enumerated() {
          let order = PerCPULists.order(ofIndex: i)
          for pfn in list {
            pages += 1 << order
            let b = zones[z].allocatedBlock(at: pfn)
            if b?.owner != Self.pcpOwner || b?.order != order {
              out.append("cpu \(c) \(zones[z].name): pfn \(pfn.hex) on a per-CPU list is not held by it")
            }
          }
        }
        if pages != lists.count {
          out.append("cpu \(c) \(zones[z].name): per-CPU count \(lists.count), lists hold \(pages)")
        }
      }
    }
    return out
  }
}
