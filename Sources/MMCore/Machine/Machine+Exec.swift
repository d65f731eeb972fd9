// Sharing 2 MiB of executable memory among small programs: bpf_prog_pack's bitmaps beside Song Liu's
// vmap_area-tree allocator (execmem_alloc, v2 2022).
extension Machine {
  public static let vmapAreaBytes = 72
  public static let packBitmapBytes = ProgPack.chunks / 8

  /// `bpf_prog_pack_alloc()`: first fit over the packs' bitmaps in list order; a new pack (module-area
  /// vmalloc of 2 MiB, made RO+X) when none has room; a request larger than a pack gets its own area.
  mutating func progPackAlloc(size: UInt64, name: String, step: inout StepReport) {
    guard packAllocations[name] == nil else {
      step.refusal = "'\(name)' is allocated already"
      return
    }
    guard size > 0 else {
      step.refusal = "bpf_prog_pack_alloc needs a size above 0"
      return
    }
    var report = ExecReport(allocator: .progPack, size: size, searchWork: 0, metadataBytes: 0)
    if size > ProgPack.packSize {
      let rounded = (size + KernelConstants.pageSize - 1) & ~(KernelConstants.pageSize - 1)
      guard let start = newExecArea(size: rounded, name: "\(name).prog", step: &step) else { return }
      packAllocations[name] = (start, 0, true)
      report.address = start
      report.newBacking = Span(start, start + rounded)
    } else {
      let nbits = ProgPack.chunks(for: size)
      var found: (pack: Int, bit: Int)? = nil
      for (i, pack) in packs.enumerated() {
        let (bit, scanned) = pack.findZeroArea(nbits)
        report.searchWork += scanned
        if let bit {
          found = (i, bit)
          break
        }
      }
      if found == nil {
        guard let start = newExecArea(size: ProgPack.packSize, name: "prog-pack-\(packs.count)", step: &step) else {
          return
        }
        packs.append(ProgPack(base: start))
        report.newBacking = Span(start, start + ProgPack.packSize)
        found = (packs.count - 1, 0)
      }
      let (p, bit) = found!
      packs[p].set(bit, nbits, true)
      let addr = packs[p].base + UInt64(bit) * ProgPack.chunkSize
      packAllocations[name] = (addr, nbits, false)
      report.address = addr
    }
    report.metadataBytes = packs.count * Self.packBitmapBytes
    step.exec = report
  }

  /// A module-area vmalloc made RO+X (with VM_FLUSH_RESET_PERMS), as `alloc_new_pack` makes a pack.
  mutating func newExecArea(size: UInt64, name: String, step: inout StepReport) -> UInt64? {
    let req = VmallocRequest(
      size: size, align: KernelConstants.pageSize, vstart: KernelConstants.modulesStart,
      vend: KernelConstants.modulesEnd, kind: .progPack, name: name)
    vmalloc(req, step: &step, resetPerms: true)
    guard step.refusal == nil, let area = step.kva?.area, let b = backing[area.start] else {
      if step.refusal == nil { step.refusal = "no address space for a new executable area" }
      return nil
    }
    changeArea(start: area.start, firstPage: 0, pages: b.pageCount, AttrChange.Named.rox.change, step: &step)
    return area.start
  }

  /// `bpf_prog_pack_free()`: clear the bits; a pack left empty is freed.
  mutating func progPackFree(_ name: String, step: inout StepReport) {
    guard let a = packAllocations.removeValue(forKey: name) else {
      step.refusal = "nothing named '\(name)' is allocated from bpf_prog_pack"
      return
    }
    var report = ExecReport(allocator: .progPack, address: a.address, size: 0, searchWork: 0, metadataBytes: 0)
    if a.separate {
      vfree(.address(a.address), step: &step)
    } else if let p = packs.firstIndex(where: { a.address >= $0.base && a.address < $0.base + ProgPack.packSize }) {
      let bit = Int((a.address - packs[p].base) / ProgPack.chunkSize)
      packs[p].set(bit, a.chunks, false)
      report.size = UInt64(a.chunks) * ProgPack.chunkSize
      if packs[p].isEmpty {
        let base = packs.remove(at: p).base
        vfree(.address(base), step: &step)
        report.releasedBacking = Span(base, base + ProgPack.packSize)
      }
    }
    report.metadataBytes = packs.count * Self.packBitmapBytes
    step.exec = report
  }

  /// `execmem_alloc(size, align)`: the lowest fit in the text tree; when nothing fits, a PMD-aligned
  /// huge area of roundup(size, 2 MiB) without a guard page is made RO+X and added to the tree first.
  mutating func execmemAlloc(size: UInt64, align: UInt64, name: String, step: inout StepReport) {
    guard execAllocations[name] == nil else {
      step.refusal = "'\(name)' is allocated already"
      return
    }
    guard size > 0, KernelMath.isPowerOfTwo(align) else {
      step.refusal = "execmem_alloc needs a size above 0 and a power-of-two alignment"
      return
    }
    var report = ExecReport(allocator: .execmem, size: size, searchWork: 0, metadataBytes: 0)
    for attempt in 0..<2 {
      var steps: [SearchStep] = []
      if let id = execText.findLowestMatch(
        size: size, align: align, vstart: 1, adjustSearchSize: false, steps: &steps, visited: &report.searchWork,
        record: false)
      {
        let node = execText[id]
        let addr = KernelMath.alignUp(node.start, align)
        var changes: [FreeTreeChange] = []
        report.fit = execText.clip(id, nva: addr, size: size, changes: &changes, record: false)
        execAllocations[name] = Span(addr, addr + size)
        report.address = addr
        break
      }
      guard attempt == 0 else { break }
      let chunk = (size + KernelConstants.pmdSize - 1) & ~(KernelConstants.pmdSize - 1)
      let req = VmallocRequest(
        size: chunk, align: KernelConstants.pmdSize, vstart: KernelConstants.modulesStart,
        vend: KernelConstants.modulesEnd, noGuard: true, kind: .progPack, name: nil, huge: true)
      vmalloc(req, step: &step, resetPerms: false)
      guard step.refusal == nil, let area = step.kva?.area, let b = backing[area.start] else {
        if step.refusal == nil { step.refusal = "no address space for a new text chunk" }
        return
      }
      changeArea(start: area.start, firstPage: 0, pages: b.pageCount, AttrChange.Named.rox.change, step: &step)
      var none: [FreeTreeChange] = []
      _ = execText.mergeOrAdd(start: area.start, end: area.end, changes: &none, record: false)
      execBacking.append(area)
      report.newBacking = area
    }
    if report.address == nil && step.refusal == nil { step.refusal = "execmem_alloc found no space" }
    report.metadataBytes = execText.count * Self.vmapAreaBytes
    step.exec = report
  }

  /// `execmem_free()`: back into the text tree; a backing chunk lying whole inside the merged free area
  /// is carved out again, made RW+NX and vfree'd (at most one per call, as in the patch).
  mutating func execmemFree(_ name: String, step: inout StepReport) {
    guard let span = execAllocations.removeValue(forKey: name) else {
      step.refusal = "nothing named '\(name)' is allocated from execmem"
      return
    }
    var report = ExecReport(allocator: .execmem, address: span.start, size: span.size, searchWork: 0, metadataBytes: 0)
    var none: [FreeTreeChange] = []
    if let merged = execText.mergeOrAdd(start: span.start, end: span.end, changes: &none, record: false) {
      let free = execText[merged.node]
      if let i = execBacking.firstIndex(where: { free.start <= $0.start && $0.end <= free.end }) {
        let vm = execBacking.remove(at: i)
        var steps: [SearchStep] = []
        if let id = execText.findLowestMatch(
          size: vm.size, align: 1, vstart: vm.start, adjustSearchSize: false, steps: &steps,
          visited: &report.searchWork, record: false)
        {
          _ = execText.clip(id, nva: vm.start, size: vm.size, changes: &none, record: false)
        }
        if let b = backing[vm.start] {
          changeArea(start: vm.start, firstPage: 0, pages: b.pageCount, AttrChange.Named.nx.change, step: &step)
          changeArea(start: vm.start, firstPage: 0, pages: b.pageCount, AttrChange.Named.rw.change, step: &step)
        }
        vfree(.address(vm.start), step: &step)
        report.releasedBacking = vm
      }
    }
    report.metadataBytes = execText.count * Self.vmapAreaBytes
    step.exec = report
  }
}
