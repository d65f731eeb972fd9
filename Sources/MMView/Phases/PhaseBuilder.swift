import MMCore
import MMTrace

/// Turns one operation's reports into its phases: the request, the search node by node on the
/// tree as it was before, the cut, each tree change with its rebalancing and propagation, lazy
/// freeing and purges, buddy splits and merges, direct-map splits. Everything comes from the
/// reports and the recorded tree steps; the tree before the operation is only read, to give each
/// search decision its numbers.
public enum PhaseBuilder {
  public static func phases(_ r: StepReport, before: Machine, after: Machine) -> [Phase] {
    var out: [Phase] = []
    if let refusal = r.refusal, r.kva == nil {
      var p = Phase(.result, "", "Refused: \(refusal). Nothing changed.")
      p.treeSteps = nil
      out.append(p)
      return out
    }
    if let k = r.kva { out += kva(k, r, before: before, after: after) }
    // Until the first buddy phase the free lists are as they were before the operation.
    if !r.buddy.isEmpty {
      for i in out.indices where out[i].buddy == nil {
        out[i].buddy = 0
        out[i].buddyEvents = 0
      }
    }
    out += buddy(r)
    // Until the direct map's own phases, none of its splits are done.
    let splits = r.directMap.splits.count
    if splits > 0 {
      for i in out.indices where !out[i].showsBefore { out[i].directMapSplitsDone = 0 }
    }
    out += directMap(r)
    out.append(result(r, after: after))
    return out
  }

  // MARK: vmalloc

  static func kva(_ k: KVAReport, _ r: StepReport, before: Machine, after: Machine) -> [Phase] {
    var out: [Phase] = []
    let tree = before.kva.current?.free
    // Operations that place several areas (a module's text, rodata and data; a pack; a secretmem
    // user's pages) keep only the last area's report: their searches cannot be shown one by one, but
    // every tree step of all of them was recorded and is shown in order.
    if !singleArea(r.operation) {
      var p = Phase(
        .request, "",
        "This operation makes several address-space changes; the search of each is not kept, but every change to the free tree is shown below in the order it happened."
      )
      p.treeSteps = 0
      p.showsBefore = true
      out.append(p)
      out += treeStepPhases(r.treeSteps, range: 0..<r.treeSteps.count)
      return out
    }
    switch k.operation {
    case .alloc:
      out += request(k, r.operation, before: before)
      if k.vmapNode != nil && (k.poolHit || k.poolHeadRotated) { out.append(pool(k)) }
      guard !k.poolHit else { break }
      if before.kva.legacy != nil {
        out += legacyWalk(k)
        break
      }
      let firstEnd = k.retrySearchStart ?? k.search.count
      if let tree { out += search(k, range: 0..<firstEnd, tree: tree, treeSteps: 0) }
      if k.retrySearchStart != nil {
        var failed = Phase(
          .search, "alloc_vmap_area",
          "The first search failed (\(k.firstAttemptError?.errno ?? "?")): no free block holds the request. The kernel purges every lazy area, decaying the pools fully, and searches again."
        )
        failed.treeSteps = 0
        out.append(failed)
        for p in k.purges { out.append(purgePhase(p, before: before, treeSteps: 0)) }
        // The purge's own tree steps come before the clip; the retry searches the tree they left.
        let purgeSteps =
          r.treeSteps.firstIndex { if case .clipped = $0.kind { true } else { false } } ?? r.treeSteps.count
        out += treeStepPhases(r.treeSteps, range: 0..<purgeSteps)
        if let tree {
          let after = tree.applying(r.treeSteps[0..<purgeSteps])
          out += search(k, range: firstEnd..<k.search.count, tree: after, treeSteps: purgeSteps)
        }
        if let cut = cut(k, treeSteps: purgeSteps) { out.append(cut) }
        out += treeStepPhases(r.treeSteps, range: purgeSteps..<r.treeSteps.count)
      } else {
        if let cut = cut(k, treeSteps: 0) { out.append(cut) }
        out += treeStepPhases(r.treeSteps, range: 0..<r.treeSteps.count)
      }
      if let e = k.error, k.area == nil {
        var p = Phase(.result, "alloc_vmap_area", "The allocation failed: \(e.description).")
        p.treeSteps = r.treeSteps.count
        out.append(p)
      }
    case .free:
      out += free(k, before: before)
      for p in k.purges { out.append(purgePhase(p, before: before, treeSteps: 0)) }
      out += treeStepPhases(r.treeSteps, range: 0..<r.treeSteps.count)
    case .purge:
      for p in k.purges {
        var ph = purgePhase(p, before: before, treeSteps: 0)
        ph.showsBefore = true
        out.append(ph)
      }
      // While the purge merges areas back, the address space still shows them as lazy.
      out += treeStepPhases(r.treeSteps, range: 0..<r.treeSteps.count).map {
        var p = $0
        p.showsBefore = true
        return p
      }
    }
    return out
  }

  /// Whether the operation's KVA report is all the address-space work it did.
  static func singleArea(_ op: Operation) -> Bool {
    switch op {
    case .vmalloc, .allocVmapArea, .vfree, .purge, .kernelPurge: true
    default: false
    }
  }

  static func request(_ k: KVAReport, _ op: Operation, before: Machine) -> [Phase] {
    guard let req = k.request else { return [] }
    var what: String
    if case .vmalloc(let v) = op {
      let pages = req.size / KernelConstants.pageSize
      what =
        "vmalloc(\(Units.exactSize(v.size))) asks alloc_vmap_area for \(Units.exactSize(req.size)): "
        + (v.noGuard
          ? "\(Units.pages(pages)), no guard page (VM_NO_GUARD)"
          : "\(Units.pages(pages - 1)) plus one guard page that stays unmapped")
    } else {
      what =
        "alloc_vmap_area asks for \(Units.exactSize(req.size)) (\(Units.pages(req.size / KernelConstants.pageSize)))"
    }
    what +=
      (req.align > KernelConstants.pageSize
        ? ", aligned to \(Units.size(req.align))" : ", with no alignment beyond a page")
      + ", between vstart \(req.vstart.hex) and vend \(req.vend.hex)."
    // A recorded placement is applied where the kernel put it: no search length to explain.
    if k.poolHit {
      what += " A vmap node's pool is looked at first; it holds an area of this size, so no tree search runs."
    } else if before.kva.current != nil && req.at == nil {
      if k.searchLength != req.size {
        what +=
          " The search looks for \(Units.exactSize(k.searchLength)) = size + align - 1 (adjust_search_size): with align above PAGE_SIZE, any block of that length holds the request aligned wherever it starts."
      } else {
        what +=
          " The search looks for exactly \(Units.exactSize(k.searchLength)): align is at most PAGE_SIZE, so no slack is needed."
      }
    }
    if let at = req.at { what += " The recorded kernel placed it at \(at.hex)." }
    var p = Phase(.request, "alloc_vmap_area", what)
    p.treeSteps = 0
    p.searchShown = 0
    p.showsBefore = true
    return [p]
  }

  static func pool(_ k: KVAReport) -> Phase {
    let node = k.vmapNode ?? 0
    var p: Phase
    if k.poolHit, let a = k.area {
      p = Phase(
        .pool, "node_alloc",
        "vmap node \(node) (this CPU's) keeps a pool of freed \(Units.pages(a.size / KernelConstants.pageSize)) areas: its head \(Units.span(a)) is taken at once, without searching the free tree or taking free_vmap_area_lock."
      )
    } else {
      p = Phase(
        .pool, "node_alloc",
        "vmap node \(node)'s pool for this size has a head that is not aligned for the request: it moves to the pool's tail, and the free tree is searched instead."
      )
    }
    p.treeSteps = 0
    p.searchShown = 0
    p.showsBefore = true
    return p
  }

  static func legacyWalk(_ k: KVAReport) -> [Phase] {
    var text =
      k.legacyCacheUsed
      ? "The pre-5.2 allocator starts after its cached area (free_vmap_cache), where the last allocation ended"
      : "The pre-5.2 allocator descends \(k.legacyDescent) busy-tree node(s) to the first area at or above vstart"
    text +=
      ", then walks the busy list over \(k.walkedCount) area(s), looking for a hole big enough between neighbours."
    if !k.walked.isEmpty {
      text += " Stepped over: " + k.walked.prefix(4).map { Units.span($0) }.joined(separator: ", ")
      if k.walked.count > 4 { text += " and \(k.walked.count - 4) more" }
      text += "."
    }
    if let a = k.area { text += " The hole found starts at \(a.start.hex)." }
    var p = Phase(.search, "alloc_vmap_area (pre-5.2)", text)
    p.showsBefore = true
    return [p]
  }

  /// One phase per visited node, on `tree` (the tree the search ran on).
  static func search(_ k: KVAReport, range: Range<Int>, tree: AreaTree, treeSteps: Int) -> [Phase] {
    var out: [Phase] = []
    // Exact when no unit divides it (size + align - 1), so "48 KiB ≥ 48 KiB" cannot hide a byte.
    let len = Units.exactSize(k.searchLength)
    for i in range {
      let s = k.search[i]
      let node = tree.node(at: s.area).map { tree[$0] }
      let leftMax = node.map { $0.left == noNode ? 0 : tree[$0.left].subtreeMax } ?? 0
      let rightMax = node.map { $0.right == noNode ? 0 : tree[$0.right].subtreeMax } ?? 0
      let here =
        "At \(Units.span(s.area)) (\(Units.size(s.area.size)), subtree_max_size \(Units.size(s.subtreeMax)))"
      let hasLeft = node.map { $0.left != noNode } ?? false
      let hasRight = node.map { $0.right != noNode } ?? false
      let notLeft =
        !hasLeft
        ? "it has no left subtree"
        : leftMax < k.searchLength
          ? "its left subtree's largest block (\(Units.size(leftMax))) is under \(len)"
          : "vstart \(s.vstart.hex) is not below its start, so nothing on the left is allowed"
      let rightSays =
        hasRight
        ? "the right subtree's largest block (\(Units.size(rightMax))) is under \(len)" : "it has no right subtree"
      let climbing = i > range.lowerBound && [.deadEnd, .climb].contains(k.search[i - 1].decision)
      let text: String
      switch s.decision {
      case .left:
        text =
          "\(here): the left subtree's subtree_max_size \(Units.size(leftMax)) ≥ \(len) and vstart \(s.vstart.hex) lies below this node: go left (a lower fit may be there)."
      case .found where climbing:
        text =
          "Climbing back to \(Units.span(s.area)): this node itself holds the request aligned, inside its range (is_within_this_va): the search stops here."
      case .found:
        text =
          "\(here): \(notLeft); this node holds the request aligned, inside its range (is_within_this_va): the search stops here."
      case .right:
        text =
          "\(here): \(notLeft); this node cannot hold it aligned; the right subtree's largest block \(Units.size(rightMax)) ≥ \(len): go right."
      case .deadEnd:
        text =
          "\(here): \(notLeft); this node cannot hold it, and \(rightSays): dead end, climb back up."
      case .climb:
        text =
          "Climbing to \(Units.span(s.area)): is_within_this_va says it cannot hold the request aligned, and its right subtree cannot help (largest \(Units.size(rightMax)), or vstart \(s.vstart.hex) is already past it): keep climbing."
      case .rollBackRight:
        text =
          "Climbing to \(Units.span(s.area)): is_within_this_va says it cannot hold the request aligned; its right subtree has a block of \(Units.size(rightMax)) ≥ \(len) and vstart \(s.vstart.hex) is not past this node: the search goes right (the roll-back), and vstart moves to \((s.area.start &+ 1).hex), one past this node's start, so that climbing back here later will not enter this right subtree a second time."
      }
      var p = Phase(.search, "find_vmap_lowest_match", text)
      p.treeSteps = treeSteps
      p.searchFrom = range.lowerBound
      p.searchShown = i - range.lowerBound + 1
      p.focus = s.area
      p.highlight = [s.area]
      p.showsBefore = true
      out.append(p)
    }
    return out
  }

  static func cut(_ k: KVAReport, treeSteps: Int) -> Phase? {
    guard let a = k.area, let from = k.chosenFree, let fit = k.fit else { return nil }
    let left = Span(from.start, a.start)
    let right = Span(a.end, from.end)
    let stays: String
    switch fit {
    case .FL:
      stays = "a full fit (FL): the request uses the whole free area; nothing stays free, the node will be erased"
    case .LE:
      stays =
        "a left-edge fit (LE): the request takes the start; \(Units.span(right)) (\(Units.size(right.size))) stays free"
    case .RE:
      stays =
        "a right-edge fit (RE): the request takes the end; \(Units.span(left)) (\(Units.size(left.size))) stays free"
    case .NE:
      stays =
        "a no-edge fit (NE): the request sits inside, so \(Units.span(left)) (\(Units.size(left.size))) stays free on the left and \(Units.span(right)) (\(Units.size(right.size))) on the right"
    }
    let whence =
      k.request?.at != nil
      ? "The recorded placement lies in the free area" : "The lowest fit is the free area"
    var p = Phase(
      .cut, "classify_va_fit_type",
      "\(whence) \(Units.span(from)) (\(Units.size(from.size))). The request is cut out at \(Units.span(a)): \(stays)."
    )
    p.treeSteps = treeSteps
    p.searchShown = nil
    p.focus = from
    p.highlight = [from]
    return p
  }

  static func free(_ k: KVAReport, before: Machine) -> [Phase] {
    guard let a = k.area else {
      var p = Phase(.result, "vfree", "Nothing freed: \(k.error?.description ?? "no such area").")
      p.showsBefore = true
      return [p]
    }
    let node = k.vmapNode.map { "vmap node \($0)" } ?? "its vmap node"
    var first = Phase(
      .lazy, "find_unlink_vmap_area",
      "vfree(\(a.start.hex)): the busy area \(Units.span(a)) (\(Units.size(a.size))) is found in \(node)'s busy tree and unlinked; its pages are unmapped"
        + (k.interiorAddress ? " (the address given was inside the area)." : "."))
    first.showsBefore = true
    let limit = before.config.kva.lazyMaxPages
    let crossed = k.nrLazy > limit
    var lazy = Phase(
      .lazy, "free_vmap_area_noflush",
      "The range is not free yet: it waits in a lazy list, still reserved, so one TLB flush can cover many frees later. vmap_lazy_nr is now \(k.nrLazy) of lazy_max_pages() = \(limit) pages"
        + (crossed
          ? ": over the limit, so the purge runs (the kernel queues drain_vmap_area_work; the model runs it now)."
          : ": under the limit, so nothing else happens until a purge."))
    lazy.treeSteps = 0
    return [first, lazy]
  }

  static func purgePhase(_ p: PurgeReport, before: Machine, treeSteps: Int) -> Phase {
    var text: String
    let pools = before.config.kva.vmapNodes > 1
    if p.areas == 0 {
      text = "The purge finds nothing lazy"
      text += p.decayed > 0 ? "; \(p.decayed) pooled area(s) decay back to the free tree." : "."
    } else {
      text =
        "One TLB flush over \(Units.span(Span(p.start, p.end))) covers all \(p.areas) lazy area(s) (\(Units.pages(p.pages))). "
      if p.decayed > 0 { text += "First \(p.decayed) pooled area(s) decay back to the free tree. " }
      if p.fullDecay {
        text += "After a failed search the pools are skipped: every area goes back to the free tree."
      } else if pools {
        text +=
          "Then each area, in the kernel's order, goes into its vmap node's pool when it is tagged for one and the pool has room (\(p.pooled) did), else back to the free tree, merging with free neighbours."
      } else {
        text +=
          "With one vmap node there are no pools: each area goes back to the free tree, merging with free neighbours."
      }
    }
    var ph = Phase(.purge, "__purge_vmap_area_lazy", text)
    ph.treeSteps = treeSteps
    return ph
  }

  // MARK: Tree steps

  /// One phase per recorded tree step, consecutive propagation steps joined into one.
  static func treeStepPhases(_ steps: [TreeStep], range: Range<Int>) -> [Phase] {
    var out: [Phase] = []
    var i = range.lowerBound
    while i < range.upperBound {
      let s = steps[i]
      switch s.kind {
      case .propagated, .propagationStopped:
        var j = i
        var parts: [String] = []
        var changed: [Span] = []
        var stop: Span? = nil
        while j < range.upperBound {
          if case .propagated(let n, let old, let new) = steps[j].kind {
            parts.append(
              old == 0 && new != 0
                ? "\(Units.span(n)) gets \(Units.size(new))" : "\(Units.span(n)) \(change(old, new))")
            changed.append(n)
          } else if case .propagationStopped(let n, _) = steps[j].kind {
            stop = n
            j += 1
            break
          } else {
            break
          }
          j += 1
        }
        var text = "subtree_max_size is recomputed from the changed node up towards the root"
        if !parts.isEmpty { text += ": " + parts.joined(separator: ", ") }
        if let stop {
          text += parts.isEmpty ? ": " : "; "
          text += "\(Units.span(stop)) already holds the right value, so the walk stops there (no ancestor can change)."
        } else {
          text += ", up to the root."
        }
        var p = Phase(.propagate, "augment_tree_propagate_from", text)
        p.treeSteps = j
        p.changed = changed
        p.highlight = changed + (stop.map { [$0] } ?? [])
        p.focus = changed.last ?? stop
        out.append(p)
        i = j
        continue
      default:
        if let p = phase(for: s.kind) {
          var p = p
          p.treeSteps = i + 1
          out.append(p)
        }
      }
      i += 1
    }
    return out
  }

  /// "8 KiB → 12 KiB"; when both round to the same unit, the difference says what changed.
  static func change(_ old: UInt64, _ new: UInt64) -> String {
    let a = Units.size(old)
    let b = Units.size(new)
    guard a == b else { return "\(a) → \(b)" }
    return new < old ? "\(a), down by \(Units.size(old - new))" : "\(a), up by \(Units.size(new - old))"
  }

  static func phase(for kind: TreeStepKind) -> Phase? {
    func sp(_ s: Span) -> String { Units.span(s) }
    /// A phase centred on `focus`, highlighting it and `also`.
    func on(_ k: Phase.Kind, _ fn: String, _ text: String, _ focus: Span?, also: [Span] = []) -> Phase {
      var p = Phase(k, fn, text)
      p.highlight = (focus.map { [$0] } ?? []) + also
      p.focus = focus
      return p
    }
    switch kind {
    case .linked(let n, let parent, let left):
      return on(
        .tree, "__link_va",
        parent.map {
          "The node \(sp(n)) is linked as the \(left ? "left" : "right") child of \(sp($0)), coloured red (every new node starts red)."
        } ?? "The node \(sp(n)) is linked as the root of an empty tree.", n)
    case .insertRecolour(let n, let parent, let uncle, let g):
      return on(
        .rebalance, "__rb_insert",
        "Insert case 1: \(sp(n))'s parent \(sp(parent)) and uncle \(sp(uncle)) were both red. They turned black and the grandparent \(sp(g)) red (as drawn); the check goes on from the grandparent.",
        g, also: [parent, uncle])
    case .insertRotateParent(let at, let d):
      return on(
        .rebalance, "__rb_insert",
        "Insert case 2: the new node was an inner child of its red parent \(sp(at)). A rotation \(d.rawValue) at \(sp(at)) made it an outer child, with \(sp(at)) now its child (drawn after the rotation; case 3 follows).",
        at)
    case .insertRotateGrandparent(let at, let d):
      return on(
        .rebalance, "__rb_insert",
        "Insert case 3: a rotation \(d.rawValue) at the grandparent \(sp(at)) (drawn after it): the node above took its place and turned black, \(sp(at)) turned red, and the red-black rules hold again. Rotations pass subtree_max_size over (the new top inherits the old top's value; the old top is recomputed).",
        at)
    case .rootBlack(let n):
      return on(.rebalance, "__rb_insert", "\(sp(n)) is the root: it is coloured black, and the fix-up ends.", n)
    case .insertDone(let parent):
      return on(
        .rebalance, "__rb_insert",
        "The parent \(sp(parent)) is black, so a red child breaks no rule: no recolouring or rotation.", parent)
    case .eraseSplice(let n, let child):
      return on(
        .tree, "__rb_erase_augmented",
        "The node \(sp(n)) has at most one child, so it is cut out of the tree"
          + (child.map { "; its child \(sp($0)) takes its place and colour." } ?? "; nothing takes its place."), child)
    case .eraseSuccessor(let n, let s):
      return on(
        .tree, "__rb_erase_augmented",
        "The node \(sp(n)) has two children: its in-order successor \(sp(s)) (the lowest node on its right) takes its place and colour.",
        s)
    case .eraseRotateRedSibling(let parent, let d):
      return on(
        .rebalance, "____rb_erase_color",
        "Erase case 1: a black node was missing under \(sp(parent)) and its sibling was red: a rotation \(d.rawValue) at \(sp(parent)) (drawn after it) gives it a black sibling; the check goes on.",
        parent)
    case .eraseRecolourSibling(let s, let parent, let red):
      return on(
        .rebalance, "____rb_erase_color",
        "Erase case 2: the sibling \(sp(s)) and its children were black: the sibling turned red"
          + (red
            ? ", and the red parent \(sp(parent)) black: the black heights are even again."
            : "; the missing black moved up to the parent \(sp(parent)), and the check goes on from it (unless it is the root, where it ends)."),
        parent, also: [s])
    case .eraseRotateSibling(let at, let d):
      return on(
        .rebalance, "____rb_erase_color",
        "Erase case 3: the sibling \(sp(at)) had a red inner child: a rotation \(d.rawValue) at the sibling (drawn after it) made the red child outer (case 4 follows).",
        at)
    case .eraseRotateParent(let at, let d):
      return on(
        .rebalance, "____rb_erase_color",
        "Erase case 4: the sibling's outer child was red: a rotation \(d.rawValue) at the parent \(sp(at)) and a recolouring (drawn after them) even the black heights again.",
        at)
    case .propagated, .propagationStopped:
      return nil
    case .clipped(let fit, let before, let after):
      switch fit {
      case .FL:
        return on(.tree, "va_clip", "Full fit: the node \(sp(before)) is used up and is erased from the tree.", before)
      case .LE:
        return on(
          .tree, "va_clip",
          "Left-edge fit: the node's start moves up, from \(before.start.hex) to \(after!.start.hex); it keeps \(sp(after!)).",
          after)
      case .RE:
        return on(
          .tree, "va_clip",
          "Right-edge fit: the node's end moves down, from \(before.end.hex) to \(after!.end.hex); it keeps \(sp(after!)).",
          after)
      case .NE:
        return on(
          .tree, "va_clip",
          "No-edge fit: the original node keeps the right part \(sp(after!)); a new node for the left part [\(before.start.hex), …) is inserted next.",
          after)
      }
    case .mergedNext(let f, let result):
      return on(
        .tree, "merge_or_add_vmap_area",
        "The freed range \(sp(f)) ends where the next free area begins: that node grows down to \(sp(result)) (no new node).",
        result)
    case .unlinkingMergedNext(let n, let prev):
      return on(
        .tree, "merge_or_add_vmap_area",
        "The range also begins where the previous free area \(sp(prev)) ends: the node \(sp(n)) is unlinked from the tree, and the previous node will cover all of it.",
        n, also: [prev])
    case .mergedPrev(let f, let result):
      return on(
        .tree, "merge_or_add_vmap_area",
        "The freed range \(sp(f)) begins where the previous free area ends: that node grows up to \(sp(result)).",
        result)
    case .released(let s, let from):
      switch from {
      case .poolDecay(let node):
        return Phase(
          .release, "decay_va_pool_node",
          "Pool decay: \(sp(s)) leaves vmap node \(node)'s pool and goes back to the free tree.")
      case .lazyToPool(let node):
        return Phase(
          .release, "purge_vmap_node",
          "The lazy area \(sp(s)) is tagged for vmap node \(node): it goes into that node's pool for its size, not into the free tree."
        )
      case .lazy:
        return Phase(.release, "reclaim_list_global", "The lazy area \(sp(s)) is released into the free tree.")
      }
    }
  }

  // MARK: Buddy

  /// The buddy reports in the order they happened: a report with splits, merges, a fallback or a
  /// tail insertion gets phases of its own; runs of plain takes and frees between them are one
  /// phase each.
  static func buddy(_ r: StepReport) -> [Phase] {
    var out: [Phase] = []
    var plain: [Int] = []
    func flush() {
      guard !plain.isEmpty else { return }
      out.append(plainPhase(r, plain))
      plain = []
    }
    for (i, b) in r.buddy.enumerated() {
      let detailed =
        b.error == nil
        && (!b.splits.isEmpty || !b.merges.isEmpty || b.source == .claimed || b.source == .stolen
          || (b.operation == .free && b.source != .pcp && b.resultOrder != nil && b.toTail))
      if detailed {
        flush()
        out += buddyDetail(b, index: i)
      } else {
        plain.append(i)
      }
    }
    flush()
    if r.buddy.count >= 64 {
      var p = Phase(
        .buddy, "rmqueue / __free_one_page",
        "Only the first 64 block operations are kept in detail: \(r.pagesAllocated) page(s) allocated and \(r.pagesFreed) freed in all."
      )
      p.buddy = 63
      out.append(p)
    }
    return out
  }

  /// One phase for a run of takes and frees that needed no split or merge.
  static func plainPhase(_ r: StepReport, _ run: [Int]) -> Phase {
    let allocs = run.filter { r.buddy[$0].operation == .alloc && r.buddy[$0].error == nil }
    let frees = run.filter { r.buddy[$0].operation == .free && r.buddy[$0].error == nil }
    var parts: [String] = []
    if let first = allocs.first {
      let b = r.buddy[first]
      parts.append(
        (allocs.count == 1
          ? "one block taken straight off a free list of its own order (no split): order-\(b.order) at pfn \(b.pfn?.hex ?? "?")"
          : "\(allocs.count) blocks taken straight off free lists of their own order (no split), the first order-\(b.order) at pfn \(b.pfn?.hex ?? "?")")
          + (b.source == .pcp ? " from the CPU's per-CPU list" : ""))
    }
    if let first = frees.first {
      let b = r.buddy[first]
      parts.append(
        (frees.count == 1
          ? "one block freed without merging: order-\(b.order) at pfn \(b.pfn?.hex ?? "?")"
          : "\(frees.count) blocks freed without merging, the first order-\(b.order) at pfn \(b.pfn?.hex ?? "?")")
          + (b.source == .pcp ? " to the CPU's per-CPU list" : ": " + Self.whyHead(b, alone: frees.count == 1)))
    }
    for i in run where r.buddy[i].error != nil { parts.append("refused: \(r.buddy[i].error!.description)") }
    // A refused allocation is still rmqueue's: name the function by what was asked, failed or not.
    let asked = run.map { r.buddy[$0].operation }
    let function =
      !asked.contains(.alloc) ? "__free_one_page" : !asked.contains(.free) ? "rmqueue" : "rmqueue / __free_one_page"
    var p = Phase(.buddy, function, "Buddy allocator: " + parts.joined(separator: "; ") + ".")
    p.buddy = run.last
    p.buddyEvents = BuddyEffects.of(r.buddy[run.last!]).count
    return p
  }

  /// Why a free that merged nothing went to the head: the buddy is not free at its order, and
  /// `buddy_merge_likely` said no (the parent's buddy is not free, the parent is the zone below's, or
  /// the order is too high to ask).
  static func whyHead(_ b: BuddyReport, alone: Bool) -> String {
    guard alone else { return "no buddy was free, so each goes to the head of its list" }
    var why = "its buddy is not a free order-\(b.order) block"
    if b.parentInOtherZone {
      why += ", and its order-\(b.order + 1) parent lies in the zone below (page_is_buddy says no)"
    } else if let q = b.parentBuddyPFN {
      why += ", nor is the parent's buddy (pfn \(q.hex)) free"
    }
    return why + ", so it goes to the head of its list"
  }

  static func buddyDetail(_ b: BuddyReport, index: Int) -> [Phase] {
    var out: [Phase] = []
    let mt = b.migratetype.procName.lowercased()
    // How many of the report's list changes (`BuddyEffects`) each phase shows done.
    var applied = 0
    func add(_ kind: Phase.Kind, _ f: String, _ t: String) {
      var p = Phase(kind, f, t)
      p.buddy = index
      p.buddyEvents = applied
      out.append(p)
    }
    switch b.operation {
    case .alloc:
      applied = 1
      let taken = b.takenOrder ?? b.order
      let takenAt = b.takenPFN ?? b.pfn ?? 0
      switch b.source {
      case .claimed?:
        add(
          .buddy, "__rmqueue_claim",
          "No \(mt) block of order \(b.order) or above is free in \(b.zone), so the allocator falls back: it takes the order-\(taken) \(b.takenMigratetype?.procName.lowercased() ?? "") block at pfn \(takenAt.hex) and claims its pageblock(s) for \(mt) (enough of it is free or compatible)."
        )
      case .stolen?:
        add(
          .buddy, "__rmqueue_steal",
          "No \(mt) block of order \(b.order) or above is free in \(b.zone), and no block is worth claiming: the order-\(taken) \(b.takenMigratetype?.procName.lowercased() ?? "") block at pfn \(takenAt.hex) is stolen; its pageblock keeps its type."
        )
      default:
        add(
          .buddy, "__rmqueue_smallest",
          "Order \(b.order) \(mt) in \(b.zone): the smallest order with a free \(mt) block is \(taken); the block at the head of that list, pfn \(takenAt.hex), is taken off it."
        )
      }
      var high = taken
      for s in b.splits {
        applied += 1
        add(
          .split, "expand",
          "Split the order-\(high) block: its upper half, order \(s.order) at pfn \(s.pfn.hex), goes to the head of the order-\(s.order) \(mt) free list; the lower half stays with the request. (Under the memory-descriptor proposal the new free block needs a descriptor.)"
        )
        high = s.order
      }
    case .free:
      var pfn = b.pfn ?? 0
      add(.merge, "__free_one_page", "Free the order-\(b.order) block at pfn \(pfn.hex) in \(b.zone).")
      for m in b.merges {
        let merged = min(pfn, m.buddyPFN)
        applied += 1
        add(
          .merge, "__free_one_page",
          "Its buddy at order \(m.order) is pfn \(pfn.hex) ^ \(UInt64(1) << UInt64(m.order)) = \(m.buddyPFN.hex), a free block of the same order: it leaves its list and the two merge into order \(m.order + 1) at pfn \(merged.hex)."
        )
        pfn = merged
      }
      let order = b.resultOrder ?? b.order
      var stop: String
      switch b.mergeStop {
      case .maxOrder?: stop = "Merging stops: order \(order) is MAX_PAGE_ORDER."
      case .buddyNotFree(let bp, let o)?:
        stop = "Merging stops at order \(o): the buddy pfn \(bp.hex) is not a free order-\(o) block."
      case .migratetypes(let bp, let o)?:
        stop =
          "Merging stops at order \(o): the buddy pfn \(bp.hex) is in a pageblock whose migratetype may not merge with this one."
      case nil: stop = "Merging stops."
      }
      if b.tailForced {
        stop += " The block goes to the tail of its list: the caller asked for it (FPI_TO_TAIL)."
      } else if b.toTail {
        stop +=
          " buddy_merge_likely: the buddy of the order-\(order + 1) parent (pfn \(b.parentBuddyPFN?.hex ?? "?")) is free, so this block will probably merge soon: it goes to the tail, where allocations take it last."
      } else if b.parentInOtherZone, let q = b.parentBuddyPFN {
        stop +=
          " The order-\(order + 1) parent (pfn \((q ^ (UInt64(1) << UInt64(order + 1))).hex)) lies in the zone below, so page_is_buddy says no whatever its buddy holds: the block goes to the head."
      } else if let q = b.parentBuddyPFN {
        stop +=
          " The parent's buddy (pfn \(q.hex)) is not free, so merging soon is unlikely: the block goes to the head."
      } else {
        stop += " The block goes to the head of its list."
      }
      applied += 1
      add(.merge, "__free_one_page", stop)
    }
    return out
  }

  // MARK: Direct map

  static func directMap(_ r: StepReport) -> [Phase] {
    let d = r.directMap
    var out: [Phase] = []
    if case .setMemory(let change, let ref, let pages) = r.operation {
      let target: String
      var direct = false
      switch ref {
      case .name(let n): target = n
      case .address(let a):
        target = a.hex
        direct = a >= KernelConstants.pageOffset && a < KernelConstants.pageOffset &+ (1 << 46)
      }
      var p = Phase(
        .directMap, "change_page_attr_set_clr",
        "set_memory_\(change.rawValue)(\(target), \(pages) page(s)): "
          + (direct
            ? "the address is in the direct map itself, so its own entries change (there is no other alias to keep in step)."
            : "the vmalloc mapping changes, and so does the direct map's alias of the same pages (cpa_process_alias), because the two must agree.")
      )
      p.directMapSplitsDone = d.splits.isEmpty ? nil : 0
      out.append(p)
    }
    for (i, s) in d.splits.enumerated() {
      let counter = s.level == .pud ? "direct_map_level3_splits" : "direct_map_level2_splits"
      let into = s.level == .pud ? "512 leaves of 2 MiB" : "512 entries of 4 KiB"
      var p = Phase(
        .split, "split_large_page",
        "The change covers only part of the \(s.level == .pud ? "1 GiB" : "2 MiB") leaf at pfn \(s.pfn.hex), which has one set of attributes: it is split into \(into) (\(counter) + 1), and the change goes on below."
      )
      p.split = i
      p.directMapSplitsDone = i + 1
      out.append(p)
    }
    if d.rewrittenLarge > 0 {
      out.append(
        Phase(
          .directMap, "__change_page_attr",
          "\(d.rewrittenLarge) large leaf(s) lie wholly inside the change: their attributes change in place, with no split."
        ))
    }
    if !d.collapses.isEmpty {
      out.append(
        Phase(
          .directMap, "cpa_collapse_large_pages",
          "Collapse: "
            + d.collapses.map {
              "the entries at pfn \($0.pfn.hex) all agree again and become one \($0.level == .pud ? "1 GiB" : "2 MiB") leaf"
            }
            .joined(separator: "; ") + "."))
    }
    if let e = d.error { out.append(Phase(.directMap, "__change_page_attr", "The change failed: \(e).")) }
    return out
  }

  /// The whole operation's outcome, on the state after it: the explain pane's sentences less the
  /// operation itself and the search, which the phases have shown.
  static func result(_ r: StepReport, after: Machine) -> Phase {
    let lines = Explainer.explain(r, machine: after).dropFirst().filter { !$0.hasPrefix("Searched") }
    var p = Phase(.result, "", "After the operation: " + (lines.prefix(2).joined(separator: " ")))
    if lines.isEmpty { p.text = "After the operation: nothing else changed." }
    p.treeSteps = nil
    return p
  }
}
