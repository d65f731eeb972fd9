/// One event of a kernel trace that mmscope models, with the fields its TP_printk format prints
/// (kernel-reference.md §9).
public struct KernelEvent: Sendable, Equatable {
  public enum Payload: Sendable, Equatable {
    /// `alloc_vmap_area: va_start: %lu size=%lu align=%lu vstart=%#lx vend=%#lx failed=%d`
    case allocVmapArea(addr: UInt64, size: UInt64, align: UInt64, vstart: UInt64, vend: UInt64, failed: Bool)
    /// `free_vmap_area_noflush: va_start=%#lx nr_lazy=%lu nr_lazy_max=%lu`
    case freeVmapArea(addr: UInt64, nrLazy: UInt64, nrLazyMax: UInt64)
    /// `purge_vmap_area_lazy: start=%#lx end=%#lx num_purged=%u`
    case purgeVmapArea(start: UInt64, end: UInt64, purged: Int)
    /// `mm_page_alloc: page=%p pfn=%#lx order=%d migratetype=%d gfp_flags=%s` (pfn nil when it failed;
    /// the gfp flags are not modelled beyond the migratetype they imply)
    case pageAlloc(pfn: UInt64?, order: Int, migratetype: Int)
    /// `mm_page_free: page=%p pfn=%#lx order=%d`, and `mm_page_free_batched` (order 0)
    case pageFree(pfn: UInt64, order: Int, batched: Bool)
    /// `mm_page_alloc_zone_locked: ... order=%u migratetype=%d percpu_refill=%d`
    case pageAllocZoneLocked(pfn: UInt64, order: Int, migratetype: Int, percpuRefill: Bool)
    /// `mm_page_pcpu_drain: page=%p pfn=%#lx order=%d migratetype=%d`
    case pagePcpuDrain(pfn: UInt64, order: Int, migratetype: Int)
    /// `mm_page_alloc_extfrag: ... alloc_order fallback_order ... alloc_migratetype fallback_migratetype ...`
    case pageAllocExtfrag(
      pfn: UInt64, allocOrder: Int, fallbackOrder: Int, allocMigratetype: Int, fallbackMigratetype: Int)
  }

  public var payload: Payload
  public var cpu: Int
  public var timestamp: Double
  public var task: String
  /// The line in the source file.
  public var line: Int

  /// The event's name as the kernel prints it.
  public var name: String {
    switch payload {
    case .allocVmapArea: "alloc_vmap_area"
    case .freeVmapArea: "free_vmap_area_noflush"
    case .purgeVmapArea: "purge_vmap_area_lazy"
    case .pageAlloc: "mm_page_alloc"
    case .pageFree(_, _, let batched): batched ? "mm_page_free_batched" : "mm_page_free"
    case .pageAllocZoneLocked: "mm_page_alloc_zone_locked"
    case .pagePcpuDrain: "mm_page_pcpu_drain"
    case .pageAllocExtfrag: "mm_page_alloc_extfrag"
    }
  }
}

/// The layouts a kernel trace comes in.
public enum KernelTraceLayout: String, Sendable {
  /// tracefs `trace` / `trace_pipe`: `comm-pid [cpu] flags timestamp: event: fields`.
  case ftrace
  /// `trace-cmd report`: `comm-pid [cpu] timestamp: event: fields` (flags optional).
  case traceCmd = "trace-cmd"
  /// `perf script`: `comm pid [cpu] timestamp: subsystem:event: fields`.
  case perfScript = "perf script"
}
