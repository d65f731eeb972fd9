import MMCore

extension TraceParser {
  static let machineKeys: Set<String> = [
    "cpus", "vmap-nodes", "policy", "memory", "unmapped-cache", "pcp", "gbpages", "zones", "pageblocks", "early-busy",
    "lazy-purge", "fallback", "memdesc",
  ]

  mutating func onOff(_ a: Args, _ key: String, line: Int, default value: Bool) -> Bool? {
    guard let t = a.keys[key] else { return value }
    switch t.text {
    case "on": return true
    case "off": return false
    default:
      fail(line, t.column, "'\(key)=\(t.text)' must be on or off")
      return nil
    }
  }

  /// The machine line with every valid setting kept: a bad one is reported and left at its default,
  /// the others still apply. Each setting is tried alone (with `memory=`, which zones are checked
  /// against), then the good ones together.
  mutating func machineKeepingValid(_ tokens: ArraySlice<Token>, line: Int) -> MachineConfig {
    func probe(_ ts: [Token]) -> [TraceError] {
      var p = TraceParser(file: file)
      return p.machine(ts[...], line: line) == nil ? p.errors : []
    }
    let memory = tokens.first { $0.text.hasPrefix("memory=") }
    let memoryOK = memory.map { probe([$0]).isEmpty } ?? false
    var good: [Token] = []
    for t in tokens {
      let errors = probe((memoryOK && t.column != memory?.column ? [memory!] : []) + [t])
      if errors.isEmpty {
        good.append(t)
      } else {
        for e in errors { fail(e.line, e.column, e.message) }
      }
    }
    var p = TraceParser(file: file)
    if let config = p.machine(good[...], line: line) { return config }
    for e in p.errors { fail(e.line, e.column, e.message) }
    return MachineConfig(cpus: 1)
  }

  /// `machine cpus=N vmap-nodes=on|off|N policy=current|legacy memory=SIZE unmapped-cache=on|off
  /// pcp=on|off gbpages=on|off zones=DMA:0x1-0x1000,... pageblocks=PFN:type,... early-busy=S-E,...`
  mutating func machine(_ tokens: ArraySlice<Token>, line: Int) -> MachineConfig? {
    guard let a = args(Array(tokens), allowed: Self.machineKeys, line: line, op: "machine") else { return nil }
    if let extra = a.positional.first {
      fail(line, extra.column, "machine takes key=value settings only")
      return nil
    }
    guard let cpus = small(a, "cpus", line: line, range: 1...8192, default: 1),
      let unmapped = onOff(a, "unmapped-cache", line: line, default: false),
      let pcp = onOff(a, "pcp", line: line, default: false),
      let gb = onOff(a, "gbpages", line: line, default: true),
      let fallback = onOff(a, "fallback", line: line, default: true),
      let memdesc = onOff(a, "memdesc", line: line, default: false),
      let memory = number(a, "memory", line: line, default: 8 << 30, size: true)
    else { return nil }
    guard memory! >= InputLimits.minMemory, memory! % 4096 == 0, memory! <= InputLimits.maxMemory else {
      fail(
        line, a.keys["memory"]!.column,
        "memory= must be whole pages between \(TraceValues.sizeText(InputLimits.minMemory)) and "
          + "\(TraceValues.sizeText(InputLimits.maxMemory)) (the largest machine mmscope models)")
      return nil
    }
    var nodes: Int? = nil
    if let t = a.keys["vmap-nodes"] {
      if t.text == "on" {
        nodes = nil
      } else if t.text == "off" {
        nodes = 1
      } else if let n = Int(t.text), (1...128).contains(n) {
        nodes = n
      } else {
        fail(line, t.column, "vmap-nodes= must be on, off or a count in 1...128")
        return nil
      }
    }
    var policy = VmallocPolicy.current
    if let t = a.keys["policy"] {
      guard let p = VmallocPolicy(rawValue: String(t.text)) else {
        fail(line, t.column, "policy= must be current or legacy")
        return nil
      }
      policy = p
    }
    var mem = MemoryConfig(bytes: memory!, gbpages: gb, perCPULists: pcp, unmappedCache: unmapped)
    mem.fallback = fallback
    mem.memdesc = memdesc
    if let t = a.keys["zones"] {
      var zones: [ZoneSpec] = []
      for part in t.text.split(separator: ",") {
        let bits = part.split(separator: ":")
        let range = bits.count == 2 ? bits[1].split(separator: "-") : []
        guard bits.count == 2,
          let type = ZoneType.allCases.first(where: { $0.rawValue.lowercased() == bits[0].lowercased() }),
          range.count == 2, let s = TraceValues.number(range[0]), let e = TraceValues.number(range[1]), s < e,
          e <= mem.pages
        else {
          fail(
            line, t.column,
            "zones= expects NAME:FIRSTPFN-ENDPFN,... with names DMA, DMA32, Normal inside memory; '\(part)' is not")
          return nil
        }
        zones.append(ZoneSpec(type, s, e))
      }
      zones.sort { $0.start < $1.start }
      for i in zones.indices.dropFirst() where zones[i].start < zones[i - 1].end {
        fail(line, t.column, "zones= ranges overlap")
        return nil
      }
      // A node has one zone of each type, in address order (DMA below DMA32 below Normal).
      for i in zones.indices.dropFirst() where !(zones[i - 1].type < zones[i].type) {
        fail(line, t.column, "zones= must name each zone once, DMA below DMA32 below Normal")
        return nil
      }
      mem.zones = zones
    }
    if let t = a.keys["pageblocks"] {
      for part in t.text.split(separator: ",") {
        let bits = part.split(separator: ":")
        guard bits.count == 2, let pfn = TraceValues.number(bits[0]), pfn < InputLimits.pfnLimit,
          let mt = Migratetype.allCases.first(where: { $0.procName.lowercased() == bits[1].lowercased() })
        else {
          fail(
            line, t.column,
            "pageblocks= expects PFN:TYPE,... (types unmovable, movable, reclaimable, highatomic, isolate); '\(part)' is not"
          )
          return nil
        }
        mem.pageblockTypes[pfn & ~UInt64(BuddyConstants.pageblockPages - 1)] = mt
      }
    }
    var early: [Span] = []
    if let t = a.keys["early-busy"] {
      guard let spans = earlyBusy(t.text, column: t.column, line: line, what: "early-busy=") else { return nil }
      early = spans
    }
    var kva = KVAConfig(cpus: cpus, vmapNodes: nodes, policy: policy, earlyBusy: early)
    if let t = a.keys["lazy-purge"] {
      guard t.text == "auto" || t.text == "recorded" else {
        fail(line, t.column, "lazy-purge= must be auto or recorded")
        return nil
      }
      kva.autoPurge = t.text == "auto"
    }
    return MachineConfig(kva: kva, memory: mem)
  }

  /// `START-END,...`: areas busy from boot, each inside [1, ULONG_MAX).
  mutating func earlyBusy(_ text: Substring, column: Int, line: Int, what: String) -> [Span]? {
    var out: [Span] = []
    for part in text.split(separator: ",") {
      let r = part.split(separator: "-")
      guard r.count == 2, let s = TraceValues.number(r[0]), let e = TraceValues.number(r[1]),
        KVAConfig.isValidEarlyBusy(Span(s, e))
      else {
        fail(line, column, "\(what) expects START-END,... with 1 <= START < END; '\(part)' is not")
        return nil
      }
      out.append(Span(s, e))
    }
    return out
  }
}
