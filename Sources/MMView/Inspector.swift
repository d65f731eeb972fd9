import MMCore

/// What the selection is, in words: one summary line under the address strip, and the inspector
/// overlay (Enter) with everything known about the focused panel's selection.
enum Inspector {
  /// "▸ [0x104000, 0x106000) 8 KiB busy vmalloc b, 1 page + guard, pfn 0x1003 (DMA32)".
  static func summary(_ input: FrameInput, _ state: UIState) -> String {
    guard let run = input.selectedRun(state) else { return "▸ nothing selected: h/l picks an area" }
    var text = "▸ \(Units.span(run.span)) \(Units.size(run.span.size)) \(describe(run, input.machine))"
    if let backing = input.machine.backing[run.span.start], run.state == .busy {
      text += ", \(Units.pages(UInt64(backing.pageCount)))"
      if hasGuard(run, backing) { text += " + guard" }
      if let first = backing.pfns.first {
        text += ", pfn \(first.hex)" + (zoneName(first, input.machine).map { " (\($0))" } ?? "")
      }
    }
    return text
  }

  static func describe(_ run: AreaRun, _ machine: Machine) -> String {
    switch run.state {
    case .free: return "free"
    case .pooled: return "pooled in vmap node \(run.node)"
    case .busy, .lazy:
      let owner = machine.owner(run.owner)
      let who = owner.kind.rawValue + (owner.name.map { " \($0)" } ?? "")
      return run.state == .busy ? "busy \(who)" : "lazily freed (was \(who))"
    }
  }

  static func hasGuard(_ run: AreaRun, _ backing: AreaBacking) -> Bool {
    run.span.size == UInt64(backing.pageCount + 1) * KernelConstants.pageSize
  }

  static func zoneName(_ pfn: UInt64, _ machine: Machine) -> String? {
    machine.memory.zones.first { $0.contains(pfn) }?.name
  }

  /// The overlay's title and lines for the focused panel.
  static func details(_ input: FrameInput, _ state: UIState) -> (title: String, lines: [String]) {
    switch state.focus {
    case .buddy: return buddyDetails(input, state)
    case .directMap: return directMapDetails(input, state)
    case .tree where state.treeView == .free && input.machine.kva.current != nil: return nodeDetails(input, state)
    case .addressSpace, .tree, .log, .explain: return areaDetails(input, state)
    }
  }

  /// The free-tree node the tree panel highlights (the one its cursor or the last search stands on),
  /// in the tree as drawn (a phase's tree inside an operation).
  static func nodeDetails(_ input: FrameInput, _ state: UIState) -> (title: String, lines: [String]) {
    guard let current = input.machine.kva.current else { return ("inspect", []) }
    let tree = input.phaseTree ?? current.free
    guard let id = TreePanel.focus(tree, selection: state.selection, report: input.report, phase: input.phase?.phase)
    else { return ("free-tree node", ["The free tree is empty."]) }
    let n = tree[id]
    let depth = depth(of: id, in: tree)
    func child(_ c: NodeID) -> String {
      c == noNode
        ? "none" : "\(Units.span(Span(tree[c].start, tree[c].end))), subtree_max_size \(Units.size(tree[c].subtreeMax))"
    }
    var out = [
      "range             \(Units.span(Span(n.start, n.end)))",
      "size              \(Units.size(n.size)) (\(n.size) bytes)",
      "colour, depth     \(n.color == .red ? "red" : "black"), \(depth) (the root is 0)",
      "subtree_max_size  \(Units.size(n.subtreeMax)) (\(n.subtreeMax) bytes): the largest free area in its subtree",
      "left child        \(child(n.left))",
      "right child       \(child(n.right))",
      "parent            "
        + (n.parent == noNode ? "none (the root)" : Units.span(Span(tree[n.parent].start, tree[n.parent].end))),
    ]
    var shown = input.report?.kva?.search ?? []
    if let p = input.phase?.phase {
      let end = min(p.searchFrom + (p.searchShown ?? 0), shown.count)
      shown = Array(shown[min(p.searchFrom, end)..<end])
    }
    let visits = shown.filter { $0.id == id && $0.area.start == n.start }
    if !visits.isEmpty {
      out.append("this step's search here: " + visits.map { Explainer.words($0.decision) }.joined(separator: ", "))
    }
    return ("free-tree node", out)
  }

  /// A node's depth in its tree (the root is 0).
  static func depth(of id: NodeID, in tree: AreaTree) -> Int {
    var depth = 0
    var p = tree[id].parent
    while p != noNode {
      depth += 1
      p = tree[p].parent
    }
    return depth
  }

  static func areaDetails(_ input: FrameInput, _ state: UIState) -> (title: String, lines: [String]) {
    let m = input.machine
    guard let run = input.selectedRun(state) else { return ("inspect", ["Nothing selected: h/l picks an area."]) }
    var out = [
      "range      \(Units.span(run.span))", "size       \(Units.size(run.span.size)) (\(run.span.size) bytes)",
      "state      \(describe(run, m))",
    ]
    switch run.state {
    case .free:
      if let tree = m.kva.current?.free, let id = tree.find(containing: run.span.start) {
        let n = tree[id]
        let depth = depth(of: id, in: tree)
        out.append("tree node  \(n.color == .red ? "red" : "black"), depth \(depth)")
        out.append("subtree_max_size  \(Units.size(n.subtreeMax)): the largest free area at or below it")
        out.append(
          "A request fits here if its size plus alignment padding is at most \(Units.size(n.size)); "
            + "the lowest-fit search finds the lowest such area.")
      } else {
        out.append("A hole between busy areas (the pre-5.2 allocator keeps no free structure).")
      }
    case .lazy:
      out.append(
        "Unmapped, pages already freed; the range stays reserved until a purge (vmap_lazy_nr "
          + "\(m.kva.lazyPages) of \(m.config.kva.lazyMaxPages) pages).")
    case .pooled:
      out.append("Purged into vmap node \(run.node)'s pool for its size; the node's next allocation of that")
      out.append("size takes it without the global free tree.")
    case .busy:
      if let b = m.backing[run.span.start] {
        out.append(
          "pages      \(Units.pages(UInt64(b.pageCount)))\(b.order == 0 ? "" : " in \(b.pfns.count) 2 MiB blocks")"
            + (hasGuard(run, b) ? ", then a guard page" : ""))
        let shown = b.pfns.prefix(8).map(\.hex).joined(separator: " ")
        out.append("pfns       \(shown)\(b.pfns.count > 8 ? " … (\(b.pfns.count) blocks)" : "")")
        if let z = b.pfns.first.flatMap({ zoneName($0, m) }) { out.append("zone       \(z)") }
        out.append("mapping    \(b.attrs.label)\(b.resetPerms ? ", VM_FLUSH_RESET_PERMS" : "")")
        if b.unmapped {
          out.append("direct map not mapped: the pages came from the unmapped cache")
        } else {
          var levels: [MapLevel: Int] = [:]
          var attrs: [String: Int] = [:]
          for i in 0..<b.pageCount {
            guard let l = m.directMap.lookup(b.pfn(ofPage: i)) else { continue }
            levels[l.level, default: 0] += 1
            attrs[l.attrs.label, default: 0] += 1
          }
          let lv = [MapLevel.pud, .pmd, .pte].compactMap { l in
            levels[l].map { "\($0) in \(l == .pud ? "1G" : l == .pmd ? "2M" : "4K") leaves" }
          }
          out.append("direct map \(lv.joined(separator: ", "))")
          out.append(
            "alias      " + attrs.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", "))
        }
      } else {
        out.append("No pages recorded for it (address space only: vmap, ioremap, or a replayed trace).")
      }
    }
    return ("inspect: \(run.state.rawValue) area", out)
  }

  static func buddyDetails(_ input: FrameInput, _ state: UIState) -> (title: String, lines: [String]) {
    let zones = input.machine.memory.zones
    guard !zones.isEmpty else { return ("inspect", ["No zones."]) }
    let z = zones[BuddyPanel.zoneIndex(input, state)]
    let order = state.column[.buddy] ?? BuddyPanel.touchedOrder(input, state) ?? 0
    var out = [
      "zone \(z.name): pfn [\(z.start.hex), \(z.end.hex)), \(z.freePages) pages free",
      "order \(order): blocks of \(Units.pages(1 << UInt64(order))) (\(Units.size(KernelConstants.pageSize << UInt64(order)))), "
        + "\(z.nrFree[order]) free",
    ]
    for mt in Migratetype.allCases {
      let list = z.freeList(order: order, migratetype: mt)
      guard !list.isEmpty else { continue }
      let shown = list.prefix(6).map(\.hex).joined(separator: " ")
      out.append(
        "  \(mt.procName.padding(11)) \(String(list.count).leftPad(6))  head→tail \(shown)\(list.count > 6 ? " …" : "")"
      )
    }
    out.append("A block's buddy differs in bit \(order) of its pfn; freeing merges the two when the buddy is free")
    out.append("at the same order, and allocation splits larger blocks, putting the upper halves back.")
    return ("inspect: free lists", out)
  }

  static func directMapDetails(_ input: FrameInput, _ state: UIState) -> (title: String, lines: [String]) {
    let dm = input.machine.directMap
    let m = input.machine
    guard dm.gigabytes > 0 else { return ("inspect", ["No direct map."]) }
    let gi = DirectMapPanel.gigabyte(input, state)
    let cell = min(max(state.column[.directMap] ?? 0, 0), 511)
    let start = UInt64(gi) * MapLevel.pud.pages + UInt64(cell) * 512
    var out = ["2 MiB at pfn [\(start.hex), \((start + 512).hex)), GiB \(gi) cell \(cell)"]
    switch dm.cells(gigabyte: gi)[cell] {
    case .none: out.append("not mapped (beyond memory)")
    case .gigabyte(let a): out.append("inside a 1G leaf (PUD): \(a.label)")
    case .large(let a): out.append("a 2M leaf (PMD): \(a.label)")
    case .split(let present, let ro, let x):
      out.append("split to 512 4K leaves (PTEs): \(present) present, \(ro) read-only, \(x) executable")
    }
    // Which areas' pages live here.
    var users: [String] = []
    for (addr, b) in m.backing.sorted(by: { $0.key < $1.key }) {
      let n = (0..<b.pageCount).reduce(0) { $0 + ((start..<start + 512).contains(b.pfn(ofPage: $1)) ? 1 : 0) }
      if n > 0, let run = AreaRuns.index(of: addr, in: input.runs).map({ input.runs[$0] }) {
        users.append("\(Units.pages(UInt64(n))) of \(describe(run, m)) at \(addr.hex)")
      }
      if users.count >= 6 { break }
    }
    out.append(users.isEmpty ? "no vmalloc area's pages here" : "holds: " + users.joined(separator: "; "))
    out.append(
      "Changing attributes on part of a large leaf splits it (counted in direct_map_level2/3_splits);")
    out.append("set_memory_rox can collapse 512 identical 4K leaves back into a 2M leaf.")
    return ("inspect: direct map", out)
  }
}
