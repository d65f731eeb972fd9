/// The largest values mmscope takes from a file or the command line: what an x86-64 kernel can
/// produce, checked where a value enters (the parsers and the importer) so that the engine's
/// arithmetic on them cannot overflow.
public enum InputLimits {
  /// MAX_PHYSMEM_BITS is 52 on x86-64 (46 with 4-level paging): every pfn is below 2^40.
  public static let pfnLimit: UInt64 = 1 << 40
  /// NR_CPUS at its largest on x86-64 (CONFIG_MAXSMP).
  public static let maxCPUs = 8192
  /// MAX_PAGE_ORDER.
  public static let maxOrder = 10
  /// Module sections and prog_pack/execmem sizes and alignments: at most 2^47, the whole kernel half
  /// of a 4-level address space. (vmalloc and alloc_vmap_area take any unsigned long, as the kernel
  /// does, and refuse or fail what does not fit.)
  public static let maxRequestSize: UInt64 = 1 << 47
  /// Pages one `set_memory_*` call changes: at most every page below the pfn limit.
  public static let maxAttributePages: UInt64 = 1 << 40
  /// `nr_lazy` in pages: at most the address space in pages.
  public static let maxLazyPages: UInt64 = 1 << 52
  /// The largest machine modelled. The model keeps an entry per free block, and boot frees RAM in
  /// 4 MiB blocks: 4 TiB is a million blocks (about 150 MB); see MODEL.md for the measured costs.
  public static let maxMemory: UInt64 = 4 << 40
  /// The smallest: one 2 MiB pageblock's worth of zones needs at least 16 MiB to be interesting, but
  /// hand-sized classroom machines go down to 1 MiB.
  public static let minMemory: UInt64 = 1 << 20
}
