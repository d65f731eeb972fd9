import MMCore

/// Writes `.mmtrace` text in the canonical form: parsing it gives back the same document.
public enum TracePrinter {
  public static func text(_ doc: TraceDocument) -> String {
    var out = ["mmtrace \(TraceDocument.version)"]
    if doc.hasMachineLine { out.append(machine(doc.config)) }
    let busy = doc.config.kva.earlyBusy
    if doc.hasMachineLine && busy.count > Self.earlyBusyInMachineLine {
      // Many areas: lines of a few each, so no line grows with the trace.
      for i in stride(from: 0, to: busy.count, by: 8) {
        out.append(
          "early-busy "
            + busy[i..<min(i + 8, busy.count)].map { "\($0.start.hex)-\($0.end.hex)" }.joined(separator: ","))
      }
    }
    for l in doc.lines { out.append(line(l)) }
    return out.joined(separator: "\n") + "\n"
  }

  /// Up to this many early-busy areas go in the machine line; more get `early-busy` lines.
  static let earlyBusyInMachineLine = 8

  static func onOff(_ b: Bool) -> String { b ? "on" : "off" }

  public static func machine(_ c: MachineConfig) -> String {
    var parts = ["machine", "cpus=\(c.kva.cpus)"]
    let derived = KVAConfig(cpus: c.kva.cpus).vmapNodes
    if !c.kva.autoPurge { parts.append("lazy-purge=recorded") }
    if c.kva.vmapNodes != derived {
      parts.append("vmap-nodes=\(c.kva.vmapNodes == 1 ? "off" : String(c.kva.vmapNodes))")
    }
    parts.append("policy=\(c.kva.policy.rawValue)")
    parts.append("memory=\(TraceValues.sizeText(c.memory.pages * KernelConstants.pageSize))")
    parts.append("unmapped-cache=\(onOff(c.memory.unmappedCache))")
    parts.append("pcp=\(onOff(c.memory.perCPULists))")
    parts.append("gbpages=\(onOff(c.memory.gbpages))")
    if !c.memory.fallback { parts.append("fallback=off") }
    if c.memory.memdesc { parts.append("memdesc=on") }
    let standard = MemoryConfig(bytes: c.memory.pages * KernelConstants.pageSize).zones
    if c.memory.zones != standard {
      parts.append(
        "zones=" + c.memory.zones.map { "\($0.type.rawValue):\($0.start.hex)-\($0.end.hex)" }.joined(separator: ","))
    }
    if !c.memory.pageblockTypes.isEmpty {
      parts.append(
        "pageblocks="
          + c.memory.pageblockTypes.sorted { $0.key < $1.key }.map { "\($0.key.hex):\($0.value.procName.lowercased())" }
          .joined(separator: ","))
    }
    if !c.kva.earlyBusy.isEmpty && c.kva.earlyBusy.count <= earlyBusyInMachineLine {
      parts.append("early-busy=" + c.kva.earlyBusy.map { "\($0.start.hex)-\($0.end.hex)" }.joined(separator: ","))
    }
    return parts.joined(separator: " ")
  }

  static func target(_ r: AreaRef) -> String { r.description }
  static func target(_ r: PageRef) -> String { r.description }

  public static func line(_ l: TraceLine) -> String {
    var s: String
    switch l.item {
    case .narrate(let t): return "narrate \(t)"
    case .bookmark(let b): return "bookmark \(b)"
    case .operation(let op): s = operation(op)
    }
    if let e = l.expect { s += " expect=\(e.text)" }
    return s
  }

  public static func operation(_ op: Operation) -> String {
    var p: [String] = []
    switch op {
    case .vmalloc(let v):
      p = ["vmalloc", "size=\(TraceValues.sizeText(v.size))"]
      if v.align != 1 { p.append("align=\(TraceValues.sizeText(v.align))") }
      if v.vstart != KernelConstants.vmallocStart { p.append("vstart=\(v.vstart.hex)") }
      if v.vend != KernelConstants.vmallocEnd { p.append("vend=\(v.vend.hex)") }
      if v.noGuard { p.append("noguard") }
      if v.huge { p.append("huge") }
      if v.kind != .vmalloc { p.append("kind=\(v.kind.rawValue)") }
      if v.cpu != 0 { p.append("cpu=\(v.cpu)") }
      if let n = v.name { p.append("as=\(n)") }
    case .allocVmapArea(let r, let kind, let name):
      p = ["alloc_vmap_area", "size=\(r.size.hex)", "align=\(r.align.hex)"]
      if r.vstart != KernelConstants.vmallocStart { p.append("vstart=\(r.vstart.hex)") }
      if r.vend != KernelConstants.vmallocEnd { p.append("vend=\(r.vend.hex)") }
      if kind != .vmalloc { p.append("kind=\(kind.rawValue)") }
      if r.cpu != 0 { p.append("cpu=\(r.cpu)") }
      if let at = r.at { p.append("at=\(at.hex)") }
      if r.recordedFailure { p.append("failed") }
      if r.inferred { p.append("inferred") }
      if let name { p.append("as=\(name)") }
    case .vfree(let r, let cpu):
      p = ["vfree", target(r)]
      if cpu != 0 { p.append("cpu=\(cpu)") }
    case .purge: p = ["purge"]
    case .kernelPurge(let n): p = ["purge", "kernel=\(n)"]
    case .allocPagesAt(let pfn, let order, let mt):
      p = ["alloc_pages", "order=\(order)", "mt=\(mt.procName.lowercased())", "at=\(pfn.hex)"]
    case .allocPages(let order, let mt, let zone, let cpu, let name):
      p = ["alloc_pages", "order=\(order)", "mt=\(mt.procName.lowercased())", "zone=\(zone.rawValue)"]
      if cpu != 0 { p.append("cpu=\(cpu)") }
      if let name { p.append("as=\(name)") }
    case .freePages(let r, let order, let cpu):
      p = ["free_pages", target(r)]
      if let order { p.append("order=\(order)") }
      if cpu != 0 { p.append("cpu=\(cpu)") }
    case .setMemory(let change, let r, let pages):
      switch change {
      case .invalid: p = ["set_direct_map", "invalid", target(r)]
      case .default: p = ["set_direct_map", "default", target(r)]
      default: p = ["set_memory", change.rawValue, target(r)]
      }
      if pages != 1 { p.append("pages=\(pages)") }
    case .loadModule(let name, let l, let cpu):
      p = ["module_load", name]
      if l.text > 0 { p.append("text=\(TraceValues.sizeText(l.text))") }
      if l.rodata > 0 { p.append("rodata=\(TraceValues.sizeText(l.rodata))") }
      if l.data > 0 { p.append("data=\(TraceValues.sizeText(l.data))") }
      if cpu != 0 { p.append("cpu=\(cpu)") }
    case .unloadModule(let name): p = ["module_unload", name]
    case .secretmemAlloc(let name, let pages): p = ["secretmem_alloc", name, "pages=\(pages)"]
    case .secretmemFree(let name): p = ["secretmem_free", name]
    case .unmappedAlloc(let order, let name):
      p = ["unmapped_alloc", "order=\(order)"]
      if let name { p.append("as=\(name)") }
    case .unmappedFree(let r): p = ["unmapped_free", target(r)]
    case .unmappedShrink: p = ["unmapped_shrink"]
    case .progPackAlloc(let size, let name): p = ["prog_pack_alloc", name, "size=\(TraceValues.sizeText(size))"]
    case .progPackFree(let name): p = ["prog_pack_free", name]
    case .execmemAlloc(let size, let align, let name):
      p = ["execmem_alloc", name, "size=\(TraceValues.sizeText(size))"]
      if align != 1 { p.append("align=\(TraceValues.sizeText(align))") }
    case .execmemFree(let name): p = ["execmem_free", name]
    }
    return p.joined(separator: " ")
  }
}
