import MMCore

/// A printable exercise: a seeded starting state, operations to work through by hand, and questions
/// whose answer key the engine computes. The same seed always gives the same sheet and key.
public struct Exercise: Sendable {
  /// What a question asks about one operation's result.
  public enum Ask: Sendable, Equatable {
    case address, fit, visited, walked, lazy, purged, pfn, mergedPFN, finalOrder
    case level2Splits, level3Splits, descriptors, metadataBytes, searchWork

    var question: String {
      switch self {
      case .address: "At which address does it land?"
      case .fit: "Which fit type (FL, LE, RE or NE), or 'pool' if a vmap node's pool serves it?"
      case .visited:
        "How many search steps: nodes the descent looks at, a node counted again each time it climbs back to it?"
      case .walked: "How many busy areas does the walk step over?"
      case .lazy: "What is vmap_lazy_nr (in pages) right after this free?"
      case .purged: "How many lazy areas does it purge (0 if none)?"
      case .pfn: "At which pfn is the block?"
      case .mergedPFN: "After merging, at which pfn does the freed block start?"
      case .finalOrder: "At which order does it end?"
      case .level2Splits: "How many 2 MiB pages does it split into 4 KiB pages?"
      case .level3Splits: "How many 1 GiB pages does it split into 2 MiB pages?"
      case .descriptors: "How many memory descriptors do its splits create?"
      case .metadataBytes: "How many bytes of allocator metadata exist after it?"
      case .searchWork: "How many bitmap bits (prog pack) or tree nodes (execmem) does it examine?"
      }
    }
  }

  /// What a generator returns: the file's lines and, per work line, what to ask.
  public struct Parts: Sendable {
    public var machine: String
    public var setup: [String]
    public var work: [(line: String, asks: [Ask])]
    /// What the sheet draws of the starting state.
    public var draw: [Drawing]
    public var intro: String
  }

  public enum Drawing: Sendable {
    case freeTree
    case addressMap(Span)
    case freeLists
    case directMap
    case pools
    /// The named page blocks: each name's pfn and order.
    case pageBlocks
    /// The pre-5.2 allocator's cache: free_vmap_cache, cached_hole_size, cached_vstart, cached_align.
    case legacyCache
  }

  public let name: String
  /// The lesson in Recordings/ it practises.
  public let lesson: String
  public let summary: String
  let generate: @Sendable (inout SeededRandom) -> Parts

  /// The answer to one question, and the `expect=` item that `check` verifies it with (nil for
  /// counts only `stats` or the report show).
  public struct Answer: Sendable, Equatable {
    public var ask: Ask
    public var text: String
    public var expect: String?
  }

  /// The sheet for a seed: its text, its answer key and the same exercise as a `.mmtrace` whose
  /// `expect=` items are the key.
  public struct Sheet: Sendable {
    public var text: String
    public var answers: String
    public var mmtrace: String
    /// Per work operation, its answers.
    public var key: [[Answer]]
    /// The step the work starts after (the setup's length).
    public var setupSteps: Int
  }

  public func sheet(seed: UInt64) throws -> Sheet {
    var rng = SeededRandom(seed: seed)
    let parts = generate(&rng)
    let head = ["mmtrace 1", "# exercise \(name) --seed \(seed): \(summary)", parts.machine]
    let text = (head + parts.setup + ["bookmark start"] + parts.work.map(\.line)).joined(separator: "\n") + "\n"
    var parser = TraceParser(file: "exercise \(name)")
    let doc = parser.parse(text)
    if let e = parser.errors.first { throw e }
    let script = doc.script
    var machine = Machine(config: script.config)
    let ops = script.items.compactMap(\.operation)
    let setupCount = parts.setup.count
    for op in ops.prefix(setupCount) { machine.apply(op) }
    // The starting state, drawn.
    var sheet: [String] = ["Exercise \(name) (seed \(seed)): \(summary)", "Practises: Recordings/\(lesson)", ""]
    sheet += wrapped(parts.intro)
    sheet.append("")
    sheet.append("Machine: " + parts.machine.dropFirst("machine ".count))
    for d in parts.draw {
      sheet.append("")
      let (title, lines): (String, [String])
      switch d {
      case .freeTree:
        (title, lines) = (
          "The free-area tree (augmented red-black tree; max = subtree_max_size):", StateDrawing.freeTree(machine)
        )
      case .addressMap(let window):
        (title, lines) = ("The address window:", StateDrawing.addressMap(machine, window: window))
      case .freeLists: (title, lines) = ("The buddy free lists:", StateDrawing.freeLists(machine))
      case .directMap:
        (title, lines) = (
          "The direct map (runs of leaves: first pfn, end pfn, size, attributes):", StateDrawing.directMap(machine)
        )
      case .pageBlocks:
        (title, lines) = ("The allocated blocks (name: first pfn, order):", StateDrawing.pageBlocks(machine))
      case .legacyCache: (title, lines) = ("The old allocator's next-fit cache:", StateDrawing.legacyCache(machine))
      case .pools:
        let pools = (try? StateDump.lines(.pools, of: machine)) ?? []
        (title, lines) = (
          "The vmap nodes' pools (pages per area: areas head first):", pools.isEmpty ? ["(every pool is empty)"] : pools
        )
      }
      sheet.append(title)
      sheet += lines.map { "  " + $0 }
    }
    sheet.append("")
    sheet.append("Work through these operations in order, by hand, and answer the questions after each:")
    var answers: [String] = ["Answer key: exercise \(name) --seed \(seed)", ""]
    var key: [[Answer]] = []
    var out = head + parts.setup + ["bookmark start"]
    for (i, w) in parts.work.enumerated() {
      let op = ops[setupCount + i]
      let before = machine
      let report = machine.apply(op)
      let a = w.asks.map { answer($0, report: report, before: before, after: machine) }
      key.append(a)
      sheet.append("")
      sheet.append("\(i + 1). \(w.line)")
      answers.append("\(i + 1). \(w.line)")
      for (j, ask) in w.asks.enumerated() {
        let letter = String(UnicodeScalar(UInt8(97 + j)))
        sheet.append("   \(letter)) \(ask.question)")
        answers.append("   \(letter)) \(a[j].text)")
      }
      let items = a.compactMap(\.expect)
      out.append(w.line + (items.isEmpty ? "" : " expect=" + items.joined(separator: ",")))
      let counts = a.filter { $0.expect == nil }.map { "\($0.ask): \($0.text)" }
      if !counts.isEmpty { out[out.count - 1] += "  # " + counts.joined(separator: ", ") }
    }
    return Sheet(
      text: sheet.joined(separator: "\n") + "\n", answers: answers.joined(separator: "\n") + "\n",
      mmtrace: out.joined(separator: "\n") + "\n", key: key, setupSteps: setupCount)
  }

  func answer(_ ask: Ask, report r: StepReport, before: Machine, after: Machine) -> Answer {
    func value(_ v: UInt64?, _ item: (UInt64) -> String) -> Answer {
      guard let v else { return Answer(ask: ask, text: "none: " + (r.failure ?? "no result"), expect: nil) }
      return Answer(ask: ask, text: v.hex, expect: item(v))
    }
    func count(_ n: Int, _ item: String?) -> Answer { Answer(ask: ask, text: String(n), expect: item) }
    let freed = r.buddy.last { $0.operation == .free && $0.error == nil }
    switch ask {
    case .address: return value(r.exec?.address ?? r.kva?.area?.start) { $0.hex }
    case .fit:
      let f = r.kva?.fit?.rawValue ?? (r.kva?.poolHit == true ? "pool" : nil)
      return Answer(ask: ask, text: f ?? "none", expect: f)
    case .visited: return count(r.kva?.visited ?? 0, "visited:\(r.kva?.visited ?? 0)")
    case .walked: return count(r.kva?.walkedCount ?? 0, "walked:\(r.kva?.walkedCount ?? 0)")
    case .lazy: return count(Int(r.kva?.nrLazy ?? 0), "lazy:\(r.kva?.nrLazy ?? 0)")
    case .purged:
      let n = r.kva?.purges.reduce(0) { $0 + $1.areas } ?? 0
      return count(n, "purged:\(n)")
    case .pfn: return value(r.buddy.first { $0.operation == .alloc }?.pfn) { $0.hex }
    case .mergedPFN: return value(freed?.resultPFN) { "merged:\($0.hex)" }
    case .finalOrder: return count(freed?.resultOrder ?? -1, freed?.resultOrder.map { "order:\($0)" })
    case .level2Splits: return count(after.directMap.level2Splits - before.directMap.level2Splits, nil)
    case .level3Splits: return count(after.directMap.level3Splits - before.directMap.level3Splits, nil)
    case .descriptors: return count(r.descriptorsCreated, nil)
    case .metadataBytes: return count(r.exec?.metadataBytes ?? 0, nil)
    case .searchWork: return count(r.exec?.searchWork ?? 0, nil)
    }
  }

  func wrapped(_ text: String, width: Int = 100) -> [String] {
    var lines: [String] = []
    var line = ""
    for word in text.split(separator: " ") {
      if !line.isEmpty && line.count + 1 + word.count > width {
        lines.append(line)
        line = ""
      }
      line += (line.isEmpty ? "" : " ") + word
    }
    if !line.isEmpty { lines.append(line) }
    return lines
  }
}
