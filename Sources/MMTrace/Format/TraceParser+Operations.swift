import MMCore

extension TraceParser {
  static let operationNames = [
    "vmalloc", "alloc_vmap_area", "vfree", "purge", "alloc_pages", "free_pages", "set_memory", "set_direct_map",
    "module_load", "module_unload", "secretmem_alloc", "secretmem_free", "unmapped_alloc", "unmapped_free",
    "unmapped_shrink", "prog_pack_alloc", "prog_pack_free", "execmem_alloc", "execmem_free",
  ]

  /// One operation line: the operation and its expectation, or nil after recording the problems.
  mutating func operation(_ head: Token, _ tokens: [Token], line: Int) -> (Operation, Expectation?)? {
    let name = String(head.text)
    let col = head.column + head.text.count + 1
    func keys(_ k: [String]) -> Set<String> { Set(k + ["expect"]) }
    var op: Operation? = nil
    var parsed: Args? = nil
    switch name {
    case "vmalloc", "alloc_vmap_area":
      let raw = name == "alloc_vmap_area"
      guard
        let a = args(
          tokens, allowed: keys(["size", "align", "vstart", "vend", "kind", "cpu", "as"] + (raw ? ["at"] : [])),
          flags: raw ? ["failed", "inferred"] : ["noguard", "huge"], line: line, op: name),
        positional(a, count: 0, line: line, column: col, op: name, what: "only key=value arguments") != nil
      else { return nil }
      parsed = a
      guard a.keys["size"] != nil else {
        fail(line, col, "\(name) needs size=")
        return nil
      }
      // Any unsigned long, as alloc_vmap_area and __vmalloc_node_range take it: the kernel refuses
      // or fails what does not fit (EINVAL, ENOENT, ERANGE, ENOMEM), and so does the engine.
      guard let size = number(a, "size", line: line, size: true),
        let align = number(a, "align", line: line, default: raw ? 4096 : 1, size: true),
        let vstart = number(a, "vstart", line: line, default: KernelConstants.vmallocStart),
        let vend = number(a, "vend", line: line, default: KernelConstants.vmallocEnd),
        let cpu = small(a, "cpu", line: line, range: 0...8191, default: 0)
      else { return nil }
      var kind: AreaKind = .vmalloc
      if let k = a.keys["kind"] {
        guard let v = AreaKind(rawValue: String(k.text)) else {
          fail(
            line, k.column, "kind=\(k.text) is not one of \(AreaKind.allCases.map(\.rawValue).joined(separator: ", "))")
          return nil
        }
        kind = v
      }
      let asName = a.keys["as"].map { String($0.text) }
      if raw {
        guard let at = number(a, "at", line: line) else { return nil }
        var req = KVARequest(size: size!, align: align!, vstart: vstart!, vend: vend!, cpu: cpu)
        req.at = at
        req.recordedFailure = a.flags.contains("failed")
        req.inferred = a.flags.contains("inferred")
        op = .allocVmapArea(req, kind: kind, name: asName)
      } else {
        op = .vmalloc(
          VmallocRequest(
            size: size!, align: align!, vstart: vstart!, vend: vend!, noGuard: a.flags.contains("noguard"),
            kind: kind, cpu: cpu, name: asName, huge: a.flags.contains("huge")))
      }
    case "vfree":
      guard let a = args(tokens, allowed: keys(["cpu"]), line: line, op: name),
        let p = positional(a, count: 1, line: line, column: col, op: name, what: "one address or name"),
        let cpu = small(a, "cpu", line: line, range: 0...8191, default: 0)
      else { return nil }
      parsed = a
      op = .vfree(Self.target(p[0]), cpu: cpu)
    case "purge", "unmapped_shrink":
      guard let a = args(tokens, allowed: keys(name == "purge" ? ["kernel"] : []), line: line, op: name),
        positional(a, count: 0, line: line, column: col, op: name, what: "no arguments") != nil,
        let recorded = small(a, "kernel", line: line, range: 0...Int(Int32.max), default: -1)
      else { return nil }
      parsed = a
      op = name == "purge" ? (recorded >= 0 ? .kernelPurge(recorded: recorded) : .purge) : .unmappedShrink
    case "alloc_pages":
      guard let a = args(tokens, allowed: keys(["order", "mt", "zone", "cpu", "as", "at"]), line: line, op: name),
        positional(a, count: 0, line: line, column: col, op: name, what: "only key=value arguments") != nil,
        let order = small(a, "order", line: line, range: 0...10, default: 0),
        let cpu = small(a, "cpu", line: line, range: 0...8191, default: 0)
      else { return nil }
      parsed = a
      var mt: Migratetype = .unmovable
      if let t = a.keys["mt"] {
        guard let v = Migratetype.allCases.first(where: { $0.procName.lowercased() == t.text.lowercased() }) else {
          fail(line, t.column, "mt=\(t.text) is not one of unmovable, movable, reclaimable, highatomic, isolate")
          return nil
        }
        mt = v
      }
      var zone: ZoneType = .normal
      if let t = a.keys["zone"] {
        guard let v = ZoneType.allCases.first(where: { $0.rawValue.lowercased() == t.text.lowercased() }) else {
          fail(line, t.column, "zone=\(t.text) is not one of DMA, DMA32, Normal")
          return nil
        }
        zone = v
      }
      if let t = a.keys["at"] {
        guard let pfn = TraceValues.number(t.text) else {
          fail(line, t.column, "at=\(t.text) is not a pfn")
          return nil
        }
        guard checkPFN(.pfn(pfn), t, line: line) else { return nil }
        if let other = ["zone", "cpu", "as"].compactMap({ a.keys[$0] }).first {
          fail(line, other.column - 1, "a recorded placement (at=) takes only order=, mt= and expect=")
          return nil
        }
        op = .allocPagesAt(pfn: pfn, order: order, migratetype: mt)
      } else {
        op = .allocPages(
          order: order, migratetype: mt, zone: zone, cpu: cpu, name: a.keys["as"].map { String($0.text) })
      }
    case "free_pages", "unmapped_free":
      let free = name == "free_pages"
      guard let a = args(tokens, allowed: keys(free ? ["order", "cpu"] : []), line: line, op: name),
        let p = positional(a, count: 1, line: line, column: col, op: name, what: "one pfn or name"),
        let cpu = small(a, "cpu", line: line, range: 0...8191, default: 0)
      else { return nil }
      parsed = a
      let order = a.keys["order"] == nil ? nil : small(a, "order", line: line, range: 0...10, default: 0)
      if a.keys["order"] != nil && order == nil { return nil }
      guard checkPFN(Self.pageTarget(p[0]), p[0], line: line) else { return nil }
      op = free ? .freePages(Self.pageTarget(p[0]), order: order, cpu: cpu) : .unmappedFree(Self.pageTarget(p[0]))
    case "set_memory", "set_direct_map":
      guard let a = args(tokens, allowed: keys(["pages"]), line: line, op: name),
        let p = positional(
          a, count: 2, line: line, column: col, op: name,
          what: name == "set_memory"
            ? "a change (ro rw x nx np p rox 4k) and an address or name" : "invalid or default, and an address or name"),
        let pages = number(
          a, "pages", line: line, default: 1, max: (InputLimits.maxAttributePages, "every page below pfn 2^40"))
      else { return nil }
      parsed = a
      let allowedChanges: [AttrChange.Named] =
        name == "set_memory" ? [.ro, .rw, .x, .nx, .np, .p, .rox, .fourK] : [.invalid, .default]
      let text = name == "set_memory" ? String(p[0].text) : "direct_map_\(p[0].text)"
      guard let change = AttrChange.Named(rawValue: text), allowedChanges.contains(change) else {
        fail(
          line, p[0].column,
          "'\(p[0].text)' is not one of \(allowedChanges.map { $0.rawValue.replacingOccurrences(of: "direct_map_", with: "") }.joined(separator: ", "))"
        )
        return nil
      }
      op = .setMemory(change, Self.target(p[1]), pages: pages!)
    case "module_load":
      guard let a = args(tokens, allowed: keys(["text", "rodata", "data", "cpu"]), line: line, op: name),
        let p = positional(a, count: 1, line: line, column: col, op: name, what: "the module's name"),
        let text = number(a, "text", line: line, default: 0, size: true, max: Self.sizeLimit),
        let rodata = number(a, "rodata", line: line, default: 0, size: true, max: Self.sizeLimit),
        let data = number(a, "data", line: line, default: 0, size: true, max: Self.sizeLimit),
        let cpu = small(a, "cpu", line: line, range: 0...8191, default: 0)
      else { return nil }
      parsed = a
      op = .loadModule(name: String(p[0].text), ModuleLayout(text: text!, rodata: rodata!, data: data!), cpu: cpu)
    case "module_unload", "secretmem_free", "prog_pack_free", "execmem_free":
      guard let a = args(tokens, allowed: keys([]), line: line, op: name),
        let p = positional(a, count: 1, line: line, column: col, op: name, what: "one name")
      else { return nil }
      parsed = a
      let n = String(p[0].text)
      op =
        name == "module_unload"
        ? .unloadModule(name: n)
        : name == "secretmem_free"
          ? .secretmemFree(name: n)
          : name == "prog_pack_free" ? .progPackFree(name: n) : .execmemFree(name: n)
    case "secretmem_alloc":
      guard let a = args(tokens, allowed: keys(["pages"]), line: line, op: name),
        let p = positional(a, count: 1, line: line, column: col, op: name, what: "one name"),
        let pages = small(a, "pages", line: line, range: 1...1_000_000, default: 1)
      else { return nil }
      parsed = a
      op = .secretmemAlloc(name: String(p[0].text), pages: pages)
    case "unmapped_alloc":
      guard let a = args(tokens, allowed: keys(["order", "as"]), line: line, op: name),
        positional(a, count: 0, line: line, column: col, op: name, what: "only key=value arguments") != nil,
        let order = small(a, "order", line: line, range: 0...10, default: 0)
      else { return nil }
      parsed = a
      op = .unmappedAlloc(order: order, name: a.keys["as"].map { String($0.text) })
    case "prog_pack_alloc", "execmem_alloc":
      let exec = name == "execmem_alloc"
      guard let a = args(tokens, allowed: keys(exec ? ["size", "align"] : ["size"]), line: line, op: name),
        let p = positional(a, count: 1, line: line, column: col, op: name, what: "one name"),
        let size = number(a, "size", line: line, size: true, max: Self.sizeLimit),
        let align = number(a, "align", line: line, default: 1, size: true, max: Self.sizeLimit)
      else { return nil }
      parsed = a
      guard let size, size > 0 else {
        fail(line, col, "\(name) needs size= above 0")
        return nil
      }
      op =
        exec
        ? .execmemAlloc(size: size, align: align!, name: String(p[0].text))
        : .progPackAlloc(size: size, name: String(p[0].text))
    default:
      let close = Self.operationNames.min { editDistance($0, name) < editDistance($1, name) }!
      fail(
        line, head.column,
        "unknown operation '\(name)'" + (editDistance(close, name) <= 3 ? "; did you mean '\(close)'?" : ""))
      return nil
    }
    guard let op, let parsed, let expect = expectation(parsed, line: line) else { return nil }
    for n in Self.names(in: op) where n.first.map({ !($0.isLetter || $0 == "_") }) ?? true {
      let at = tokens.first { $0.text.hasSuffix(n) }?.column ?? col
      fail(line, at, "the name '\(n)' must start with a letter or '_' (numbers are addresses)")
      return nil
    }
    for n in Self.names(in: op) where n.utf8.count > Self.maxNameLength {
      let at = tokens.first { $0.text.hasSuffix(n) }?.column ?? col
      fail(line, at, "a name of \(n.utf8.count) bytes: names are at most \(Self.maxNameLength) bytes")
      return nil
    }
    return (op, expect)
  }

  /// Names are at most this long (a kernel module's name is at most 55 bytes).
  static let maxNameLength = 64

  /// Names an operation gives or refers to.
  static func names(in op: Operation) -> [String] {
    switch op {
    case .vmalloc(let v): return v.name.map { [$0] } ?? []
    case .allocVmapArea(_, _, let n), .allocPages(_, _, _, _, let n), .unmappedAlloc(_, let n):
      return n.map { [$0] } ?? []
    case .vfree(.name(let n), _), .setMemory(_, .name(let n), _): return [n]
    case .freePages(.name(let n), _, _), .unmappedFree(.name(let n)): return [n]
    case .loadModule(let n, _, _), .unloadModule(let n), .secretmemAlloc(let n, _), .secretmemFree(let n),
      .progPackAlloc(_, let n), .progPackFree(let n), .execmemAlloc(_, _, let n), .execmemFree(let n):
      return [n]
    default: return []
    }
  }

  /// Levenshtein distance, for "did you mean".
  func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a)
    let b = Array(b)
    var row = Array(0...b.count)
    for i in 1...max(a.count, 1) where !a.isEmpty {
      var prev = row[0]
      row[0] = i
      for j in stride(from: 1, through: b.count, by: 1) {
        let cur = row[j]
        row[j] = min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] == b[j - 1] ? 0 : 1))
        prev = cur
      }
    }
    return row[b.count]
  }
}
