/// bpf_prog_pack (kernel/bpf/core.c, v5.18+): BPF programs share 2 MiB RO+X packs, allocated in 64-byte
/// chunks tracked by one bitmap per pack (32768 bits = 4 KiB), first fit across packs in list order.
public struct ProgPack: Sendable, Equatable {
  public static let chunkSize: UInt64 = 64
  public static let packSize: UInt64 = 2 << 20
  public static let chunks = Int(packSize / chunkSize)

  /// The pack's address (its KVA area start).
  public var base: UInt64
  /// 64-bit words of the allocation bitmap.
  public internal(set) var bitmap: [UInt64] = Array(repeating: 0, count: ProgPack.chunks / 64)

  public init(base: UInt64) { self.base = base }

  public func isSet(_ bit: Int) -> Bool { bitmap[bit >> 6] & (1 << UInt64(bit & 63)) != 0 }

  mutating func set(_ start: Int, _ count: Int, _ on: Bool) {
    for b in start..<(start + count) {
      if on { bitmap[b >> 6] |= 1 << UInt64(b & 63) } else { bitmap[b >> 6] &= ~(1 << UInt64(b & 63)) }
    }
  }

  /// `bitmap_find_next_zero_area(bitmap, chunks, 0, nbits, 0)`: the first run of `nbits` clear bits;
  /// also returns how many bits the scan examined.
  func findZeroArea(_ nbits: Int) -> (start: Int?, scanned: Int) {
    var scanned = 0
    var i = 0
    while i + nbits <= Self.chunks {
      var run = 0
      while run < nbits && !isSet(i + run) {
        run += 1
        scanned += 1
      }
      if run == nbits { return (i, scanned) }
      scanned += 1
      i += run + 1
    }
    return (nil, scanned)
  }

  public var usedChunks: Int { bitmap.reduce(0) { $0 + $1.nonzeroBitCount } }
  public var isEmpty: Bool { bitmap.allSatisfy { $0 == 0 } }

  /// `BPF_PROG_SIZE_TO_NBITS`.
  public static func chunks(for size: UInt64) -> Int { Int((size + chunkSize - 1) / chunkSize) }
}
