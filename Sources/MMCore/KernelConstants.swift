/// Constants of the modelled machine: Linux v6.18 on x86-64 with 4-level paging and 4 KiB pages.
public enum KernelConstants {
  public static let pageShift: UInt64 = 12
  public static let pageSize: UInt64 = 1 << pageShift
  /// `VMALLOC_START` without KASLR (Documentation/arch/x86/x86_64/mm.rst).
  public static let vmallocStart: UInt64 = 0xffff_c900_0000_0000
  /// `VMALLOC_END` as the kernel passes it to `alloc_vmap_area` (used as an exclusive bound there).
  public static let vmallocEnd: UInt64 = 0xffff_e8ff_ffff_ffff
  public static let pmdSize: UInt64 = 2 << 20
  /// `PAGE_OFFSET` without KASLR: where the direct map of physical memory starts.
  public static let pageOffset: UInt64 = 0xffff_8880_0000_0000
  /// The module area (MODULES_VADDR..MODULES_END), where module_alloc/execmem put modules and BPF.
  public static let modulesStart: UInt64 = 0xffff_ffff_c000_0000
  public static let modulesEnd: UInt64 = 0xffff_ffff_ff00_0000
  /// The free space covers [1, ULONG_MAX), as `vmap_init_free_space` sets it up.
  public static let kvaFirst: UInt64 = 1
  public static let kvaLast: UInt64 = UInt64.max
  /// Pools hold areas of at most this many pages (`MAX_VA_SIZE_PAGES`).
  public static let maxPoolPages = 256
  /// The upper bound on `nr_vmap_nodes`.
  public static let maxVmapNodes = 128
  /// Pages per vmap zone when there is more than one node.
  public static let vmapZonePages: UInt64 = 16
}

/// Bit tricks the kernel uses, written so that they wrap where the kernel's unsigned arithmetic wraps.
public enum KernelMath {
  /// `ALIGN(x, a)` for a power-of-two `a`; wraps past ULONG_MAX exactly as C does.
  @inline(__always)
  public static func alignUp(_ x: UInt64, _ a: UInt64) -> UInt64 {
    (x &+ (a &- 1)) & ~(a &- 1)
  }

  @inline(__always)
  public static func isAligned(_ x: UInt64, _ a: UInt64) -> Bool { x & (a &- 1) == 0 }

  @inline(__always)
  public static func isPowerOfTwo(_ x: UInt64) -> Bool { x != 0 && x & (x &- 1) == 0 }

  /// `fls()`: the 1-based index of the most significant set bit, 0 for 0.
  @inline(__always)
  public static func fls(_ x: UInt64) -> Int { x == 0 ? 0 : 64 - x.leadingZeroBitCount }

  /// `lazy_max_pages()`: fls(cpus) units of 32 MiB, in pages.
  public static func lazyMaxPages(cpus: Int) -> UInt64 {
    UInt64(fls(UInt64(max(cpus, 1)))) * (32 * 1024 * 1024 / KernelConstants.pageSize)
  }
}

extension UInt64 {
  /// Lower-case hex with a `0x` prefix, the way the kernel's `%#lx` prints.
  public var hex: String { "0x" + String(self, radix: 16) }
}
