import MMCore

/// One predict-then-reveal question about the next operation, asked on the state before it and
/// answered from the engine's report of it.
public struct QuizQuestion: Sendable, Equatable {
  /// What `--only` chooses.
  public enum Topic: String, Sendable, CaseIterable {
    case alloc, free, buddy, directmap
  }

  public enum Answer: Sendable, Equatable {
    /// The index of the right choice.
    case choice(Int)
    /// An address (typed, or picked with the address cursor).
    case address(UInt64)
    case number(Int)
  }

  public var topic: Topic
  /// What is asked, in a few words, for the answers shown after the reveal ("address", "fit type").
  public var short: String
  public var text: String
  /// For `.choice` answers: what to pick from (keys 1, 2, ...).
  public var choices: [String] = []
  public var answer: Answer
  /// Why the answer is what it is, shown when it is revealed.
  public var reason: String

  /// The answer as a person reads it.
  public var answerText: String {
    switch answer {
    case .choice(let i): choices[i]
    case .address(let a): a.hex
    case .number(let n): String(n)
    }
  }

  /// A typed answer as the reveal shows it (an address always in 0x hex).
  public func normalized(_ typed: String) -> String {
    let t = typed.trimmingCharacters(in: .whitespaces)
    guard case .address = answer else { return t }
    let digits = t.lowercased().hasPrefix("0x") ? String(t.dropFirst(2)) : t
    return UInt64(digits, radix: 16).map(\.hex) ?? t
  }

  /// Whether a typed answer is right; nil when it is not an answer of the right kind (asked again).
  public func check(_ typed: String) -> Bool? {
    let t = typed.trimmingCharacters(in: .whitespaces)
    switch answer {
    case .choice(let i):
      if let n = Int(t), n >= 1, n <= choices.count { return n - 1 == i }
      if let k = choices.firstIndex(where: { $0.lowercased() == t.lowercased() }) { return k == i }
      return nil
    case .address(let a):
      // Addresses are shown in hex everywhere, so a typed one is hex with or without 0x.
      let digits = t.lowercased().hasPrefix("0x") ? String(t.dropFirst(2)) : t
      guard let v = UInt64(digits, radix: 16) else { return nil }
      return v == a
    case .number(let n):
      guard let v = Int(t) else { return nil }
      return v == n
    }
  }
}

/// The questions mmscope asks before an operation, from what the engine did.
public enum Quiz {
  static let yesNo = ["yes", "no"]

  /// The questions about `operation` (whose result is `report`), on `topics`. An operation the
  /// engine refused asks nothing: there is no result to predict but the error.
  public static func questions(
    operation: Operation, report: StepReport, config: MachineConfig, topics: Set<QuizQuestion.Topic>
  ) -> [QuizQuestion] {
    guard report.failure == nil else { return [] }
    let opText = TracePrinter.operation(operation)
    var out: [QuizQuestion] = []
    switch operation {
    case .vmalloc, .allocVmapArea:
      guard topics.contains(.alloc), let k = report.kva, let area = k.area else { break }
      out += allocation(opText, k, area: area, config: config)
    case .vfree:
      guard topics.contains(.free), let k = report.kva else { break }
      let purged = k.purges.reduce(0) { $0 + $1.areas }
      let max = config.kva.lazyMaxPages
      out.append(
        QuizQuestion(
          topic: .free, short: "purge?", text: "Will `\(opText)` start a purge of the lazy areas?", choices: yesNo,
          answer: .choice(k.purges.isEmpty ? 1 : 0),
          reason: "vmap_lazy_nr becomes \(k.nrLazy) pages with this free; a purge starts when it exceeds "
            + "lazy_max_pages() = \(max) pages" + (k.purges.isEmpty ? ", so the area just stays lazy." : ".")))
      if !k.purges.isEmpty {
        out.append(purgeCount(opText, k, purged: purged))
      }
    case .purge, .kernelPurge:
      guard topics.contains(.free), let k = report.kva else { break }
      out.append(purgeCount(opText, k, purged: k.purges.reduce(0) { $0 + $1.areas }))
    case .allocPages:
      guard topics.contains(.buddy), let b = report.buddy.first(where: { $0.operation == .alloc }), b.error == nil,
        b.source != .pcp
      else { break }
      let taken = b.takenOrder ?? b.order
      var why = "The smallest non-empty list of order \(b.order) or above"
      switch b.source {
      case .claimed?, .stolen?:
        why =
          "No \(b.migratetype.procName) block of order \(b.order) or above was free, so the allocator fell back on "
          + "another migratetype's list (\(b.source == .claimed ? "claiming the pageblock" : "stealing one block"))"
      default: break
      }
      out.append(
        QuizQuestion(
          topic: .buddy,
          short: "free list order",
          text: "`\(opText)`: from which order's free list will the block come? Type the order (0-10).",
          answer: .number(taken),
          reason: "\(why): order \(taken)" + (taken > b.order ? ", split down to order \(b.order)." : ".")))
      out.append(
        QuizQuestion(
          topic: .buddy, short: "split?", text: "Will the allocation split a larger block?", choices: yesNo,
          answer: .choice(b.splits.isEmpty ? 1 : 0),
          reason: b.splits.isEmpty
            ? "A block of exactly order \(b.order) was free: no split."
            : "Each split halves the block and puts the upper half on the list below: \(b.splits.count) "
              + "split\(b.splits.count == 1 ? "" : "s"), order \(taken) down to \(b.order)."))
    case .freePages:
      guard topics.contains(.buddy), let f = report.buddy.last(where: { $0.operation == .free && $0.error == nil }),
        let resultOrder = f.resultOrder
      else { break }
      out.append(
        QuizQuestion(
          topic: .buddy, short: "merge?", text: "`\(opText)`: will the freed block merge with its buddy?",
          choices: yesNo,
          answer: .choice(f.merges.isEmpty ? 1 : 0),
          reason: f.merges.isEmpty
            ? "Its buddy (pfn ^ (1 << order)) was not a free block of the same order, so it goes on the list as it is."
            : "Its buddy (pfn ^ (1 << order)) was free: \(f.merges.count) merge\(f.merges.count == 1 ? "" : "s")."))
      out.append(
        QuizQuestion(
          topic: .buddy, short: "final order",
          text: "At which order will the freed block end up? Type the order (0-10).",
          answer: .number(resultOrder),
          reason: mergeStop(f.mergeStop) + ": it ends as an order-\(resultOrder) block at pfn "
            + "\((f.resultPFN ?? 0).hex), at the \(f.toTail ? "tail" : "head") of its list."
        ))
    case .setMemory, .loadModule, .unloadModule, .secretmemAlloc, .secretmemFree, .unmappedAlloc, .unmappedFree,
      .unmappedShrink:
      guard topics.contains(.directmap) else { break }
      let d = report.directMap
      let g = d.splits.filter { $0.level == .pud }.count
      let m = d.splits.filter { $0.level == .pmd }.count
      out.append(
        QuizQuestion(
          topic: .directmap,
          short: "direct-map splits",
          text: "`\(opText)`: how many large direct-map pages (1 GiB or 2 MiB) will it split? Type a number.",
          answer: .number(d.splits.count),
          reason: d.splits.isEmpty
            ? "Every page it changes already sits in a mapping of its own size, or the change keeps large pages "
              + "uniform: no split." + (d.collapses.isEmpty ? "" : " It collapses \(d.collapses.count) instead.")
            : "Changing part of a large page splits it: \(g) 1G→2M (direct_map_level3_splits) and \(m) 2M→4K "
              + "(direct_map_level2_splits)."))
    default: break
    }
    return out
  }

  static func allocation(_ opText: String, _ k: KVAReport, area: Span, config: MachineConfig) -> [QuizQuestion] {
    var out: [QuizQuestion] = []
    let request = k.request
    let align = request.map { $0.align > 4096 ? ", aligned to \($0.align.hex)" : "" } ?? ""
    let size = request.map { " (the request is \($0.size.hex) bytes\(align))" } ?? ""
    let window = request.map { " in [\($0.vstart.hex), \($0.vend.hex))" } ?? ""
    var reason: String
    if k.poolHit {
      reason =
        "A vmap node's pool held a free area of exactly this size: the allocation takes its head, no tree search."
    } else if config.kva.policy == .legacy {
      reason =
        "The old allocator walks the busy areas from its cached position (free_vmap_cache) to the first hole"
        + " that fits\(size); it walked \(k.walkedCount) busy area\(k.walkedCount == 1 ? "" : "s")."
    } else {
      let from = k.chosenFree.map { ", \($0)" } ?? ""
      let vstart = request.map { $0.vstart > 1 ? " and the window's start \($0.vstart.hex)" : "" } ?? ""
      reason =
        "Lowest fit: the search looks for \(k.searchLength.hex) bytes\(size) and stops at the lowest free area "
        + "that holds them\(from). The area starts at the higher of that area's start\(vstart), rounded up to the "
        + "alignment: \(area.start.hex)."
    }
    out.append(
      QuizQuestion(
        topic: .alloc,
        short: "address",
        text: "Where will `\(opText)` land\(window)? Type the start address, or move the address cursor onto a "
          + "free run (h/l) and press Enter.",
        answer: .address(area.start), reason: reason))
    // The legacy allocator has no fit types; a pool hit is a fifth answer (no free area was cut).
    guard k.fit != nil || k.poolHit else { return out }
    let fits = FitType.allCases.map(\.rawValue) + ["pool"]
    let meaning: [String: String] = [
      "FL": "it takes the whole free area", "LE": "it takes the free area's start",
      "RE": "it takes the free area's end", "NE": "it sits inside, leaving free space on both sides",
      "pool": reason,
    ]
    let answer = k.fit?.rawValue ?? "pool"
    out.append(
      QuizQuestion(
        topic: .alloc, short: "fit type",
        text: "Which fit: FL (the whole free area), LE (its start), RE (its end), NE (inside it), or pool (a vmap "
          + "node's pool serves it, no search)?",
        choices: fits, answer: .choice(fits.firstIndex(of: answer)!),
        reason: "\(answer): \(meaning[answer] ?? "")" + (k.chosenFree.map { " of \($0)." } ?? "")))
    return out
  }

  static func mergeStop(_ stop: MergeStop?) -> String {
    switch stop {
    case .maxOrder?: "Merging stopped at the top order, MAX_PAGE_ORDER"
    case .buddyNotFree(let b, let o)?: "Merging stopped: the buddy at pfn \(b.hex) is not a free order-\(o) block"
    case .migratetypes(let b, let o)?:
      "Merging stopped: the buddy pageblock at pfn \(b.hex) (order \(o)) has a migratetype that may not merge"
    case nil: "Nothing to merge"
    }
  }

  static func purgeCount(_ opText: String, _ k: KVAReport, purged: Int) -> QuizQuestion {
    let ranges = k.purges.map { "[\($0.start.hex), \($0.end.hex))" }.joined(separator: ", ")
    return QuizQuestion(
      topic: .free, short: "areas purged",
      text: "How many lazy areas will the purge in `\(opText)` release? Type a number.",
      answer: .number(purged),
      reason: purged == 0
        ? "Nothing was lazy: the purge had no work."
        : "It releases every lazy area (\(purged)) after one TLB flush of \(ranges)"
          + (k.purges.contains { $0.pooled > 0 } ? "; small ones go to vmap-node pools." : "."))
  }
}
