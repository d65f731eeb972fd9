import MMCore
import MMTrace

/// Plain-language sentences about what one step did and why, built only from the engine's reports
/// (the explain pane and `render` show them; nothing is re-derived).
public enum Explainer {
  public static func explain(_ r: StepReport, machine: Machine) -> [String] {
    var out: [String] = []
    out.append(TracePrinter.operation(r.operation))
    if let refusal = r.refusal { out.append("Refused: \(refusal). Nothing changed.") }
    if let k = r.kva { out += kva(k, machine: machine, operation: r.operation) }
    out += buddy(r)
    out += directMap(r.directMap)
    if let e = r.exec { out += exec(e) }
    if !r.unmappedRefills.isEmpty {
      out.append(
        "The unmapped cache refilled with "
          + r.unmappedRefills.map { "an order-\($0.order) block at pfn \($0.pfn.hex)" }.joined(separator: ", ")
          + ", removed from the direct map as a whole.")
    }
    if !r.unmappedReleases.isEmpty {
      out.append("The shrinker mapped back and freed \(r.unmappedReleases.count) whole block(s) of the unmapped cache.")
    }
    // Last: the cost in locks, once the reader knows what the operation did.
    if let k = r.kva, let l = locks(k.allLocks) { out.append(l) }
    return out
  }

  static func kva(_ k: KVAReport, machine: Machine, operation: Operation) -> [String] {
    var out: [String] = []
    for p in k.purges where k.operation == .alloc {
      out.append(
        "The first search failed (\(k.firstAttemptError?.errno ?? "?")): " + purge(p) + " Then the search ran again.")
    }
    switch k.operation {
    case .alloc:
      if k.poolHit, let a = k.area {
        out.append(
          "Served from vmap node \(k.vmapNode ?? 0)'s pool of \(Units.pages(a.size / KernelConstants.pageSize)) areas: \(Units.span(a)), no tree search."
        )
      } else if let a = k.area {
        if k.poolHeadRotated {
          out.append(
            "The pool head was misaligned for this request: it moved to the tail and the free tree was searched.")
        }
        if !k.search.isEmpty {
          let path = k.search.map { "\(words($0.decision)) at \($0.area.start.hex)" }.joined(separator: ", ")
          out.append("Searched \(k.search.count) node(s): \(path).")
        } else if k.visited > 0 {
          out.append("Searched \(k.visited) node(s).")
        }
        if k.walkedCount > 0 || k.legacyDescent > 0 {
          out.append(
            "The pre-5.2 allocator "
              + (k.legacyCacheUsed ? "resumed after its cached area" : "descended \(k.legacyDescent) node(s) to vstart")
              + " and walked over \(k.walkedCount) busy area(s).")
        }
        if let f = k.fit, let from = k.chosenFree {
          let what: String
          switch f {
          case .FL: what = "a full fit: the free area \(Units.span(from)) is used whole and its node erased"
          case .LE: what = "a left-edge fit: \(Units.span(from)) keeps its right part"
          case .RE: what = "a right-edge fit: \(Units.span(from)) keeps its left part"
          case .NE:
            what =
              "a no-edge fit: \(Units.span(from)) splits; the original node keeps the right part, a new node the left"
          }
          out.append("Placed at \(Units.span(a)) (\(Units.size(a.size))): \(what).")
        } else {
          out.append("Placed at \(Units.span(a)) (\(Units.size(a.size))).")
        }
        if let p = k.predicted, let agrees = k.agrees, !agrees {
          out.append(
            "The kernel placed it here; the engine would have chosen \(p.hex)"
              + (p < a.start ? " (lower: the model does not know what occupied that range before the trace)." : "."))
        } else if k.agrees == true {
          out.append("The engine would have chosen the same address.")
        }
        if !k.maxChanges.isEmpty {
          out.append("subtree_max_size changed on \(k.maxChanges.count) node(s) on the way to the root.")
        }
      } else if let e = k.error {
        out.append("Failed: \(e.description).")
      }
    case .free:
      if let a = k.area {
        out.append(
          "\(Units.span(a)) is unmapped and lazily freed: still reserved until a purge; vmap_lazy_nr is now \(k.nrLazy) of \(machine.config.kva.lazyMaxPages) pages."
        )
        // A purge with the count at or under the limit was asked for by the free itself (vm_reset_perms
        // flushes at once for areas whose permissions changed), not by the threshold.
        let crossed = k.nrLazy > machine.config.kva.lazyMaxPages
        for p in k.purges {
          out.append(
            (crossed ? "That crossed lazy_max_pages(): " : "The free flushes at once (VM_FLUSH_RESET_PERMS): ")
              + purge(p))
        }
      } else if let e = k.error {
        out.append("Nothing freed: \(e.description).")
      }
    case .purge:
      for p in k.purges { out.append(purge(p)) }
    }
    return out
  }

  /// The locks the operation took in order, each with the node whose instance it was (per-node locks)
  /// and the work done under it: "Locks: free_vmap_area_lock (6), vmap_node.busy.lock [1] (4)."
  static func locks(_ uses: [LockUse]) -> String? {
    guard !uses.isEmpty else { return nil }
    var parts: [String] = []
    var i = 0
    while i < uses.count {
      // Repeats of one lock in a row (a purge's per-area pooling) are counted, not listed.
      var j = i
      while j + 1 < uses.count && uses[j + 1].lock == uses[i].lock && uses[j + 1].node == uses[i].node { j += 1 }
      let u = uses[i]
      let perNode = [.nodeBusy, .nodeLazy, .nodePool].contains(u.lock)
      let work = uses[i...j].reduce(0) { $0 + $1.work }
      parts.append(
        u.lock.rawValue + (perNode ? " [\(u.node)]" : "") + (j > i ? " ×\(j - i + 1)" : "") + " (\(work))")
      i = j + 1
    }
    return "Locks (work under each): " + parts.joined(separator: ", ") + "."
  }

  /// A search decision in plain words.
  static func words(_ d: SearchDecision) -> String {
    switch d {
    case .left: "went left"
    case .right: "went right"
    case .found: "found"
    case .deadEnd: "dead end"
    case .climb: "climbed past"
    case .rollBackRight: "rolled back right"
    }
  }

  static func purge(_ p: PurgeReport) -> String {
    if p.areas == 0 {
      return "The purge found nothing lazy"
        + (p.decayed > 0 ? "; \(p.decayed) pooled area(s) decayed back to the free tree." : ".")
    }
    var s =
      "The purge flushed the TLB once over \(Units.span(Span(p.start, p.end))) and released \(p.areas) area(s) (\(Units.pages(p.pages)))"
    if p.pooled > 0 { s += "; \(p.pooled) went into their node's pools" }
    if p.decayed > 0 { s += "; \(p.decayed) pooled area(s) decayed back first" }
    if p.pooled == p.areas { return s + ": none entered the free tree." }
    return s + (p.pooled > 0 ? ". The others" : ". Released areas")
      + " return to the free tree, coalescing with their free neighbours."
  }

  static func buddy(_ r: StepReport) -> [String] {
    var out: [String] = []
    for b in r.buddy.prefix(3) {
      if let e = b.error {
        out.append("Buddy: \(e.description).")
        continue
      }
      switch b.operation {
      case .alloc:
        var s =
          "Buddy (\(b.zone)): order-\(b.order) \(b.migratetype.procName.lowercased()) block at pfn \(b.pfn?.hex ?? "?")"
        switch b.source {
        case .claimed?:
          s +=
            ", claimed from a \(b.takenMigratetype?.procName.lowercased() ?? "") order-\(b.takenOrder ?? 0) block (pageblock ownership changed)"
        case .stolen?:
          s +=
            ", stolen from a \(b.takenMigratetype?.procName.lowercased() ?? "") order-\(b.takenOrder ?? 0) block (the pageblock keeps its type)"
        case .pcp?:
          s += " from the CPU's per-CPU list" + (b.pcpBatch > 0 ? " (refilled with \(b.pcpBatch) block(s))" : "")
        default: if let o = b.takenOrder, o > b.order { s += ", cut from an order-\(o) block" }
        }
        if !b.splits.isEmpty {
          s +=
            "; \(b.splits.count) split(s), each upper half to the head of its list: \(b.splits.count) new descriptor(s)"
        }
        out.append(s + ".")
      case .free:
        var s = "Buddy (\(b.zone)): freed order \(b.order) at pfn \(b.pfn?.hex ?? "?")"
        if b.source == .pcp {
          s += " to the CPU's per-CPU list"
          if b.pcpBatch > 0 { s += "; the list passed its high mark and drained \(b.pcpBatch) block(s)" }
        } else if let ro = b.resultOrder, let rp = b.resultPFN {
          if !b.merges.isEmpty { s += ", merged \(b.merges.count) time(s) into order \(ro) at \(rp.hex)" }
          s +=
            b.toTail ? ", added at the tail (its parent's buddy is free: likely to merge again)" : ", added at the head"
        }
        out.append(s + ". Freeing allocates no descriptor.")
      }
    }
    if r.buddy.count > 3 {
      out.append(
        "…and \(r.buddy.count - 3) more block operation(s): \(r.pagesAllocated) page(s) allocated, \(r.pagesFreed) freed, \(r.descriptorsCreated) descriptor(s) created."
      )
    }
    return out
  }

  static func directMap(_ d: DirectMapReport) -> [String] {
    var out: [String] = []
    if !d.splits.isEmpty {
      out.append(
        "Direct map: split " + d.splits.map { "the \($0.level.name) page at pfn \($0.pfn.hex)" }.joined(separator: ", ")
          + " because the change covered only part of it.")
    }
    if !d.collapses.isEmpty {
      out.append(
        "Direct map: collapsed "
          + d.collapses.map { "pfn \($0.pfn.hex) into a \($0.level.name) page" }.joined(separator: ", ") + ".")
    }
    if d.rewrittenLarge > 0 {
      out.append("Direct map: \(d.rewrittenLarge) large page(s) wholly covered, changed in place.")
    }
    if let e = d.error { out.append("Direct map: \(e).") }
    return out
  }

  static func exec(_ e: ExecReport) -> [String] {
    var out: [String] = []
    if let b = e.newBacking {
      out.append("\(e.allocator.rawValue): a new \(Units.size(b.size)) RO+X chunk at \(Units.span(b)).")
    }
    if let a = e.address {
      out.append(
        "\(e.allocator.rawValue): \(a.hex)" + (e.size > 0 ? " (\(e.size) bytes)" : "")
          + (e.fit.map { ", \($0.rawValue) fit" } ?? "")
          + "; searched \(e.searchWork) " + (e.allocator == .progPack ? "bitmap bit(s)" : "tree node(s)")
          + "; metadata now \(e.metadataBytes) bytes.")
    }
    if let r = e.releasedBacking {
      out.append("\(e.allocator.rawValue): the chunk \(Units.span(r)) became free and was returned.")
    }
    return out
  }
}
