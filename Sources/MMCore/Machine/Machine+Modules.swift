// load_module()/free_module() with CONFIG_STRICT_MODULE_RWX: one vmalloc area per kind of section in
// the module area (execmem_alloc, VM_FLUSH_RESET_PERMS), then text RO+X, rodata RO, data NX.
extension Machine {
  mutating func loadModule(_ name: String, _ layout: ModuleLayout, cpu: Int, step: inout StepReport) {
    guard modules[name] == nil else {
      step.refusal = "module '\(name)' is loaded already"
      return
    }
    let sections: [(String, UInt64, AttrChange.Named?)] = [
      ("text", layout.text, .rox), ("rodata", layout.rodata, .ro), ("data", layout.data, .nx),
    ]
    guard sections.contains(where: { $0.1 > 0 }) else {
      step.refusal = "module '\(name)' has no sections"
      return
    }
    var starts: [UInt64] = []
    var kvaReports: [KVAReport] = []
    for (section, size, _) in sections where size > 0 {
      let req = VmallocRequest(
        size: size, align: KernelConstants.pageSize, vstart: KernelConstants.modulesStart,
        vend: KernelConstants.modulesEnd, kind: .module, cpu: cpu, name: "\(name).\(section)")
      var sub = StepReport(operation: step.operation)
      vmalloc(req, step: &sub, resetPerms: true, fromUnmapped: config.memory.unmappedCache)
      merge(sub, into: &step)
      if let r = sub.kva { kvaReports.append(r) }
      guard sub.refusal == nil, let area = sub.kva?.area else {
        // Roll back what was loaded so far.
        for s in starts { vfree(.address(s), step: &step) }
        step.refusal = "loading \(name) failed at its \(section): \(sub.failure ?? "no address space")"
        return
      }
      starts.append(area.start)
    }
    step.kva = kvaReports.last
    var i = 0
    for (_, size, change) in sections where size > 0 {
      let start = starts[i]
      i += 1
      guard let change, let b = backing[start] else { continue }
      changeArea(start: start, firstPage: 0, pages: b.pageCount, change.change, step: &step)
    }
    modules[name] = starts
  }

  mutating func unloadModule(_ name: String, step: inout StepReport) {
    guard let starts = modules.removeValue(forKey: name) else {
      step.refusal = "no module named '\(name)' is loaded"
      return
    }
    for s in starts { vfree(.address(s), step: &step) }
  }

  /// Folds a sub-operation's report into the step's.
  func merge(_ sub: StepReport, into step: inout StepReport) {
    for b in sub.buddy where step.buddy.count < 64 { step.buddy.append(b) }
    step.pagesAllocated += sub.pagesAllocated
    step.pagesFreed += sub.pagesFreed
    step.descriptorsCreated += sub.descriptorsCreated
    step.add(sub.directMap)
    step.unmappedRefills += sub.unmappedRefills
  }
}
