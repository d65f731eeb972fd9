import MMCore

/// Lays address runs out on a strip of cells. The managed range is 2^64 bytes wide while the areas
/// in use may span a few pages, so the largest free runs are drawn compressed (a fixed few cells
/// saying their size) and everything else shares one linear scale, a power of two bytes per cell.
public struct AddressAxis: Sendable {
  /// A run as placed: its cells are `firstCell..<endCell`; a compressed run draws its size there.
  public struct Placed: Sendable, Equatable {
    /// The run's index in `runs` (see `run(_:)` for it clipped to the window).
    public var index: Int
    public var compressed: Bool
    public var firstCell: Int
    public var endCell: Int
    /// Bytes of uncompressed runs before this one, from the window's start: the linear position.
    var linearStart: UInt64
    /// Cells taken by compressed runs before this one.
    var compressedCellsBefore: Int
  }

  public var cells: Int
  public var window: Span
  /// All runs (shared, not copied); the placed ones are those overlapping the window.
  let runs: [AreaRun]
  public var bytesPerCell: UInt64
  public var placed: [Placed]
  /// Cells actually used (the rest of the strip is past the window's end).
  public var usedCells: Int

  /// Smallest scale: a 4 KiB page is at most 16 cells wide.
  public static let minimumBytesPerCell: UInt64 = 256

  /// Places the runs that overlap `window` (clipped to it) on `cells` cells; `compressedWidth` is the
  /// width of a compressed run, wide enough for its label.
  /// `rowWidth`, when given, keeps a compressed run's label on one row: it starts on the next row
  /// instead of wrapping (the cells skipped stay empty).
  public init(runs: [AreaRun], window: Span, cells: Int, compressedWidth: Int, rowWidth: Int? = nil) {
    self.cells = max(cells, 1)
    self.window = window
    self.runs = runs
    // The runs overlapping the window, as an index range; sizes are clipped on the fly.
    var lo = AreaRuns.index(of: window.start, in: runs) ?? 0
    while lo < runs.count && runs[lo].span.end <= window.start { lo += 1 }
    var hi = lo
    while hi < runs.count && runs[hi].span.start < window.end { hi += 1 }
    func clippedSize(_ i: Int) -> UInt64 {
      min(runs[i].span.end, window.end) - max(runs[i].span.start, window.start)
    }
    // Compress the largest free runs while one would take more than an eighth of what is left, as
    // long as other runs keep at least half of the strip.
    var compress = Set<Int>()
    var remaining = Double(window.size)
    var avail = Double(self.cells)
    let width = Double(compressedWidth)
    // Only the largest few free runs can compress: keep the top 24 in one pass, not a full sort.
    var free: [(index: Int, size: UInt64)] = []
    for i in lo..<hi where runs[i].state == .free {
      let size = clippedSize(i)
      if free.count == 24 {
        guard size > free[23].size else { continue }
        free.removeLast()
      }
      let at = free.firstIndex { $0.size < size } ?? free.count
      free.insert((i, size), at: at)
    }
    for (i, bytes) in free {
      let size = Double(bytes)
      guard remaining - size > 0, avail - width >= Double(self.cells) / 2 else { break }
      guard size / remaining * avail > max(2 * width, avail / 8) else { break }
      compress.insert(i)
      remaining -= size
      avail -= width
    }
    let needed = UInt64(max(1, (remaining / max(avail, 1)).rounded(.up)))
    var bpc = Self.minimumBytesPerCell
    while bpc < needed && bpc < (1 << 62) { bpc <<= 1 }
    bytesPerCell = bpc
    var out: [Placed] = []
    out.reserveCapacity(hi - lo)
    var linear: UInt64 = 0
    var compressedCells = 0
    // Walked in step with the runs: no hashing per run.
    let compressed = compress.sorted()
    var nextCompressed = 0
    for i in lo..<hi {
      let isCompressed = nextCompressed < compressed.count && compressed[nextCompressed] == i
      if isCompressed { nextCompressed += 1 }
      let size = clippedSize(i)
      var first = compressedCells + Int(linear / bpc)
      if isCompressed, let w = rowWidth, w >= compressedWidth, first % w + compressedWidth > w {
        // Skipped cells count as compressed ones, so the linear positions after stay right.
        let skip = w - first % w
        compressedCells += skip
        first += skip
      }
      let end: Int
      if isCompressed {
        end = first + compressedWidth
      } else {
        let after = linear + size
        // Rounded up without overflowing near the top of the address space.
        end = max(first + 1, compressedCells + Int(after / bpc + (after % bpc == 0 ? 0 : 1)))
      }
      out.append(
        Placed(
          index: i, compressed: isCompressed, firstCell: first, endCell: end, linearStart: linear,
          compressedCellsBefore: compressedCells))
      if isCompressed {
        compressedCells += compressedWidth
      } else {
        linear += size
      }
    }
    placed = out
    usedCells = min(self.cells, out.last?.endCell ?? 0)
  }

  /// A placed run, clipped to the window.
  public func run(_ p: Placed) -> AreaRun {
    var r = runs[p.index]
    r.span = Span(max(r.span.start, window.start), min(r.span.end, window.end))
    return r
  }

  /// The index of the placed run a cell belongs to (the first one touching it).
  public func placedIndex(atCell c: Int) -> Int? {
    guard !placed.isEmpty, c >= 0, c < usedCells else { return nil }
    var lo = 0
    var hi = placed.count - 1
    while lo < hi {
      let mid = (lo + hi + 1) / 2
      if placed[mid].firstCell <= c { lo = mid } else { hi = mid - 1 }
    }
    // Several small runs can start in one cell: report the first of them.
    while lo > 0 && placed[lo - 1].firstCell == placed[lo].firstCell { lo -= 1 }
    return lo
  }

  /// The address at the start of cell `c`, for row labels.
  public func address(atCell c: Int) -> UInt64? {
    guard let i = placedIndex(atCell: c) else { return nil }
    let p = placed[i]
    let start = run(p).span.start
    if p.compressed { return start }
    let cellStart = UInt64(c - p.compressedCellsBefore) * bytesPerCell
    return start + (cellStart > p.linearStart ? cellStart - p.linearStart : 0)
  }

  /// The placed run holding an address, if it is in the window.
  public func placedIndex(ofAddress a: UInt64) -> Int? {
    guard window.contains(a), !placed.isEmpty else { return nil }
    var lo = 0
    var hi = placed.count - 1
    while lo < hi {
      let mid = (lo + hi + 1) / 2
      if max(runs[placed[mid].index].span.start, window.start) <= a { lo = mid } else { hi = mid - 1 }
    }
    return lo
  }
}
