import Foundation
import MMCore

/// Turns a kernel trace into a `.mmtrace` document the engine replays. A real trace starts from a state
/// nobody recorded, so nothing before it is invented: areas freed but never allocated in the trace
/// become pre-existing busy areas only when `nr_lazy`'s growth gives their size; the kernel's
/// placements are applied as recorded (`at=`), and its purges where it purged.
public struct KernelImport: Sendable {
  public var document: TraceDocument
  public var layout: KernelTraceLayout?
  public var lines = 0
  /// Modelled events read, by name, and the ones passed over, by name.
  public var events: [String: Int] = [:]
  public var skipped: [String: Int] = [:]
  /// The problems (the first thousand) and how many there were: each is a line left out.
  public var errors: [TraceError] = []
  public var errorCount = 0
  /// Pre-existing areas learned from frees (address and size from nr_lazy), and frees whose size
  /// could not be learned.
  public var learnedAreas: [Span] = []
  public var unknownFrees = 0
  /// Ranges the trace allocated and freed, then freed again with no traced allocation between: the
  /// kernel reused them on a path the trace does not show. Each gets an inferred allocation before
  /// its second free, sized as the trace's last allocation there; `inferredSizeDisagreements` counts
  /// those where nr_lazy's step in line order said otherwise (frees on other CPUs interleave).
  public var inferredAllocs = 0
  /// Events whose timestamp is earlier than one before them in the file (per-CPU buffers merged
  /// without sorting): the import replays every event in timestamp order.
  public var reordered = 0
  public var inferredSizeDisagreements = 0
  /// Page frees of blocks never allocated in the trace (pre-existing), and per-CPU-level page events
  /// (alloc and free hits of per-CPU lists) counted but not applied to the buddy lists.
  public var preexistingPageFrees = 0
  public var perCPUEvents = 0
  public var failedAllocations = 0
}

extension KernelImport {
  /// Valid events the import could not use, one sentence per kind (empty when it used them all).
  public var notes: [String] {
    var out: [String] = []
    func n(_ count: Int, _ one: String, _ many: String) -> String { count == 1 ? "1 \(one)" : "\(count) \(many)" }
    for (k, v) in skipped.sorted(by: { $0.key < $1.key }) where k.hasPrefix("(page events beyond") {
      out.append(
        n(v, "page event", "page events")
          + " beyond the \(TraceValues.sizeText(InputLimits.maxMemory)) mmscope models left out")
    }
    if unknownFrees > 0 {
      out.append(
        n(unknownFrees, "free", "frees")
          + " of an area the trace never allocated and whose size nr_lazy does not give left out")
    }
    if reordered > 0 {
      out.append(
        n(reordered, "event", "events")
          + " out of time order across CPUs (per-CPU buffers merged): replayed in timestamp order")
    }
    if preexistingPageFrees > 0 {
      out.append(
        n(preexistingPageFrees, "page free of a block", "page frees of blocks") + " allocated before the trace left out"
      )
    }
    return out
  }
}

public enum KernelImporter {
  /// Reads `path` (plain or gzip) and converts it. `progress(lines, bytes, total)` is called now and
  /// then for long files.
  public static func importFile(
    path: String, snapshot: ProcSnapshot? = nil, progress: ((Int, UInt64, UInt64) -> Void)? = nil
  ) throws -> KernelImport {
    let reader = try LineReader(path: path)
    var parser = KernelTraceParser(file: reader.name)
    var events: [KernelEvent] = []
    var readError: TraceError? = nil
    do {
      while let line = try reader.nextLineBytes() {
        if let length = reader.overlongLine {
          parser.fail(
            reader.lineNumber, 1,
            "a line of \(length) bytes: not a trace line (kernel event lines are under \(LineReader.maxLineBytes / 1024) KiB)"
          )
          continue
        }
        if let e = parser.parse(bytes: line, number: reader.lineNumber) { events.append(e) }
        if let progress, reader.lineNumber % 100_000 == 0 {
          progress(reader.lineNumber, reader.bytesRead, reader.fileSize)
        }
      }
    } catch let e as LineReader.ReadError {
      // Damaged compressed data: what came before the damage is kept, and the error says where.
      let what =
        switch e {
        case .truncatedGzip: "the gzip data ends early (a truncated file)"
        case .corruptGzip(_, let detail): "the gzip data is corrupt (\(detail))"
        case .cannotOpen: "cannot read the file"
        }
      readError = TraceError(
        file: reader.name, line: reader.lineNumber + 1, column: 1,
        message:
          "\(what) after line \(reader.lineNumber); the rest of the file is lost, what was read before it is used")
    }
    var result = convert(events, cpus: parser.headerCPUs, snapshot: snapshot)
    result.layout = parser.layout
    result.lines = reader.lineNumber
    result.skipped.merge(parser.skipped) { $0 + $1 }
    result.errors = parser.errors + (readError.map { [$0] } ?? [])
    result.errorCount = parser.errorCount + (readError == nil ? 0 : 1)
    if events.isEmpty && result.errors.isEmpty {
      result.errors.append(
        TraceError(
          file: reader.name, line: 0, column: 0,
          message: "no kernel trace events in the file (expected ftrace, trace-cmd report or perf script lines)"))
      result.errorCount = 1
    }
    return result
  }

  /// `snapshot`: /proc files of the traced machine. Its zoneinfo gives the zones; a vmallocinfo with
  /// real addresses adds its busy areas (those the trace does not itself allocate or free) as busy from
  /// the start.
  public static func convert(_ events: [KernelEvent], cpus headerCPUs: Int?, snapshot: ProcSnapshot? = nil)
    -> KernelImport
  {
    let page = KernelConstants.pageSize
    // Per-CPU buffers merged without sorting put one CPU's later events before another's earlier
    // ones; the kernel did them in timestamp order, so that is the order to replay (ties keep the
    // file's order).
    var latest = -Double.infinity
    var late = 0
    for e in events {
      if e.timestamp < latest { late += 1 } else { latest = e.timestamp }
    }
    var events = events
    if late > 0 {
      events = events.enumerated().sorted { ($0.element.timestamp, $0.offset) < ($1.element.timestamp, $1.offset) }
        .map(\.element)
    }
    let cpus = max(headerCPUs ?? 0, (events.map(\.cpu).max() ?? 0) + 1)
    var maxPFN: UInt64 = 0
    var zoneLocked = false
    // Pages beyond the largest machine modelled are left out (and counted), so one stray pfn cannot
    // size the model; pfns are below 2^40 (checked by the parser), so the sums cannot overflow.
    let pageLimit = InputLimits.maxMemory / page
    /// The end of the block a page event names (the pfn after it), nil for other events.
    func blockEnd(_ e: KernelEvent) -> UInt64? {
      switch e.payload {
      case .pageAlloc(let pfn?, let order, _), .pageFree(let pfn, let order, _), .pagePcpuDrain(let pfn, let order, _),
        .pageAllocZoneLocked(let pfn, let order, _, _):
        return pfn + (1 << UInt64(order))
      case .pageAllocExtfrag(let pfn, _, _, _, _): return pfn + 1
      default: return nil
      }
    }
    var beyond = 0
    for e in events {
      if case .pageAllocZoneLocked = e.payload { zoneLocked = true }
      guard let end = blockEnd(e) else { continue }
      if end > pageLimit {
        beyond += 1
      } else if case .pageAllocExtfrag = e.payload {
        // A fallback report names no block the model holds: it does not size memory.
      } else {
        maxPFN = max(maxPFN, end)
      }
    }
    // Copy the events only when some are left out (a real trace rarely has any).
    if beyond > 0 { events = events.filter { (blockEnd($0) ?? 0) <= pageLimit } }
    // Memory: at least 1 GiB, rounded up to whole gigabytes above the highest pfn the trace touches.
    let gib = UInt64(1) << 30
    let bytes = max(gib, ((maxPFN * page + gib - 1) / gib) * gib)
    var result = KernelImport(document: TraceDocument(config: MachineConfig(cpus: cpus), lines: []))
    result.reordered = late
    var lines: [TraceLine] = []
    var allocated: [UInt64: UInt64] = [:]
    // Addresses the trace allocated and freed since, with the size it allocated there.
    var freedBefore: [UInt64: UInt64] = [:]
    var learned = DisjointSpans()
    // Each free's nr_lazy predecessor: the largest nr_lazy below it among the frees of its purge epoch
    // (between two recorded purges). Frees on several CPUs interleave, so in file order nr_lazy can
    // step by two areas at once or go backwards; sorted, each step is one area's pages.
    var predecessor: [Int: UInt64] = [:]
    var epoch: [(index: Int, nrLazy: UInt64)] = []
    func closeEpoch() {
      let sorted = epoch.map(\.nrLazy).sorted()
      for (i, v) in epoch {
        // The first index holding a value >= v; the one before it is the largest below v.
        var lo = 0
        var hi = sorted.count
        while lo < hi {
          let mid = (lo + hi) / 2
          if sorted[mid] < v { lo = mid + 1 } else { hi = mid }
        }
        if lo > 0 { predecessor[i] = sorted[lo - 1] }
      }
      epoch.removeAll(keepingCapacity: true)
    }
    for (i, e) in events.enumerated() {
      switch e.payload {
      case .freeVmapArea(_, let nrLazy, _): epoch.append((i, nrLazy))
      case .purgeVmapArea: closeEpoch()
      default: break
      }
    }
    closeEpoch()
    var livePages: [UInt64: Int] = [:]
    for (index, e) in events.enumerated() {
      result.events[e.name, default: 0] += 1
      switch e.payload {
      case .allocVmapArea(let addr, let size, let align, let vstart, let vend, let failed):
        var req = KVARequest(size: size, align: align, vstart: vstart, vend: vend, cpu: e.cpu)
        if failed {
          // Kept, as a failure to replay: stats and check count it like the kernel did.
          result.failedAllocations += 1
          req.recordedFailure = true
          lines.append(TraceLine(item: .operation(.allocVmapArea(req, kind: .vmalloc, name: nil)), line: e.line))
          continue
        }
        req.at = addr
        lines.append(TraceLine(item: .operation(.allocVmapArea(req, kind: .vmalloc, name: nil)), line: e.line))
        allocated[addr] = size
        freedBefore.removeValue(forKey: addr)
      case .freeVmapArea(let addr, let nrLazy, _):
        if let size = allocated.removeValue(forKey: addr) {
          freedBefore[addr] = size
        } else if let size = freedBefore[addr] {
          // Freed before with no traced allocation since: the kernel allocated the range again out of
          // the trace's sight. Infer that allocation where the free shows it, not a busy area from
          // before the trace (which would collide with the trace's own allocation there).
          if let last = predecessor[index], (nrLazy - last) &* page != size {
            result.inferredSizeDisagreements += 1
          }
          var req = KVARequest(size: size, align: page, cpu: e.cpu)
          req.at = addr
          req.inferred = true
          lines.append(TraceLine(item: .operation(.allocVmapArea(req, kind: .unknown, name: nil)), line: e.line))
          result.inferredAllocs += 1
        } else {
          // nr_lazy is below 2^52 pages (checked by the parser); the end must not pass ULONG_MAX.
          if let last = predecessor[index] {
            let (end, wraps) = addr.addingReportingOverflow((nrLazy - last) &* page)
            let span = Span(addr, end)
            if (nrLazy - last) < InputLimits.maxLazyPages >> 12 && !wraps && KVAConfig.isValidEarlyBusy(span)
              && learned.insert(span)
            {
              // learned
            } else {
              result.unknownFrees += 1
              continue
            }
          } else {
            result.unknownFrees += 1
            continue
          }
        }
        lines.append(TraceLine(item: .operation(.vfree(.address(addr), cpu: e.cpu)), line: e.line))
      case .purgeVmapArea(_, _, let purged):
        lines.append(TraceLine(item: .operation(.kernelPurge(recorded: purged)), line: e.line))
      case .pageAllocZoneLocked(let pfn, let order, let mt, _):
        lines.append(
          TraceLine(
            item: .operation(.allocPagesAt(pfn: pfn, order: order, migratetype: Migratetype(rawValue: min(mt, 4))!)),
            line: e.line))
        livePages[pfn] = order
      case .pagePcpuDrain(let pfn, let order, _):
        if livePages.removeValue(forKey: pfn) != nil {
          lines.append(TraceLine(item: .operation(.freePages(.pfn(pfn), order: order, cpu: e.cpu)), line: e.line))
        } else {
          result.preexistingPageFrees += 1
        }
      case .pageAlloc(let pfn, let order, let mt):
        guard let pfn else {
          result.failedAllocations += 1
          continue
        }
        if zoneLocked {
          result.perCPUEvents += 1
        } else {
          lines.append(
            TraceLine(
              item: .operation(.allocPagesAt(pfn: pfn, order: order, migratetype: Migratetype(rawValue: min(mt, 4))!)),
              line: e.line))
          livePages[pfn] = order
        }
      case .pageFree(let pfn, let order, _):
        if zoneLocked && order <= BuddyConstants.costlyOrder {
          result.perCPUEvents += 1
        } else if livePages.removeValue(forKey: pfn) != nil {
          lines.append(TraceLine(item: .operation(.freePages(.pfn(pfn), order: order, cpu: e.cpu)), line: e.line))
        } else {
          result.preexistingPageFrees += 1
        }
      case .pageAllocExtfrag:
        break
      }
    }
    if beyond > 0 {
      result.skipped["(page events beyond the \(TraceValues.sizeText(InputLimits.maxMemory)) modelled)"] = beyond
    }
    result.learnedAreas = learned.spans
    var early = result.learnedAreas
    var touched: [Span] = result.learnedAreas
    for e in events {
      if case .allocVmapArea(let addr, let size, _, _, _, false) = e.payload { touched.append(Span(addr, addr + size)) }
    }
    touched.sort()
    for a in snapshot?.busyAreas ?? [] {
      let i = touched.firstIndex { $0.end > a.start } ?? touched.count
      if i == touched.count || touched[i].start >= a.end { early.append(a) }
    }
    early.sort()
    var kva = KVAConfig(cpus: cpus, earlyBusy: early)
    kva.autoPurge = false
    // Per-CPU traffic is in the events themselves: the buddy-level ones (zone_locked, pcpu_drain) are
    // applied to the buddy lists directly, so the model's own per-CPU lists stay off.
    var memory = MemoryConfig(bytes: bytes)
    if let all = snapshot?.zoneSpecs, case let zones = all.filter({ $0.end <= pageLimit }), !zones.isEmpty {
      if zones.count < all.count {
        result.skipped["(zones beyond the \(TraceValues.sizeText(InputLimits.maxMemory)) modelled)"] =
          all.count - zones.count
      }
      let end = max(zones.map(\.end).max()!, maxPFN)
      memory = MemoryConfig(pages: end, zones: zones)
    }
    result.document = TraceDocument(config: MachineConfig(kva: kva, memory: memory), lines: lines)
    return result
  }
}
