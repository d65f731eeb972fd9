/// What the buddy allocator knows about one page frame.
struct PageInfo: Sendable {
  enum State: UInt8, Sendable {
    /// Inside a block but not its first page (or not yet handed to the allocator).
    case tail
    /// The first page of a free block on a free list (`PageBuddy`).
    case free
    /// The first page of an allocated block.
    case allocated
  }
  var state: State = .tail
  var order: UInt8 = 0
  /// The free list's migratetype for a free block; the requested one for an allocated block.
  var migratetype: UInt8 = 0
  /// Free-list neighbours as offsets from the zone's first pfn, -1 for none.
  var prev: Int = -1
  var next: Int = -1
  /// Who holds an allocated block (0 = nobody recorded).
  var owner: UInt32 = 0
}

/// Per-page metadata kept only for pages that start a free or allocated block: a zone of gigabytes
/// holds entries for its blocks, not its pages, so machines of any size are cheap to build.
///
/// A timeline keeps hundreds of machine copies (checkpoints); with one table, the first change after
/// each checkpoint copied every entry of the zone (hundreds of MB on a real trace). So the entries
/// live in chunks of 256 pages, and the chunks in groups of 256 chunks (64 MiB of memory), each a
/// shared reference copied only when it is changed while another copy holds it: a change copies one
/// group's 256 references and one chunk's few entries, and the top array has one reference per 64 MiB.
/// Reaching an entry is two array steps and one hash lookup.
struct SparsePages: Sendable {
  static let chunkShift = 8
  static let groupShift = 8

  final class Chunk: @unchecked Sendable {
    // Only mutated while uniquely referenced (see `chunk(_:)`), so sharing it is safe.
    var entries: [Int: PageInfo]
    init(_ entries: [Int: PageInfo] = [:]) { self.entries = entries }
  }

  final class Group: @unchecked Sendable {
    // Only mutated while uniquely referenced, as above.
    var chunks: [Chunk?]
    init(_ chunks: [Chunk?] = Array(repeating: nil, count: 1 << SparsePages.groupShift)) { self.chunks = chunks }
  }

  private var groups: [Group?] = []
  /// How many entries there are (kept, since the chunks do not know each other).
  private(set) var count = 0

  @inline(__always)
  private func existing(_ i: Int) -> Chunk? {
    let c = i >> Self.chunkShift
    let g = c >> Self.groupShift
    guard g < groups.count, let group = groups[g] else { return nil }
    return group.chunks[c & ((1 << Self.groupShift) - 1)]
  }

  @inline(__always)
  subscript(i: Int) -> PageInfo {
    get { existing(i)?.entries[i] ?? PageInfo() }
    set {
      if newValue.state == .tail && newValue.prev < 0 && newValue.next < 0 {
        guard existing(i)?.entries[i] != nil else { return }
        chunk(i).entries[i] = nil
        count -= 1
      } else if chunk(i).entries.updateValue(newValue, forKey: i) == nil {
        count += 1
      }
    }
  }

  /// The chunk holding offset `i`, created if missing, its group and itself copied first if another
  /// copy of the table shares them.
  @inline(__always)
  private mutating func chunk(_ i: Int) -> Chunk {
    let c = i >> Self.chunkShift
    let g = c >> Self.groupShift
    let k = c & ((1 << Self.groupShift) - 1)
    if g >= groups.count { groups.append(contentsOf: repeatElement(nil, count: g + 1 - groups.count)) }
    let group: Group
    if groups[g] == nil {
      group = Group()
      groups[g] = group
    } else if isKnownUniquelyReferenced(&groups[g]!) {
      group = groups[g]!
    } else {
      group = Group(groups[g]!.chunks)
      groups[g] = group
    }
    if group.chunks[k] == nil {
      let fresh = Chunk()
      group.chunks[k] = fresh
      return fresh
    }
    if isKnownUniquelyReferenced(&group.chunks[k]!) { return group.chunks[k]! }
    let copy = Chunk(group.chunks[k]!.entries)
    group.chunks[k] = copy
    return copy
  }

  /// Changes an entry that exists (a list neighbour).
  @inline(__always)
  mutating func update(_ i: Int, _ body: (inout PageInfo) -> Void) {
    let c = chunk(i)
    if c.entries[i] == nil { count += 1 }
    body(&c.entries[i, default: PageInfo()])
  }

  private var allChunks: [Chunk] { groups.flatMap { $0?.chunks.compactMap { $0 } ?? [] } }

  /// Offsets of all block heads, in no particular order.
  var heads: [Int] { allChunks.flatMap { $0.entries.keys } }
  /// Entries that head an allocated block.
  var allocatedBlocks: Int {
    allChunks.reduce(0) { n, c in n + c.entries.values.reduce(0) { $0 + ($1.state == .allocated ? 1 : 0) } }
  }
}

/// One zone's buddy allocator (`struct zone` + `free_area[]`), over pfns [start, end): free lists per
/// order and migratetype linked through per-page metadata as the kernel links `page->buddy_list`, the
/// `nr_free` counts /proc/buddyinfo prints, and one migratetype per 2 MiB pageblock.
public struct BuddyZone: Sendable {
  public let name: String
  public let start: UInt64
  public let end: UInt64
  /// Where this zone's struct pages begin: the end of the zone below (or 0). Pages in a hole between
  /// the two belong to this zone, as `memmap_init` initialises them (`init_unavailable_range` with the
  /// zone that follows the hole); pages below belong to another zone.
  public internal(set) var memmapStart: UInt64 = 0
  /// Whether an allocation may fall back to other migratetypes' lists (machine `fallback=`).
  public internal(set) var fallback = true
  var pages = SparsePages()
  /// Free-list heads and tails, `[order * types + mt]`, as offsets; -1 when empty.
  var heads: [Int]
  var tails: [Int]
  /// Blocks on each list.
  public internal(set) var listCounts: [Int]
  /// `free_area[order].nr_free`: blocks of each order over all migratetypes.
  public internal(set) var nrFree: [Int]
  /// Pageblock migratetypes, indexed from the pageblock holding `start`.
  var pageblocks: [UInt8]
  public internal(set) var freePages: UInt64 = 0
  /// Running totals: blocks split and merged.
  public internal(set) var splits = 0
  public internal(set) var merges = 0

  static let types = Migratetype.allCases.count

  /// A zone with every pageblock of `migratetype` and no free memory yet (see `freeAllAtBoot`).
  public init(
    name: String, start: UInt64, end: UInt64, migratetype: Migratetype = .movable, memmapStart: UInt64 = 0
  ) {
    self.name = name
    self.memmapStart = min(memmapStart, start)
    self.start = start
    self.end = max(end, start)
    let lists = BuddyConstants.orders * Self.types
    heads = Array(repeating: -1, count: lists)
    tails = Array(repeating: -1, count: lists)
    listCounts = Array(repeating: 0, count: lists)
    nrFree = Array(repeating: 0, count: BuddyConstants.orders)
    let firstBlock = start >> UInt64(BuddyConstants.pageblockOrder)
    let lastBlock = (self.end + UInt64(BuddyConstants.pageblockPages) - 1) >> UInt64(BuddyConstants.pageblockOrder)
    pageblocks = Array(repeating: UInt8(migratetype.rawValue), count: Int(max(lastBlock, firstBlock + 1) - firstBlock))
  }

  /// Blocks allocated from this zone and not yet freed (pages on per-CPU lists count as allocated).
  public var allocatedBlocks: Int { pages.allocatedBlocks }
  public var spannedPages: UInt64 { end - start }

  @inline(__always) public func contains(_ pfn: UInt64) -> Bool { pfn >= start && pfn < end }
  @inline(__always) func offset(_ pfn: UInt64) -> Int { Int(pfn - start) }
  @inline(__always) func list(_ order: Int, _ mt: Int) -> Int { order * Self.types + mt }

  // MARK: Pageblocks

  /// `get_pfnblock_migratetype()`.
  public func pageblockMigratetype(_ pfn: UInt64) -> Migratetype {
    Migratetype(rawValue: Int(pageblocks[pageblockIndex(pfn)]))!
  }

  @inline(__always) func pageblockIndex(_ pfn: UInt64) -> Int {
    Int((pfn >> UInt64(BuddyConstants.pageblockOrder)) - (start >> UInt64(BuddyConstants.pageblockOrder)))
  }

  /// `set_pageblock_migratetype()`.
  public mutating func setPageblockMigratetype(_ pfn: UInt64, _ mt: Migratetype) {
    pageblocks[pageblockIndex(pfn)] = UInt8(mt.rawValue)
  }

  /// All pageblocks with their migratetype, in pfn order (the first may start below `start`).
  public var pageblockTypes: [(pfn: UInt64, type: Migratetype)] {
    let first = (start >> UInt64(BuddyConstants.pageblockOrder)) << UInt64(BuddyConstants.pageblockOrder)
    return pageblocks.enumerated().map {
      (first + UInt64($0.offset * BuddyConstants.pageblockPages), Migratetype(rawValue: Int($0.element))!)
    }
  }

  // MARK: Free lists

  /// The free list of `order` and `mt`, head to tail.
  public func freeList(order: Int, migratetype mt: Migratetype) -> [UInt64] {
    var out: [UInt64] = []
    var n = heads[list(order, mt.rawValue)]
    while n >= 0 {
      out.append(start + UInt64(n))
      n = pages[Int(n)].next
    }
    return out
  }

  /// The first free block on a list (`get_page_from_free_area`).
  func head(order: Int, migratetype mt: Int) -> UInt64? {
    let h = heads[list(order, mt)]
    return h < 0 ? nil : start + UInt64(h)
  }

  /// Whether `pfn` starts a free block of exactly `order` in this zone (`page_is_buddy`).
  @inline(__always) func isFreeBlock(_ pfn: UInt64, order: Int) -> Bool {
    guard contains(pfn) else { return false }
    let p = pages[offset(pfn)]
    return p.state == .free && Int(p.order) == order
  }

  /// `__add_to_free_list()`: at the head, or at the tail.
  mutating func addToFreeList(_ pfn: UInt64, order: Int, mt: Int, tail: Bool) {
    let o = Int(offset(pfn))
    let l = list(order, mt)
    var p = pages[Int(o)]
    p.state = .free
    p.order = UInt8(order)
    p.migratetype = UInt8(mt)
    p.owner = 0
    if tail {
      p.prev = tails[l]
      p.next = -1
      if tails[l] >= 0 { pages.update(tails[l]) { $0.next = o } } else { heads[l] = o }
      tails[l] = o
    } else {
      p.prev = -1
      p.next = heads[l]
      if heads[l] >= 0 { pages.update(heads[l]) { $0.prev = o } } else { tails[l] = o }
      heads[l] = o
    }
    pages[Int(o)] = p
    listCounts[l] += 1
    nrFree[order] += 1
    freePages += 1 << UInt64(order)
  }

  /// `__del_page_from_free_list()`: off whichever list it is on.
  mutating func delFromFreeList(_ pfn: UInt64) {
    let o = offset(pfn)
    let p = pages[o]
    let l = list(Int(p.order), Int(p.migratetype))
    if p.prev >= 0 { pages.update(p.prev) { $0.next = p.next } } else { heads[l] = p.next }
    if p.next >= 0 { pages.update(p.next) { $0.prev = p.prev } } else { tails[l] = p.prev }
    pages[o] = PageInfo()
    listCounts[l] -= 1
    nrFree[Int(p.order)] -= 1
    freePages -= 1 << UInt64(p.order)
  }

  /// `move_to_free_list()`: to the tail of another migratetype's list.
  mutating func moveToFreeList(_ pfn: UInt64, to mt: Int) {
    let order = Int(pages[offset(pfn)].order)
    delFromFreeList(pfn)
    addToFreeList(pfn, order: order, mt: mt, tail: true)
  }

  // MARK: Allocation

  /// `expand()`: split a block of order `high` down to `low`, putting each upper half at the head of its
  /// list; the lowest 2^low pages stay with the caller.
  mutating func expand(_ pfn: UInt64, low: Int, high: Int, mt: Int, report: inout BuddyReport) {
    var h = high
    while h > low {
      h -= 1
      let upper = pfn + (1 << UInt64(h))
      addToFreeList(upper, order: h, mt: mt, tail: false)
      report.splits.append(BuddySplit(pfn: upper, order: h))
      splits += 1
    }
  }

  /// Takes `pfn` (a free block) off its list and splits it for `order`, marking the result allocated.
  mutating func take(_ pfn: UInt64, order: Int, listMT: Int, requested: Migratetype, report: inout BuddyReport) {
    let p = pages[offset(pfn)]
    report.takenPFN = pfn
    report.takenOrder = Int(p.order)
    report.takenMigratetype = Migratetype(rawValue: Int(p.migratetype))
    delFromFreeList(pfn)
    expand(pfn, low: order, high: Int(p.order), mt: listMT, report: &report)
    markAllocated(pfn, order: order, mt: requested)
    report.pfn = pfn
  }

  mutating func markAllocated(_ pfn: UInt64, order: Int, mt: Migratetype, owner: UInt32 = 0) {
    pages[offset(pfn)] = PageInfo(state: .allocated, order: UInt8(order), migratetype: UInt8(mt.rawValue), owner: owner)
  }

  /// `__rmqueue_smallest()`: the smallest order with a block on the wanted list, from its head.
  public mutating func rmqueueSmallest(order: Int, migratetype mt: Migratetype, report: inout BuddyReport) -> UInt64? {
    for current in order..<BuddyConstants.orders {
      guard let pfn = head(order: current, migratetype: mt.rawValue) else { continue }
      take(pfn, order: order, listMT: mt.rawValue, requested: mt, report: &report)
      report.source = .smallest
      return pfn
    }
    return nil
  }

  /// `__rmqueue()` without CMA: the wanted lists, then claiming a pageblock of another type, then (unless
  /// `noFragment`) stealing a block without claiming.
  public mutating func rmqueue(order: Int, migratetype mt: Migratetype, noFragment: Bool, report: inout BuddyReport)
    -> UInt64?
  {
    if let pfn = rmqueueSmallest(order: order, migratetype: mt, report: &report) { return pfn }
    guard fallback, mt.rawValue < 3 else { return nil }
    if let pfn = rmqueueClaim(order: order, migratetype: mt, noFragment: noFragment, report: &report) { return pfn }
    if !noFragment, let pfn = rmqueueSteal(order: order, migratetype: mt, report: &report) { return pfn }
    return nil
  }

  /// `should_try_claim_block()`.
  static func shouldTryClaim(order: Int, migratetype mt: Migratetype) -> Bool {
    order >= BuddyConstants.pageblockOrder / 2 || mt == .reclaimable || mt == .unmovable
  }

  /// `find_suitable_fallback()`: -2 when claiming at this order is not worth it, -1 when no list has one.
  func findSuitableFallback(order: Int, migratetype mt: Migratetype, claimable: Bool) -> Int {
    if claimable && !Self.shouldTryClaim(order: order, migratetype: mt) { return -2 }
    if nrFree[order] == 0 { return -1 }
    for f in mt.fallbacks where heads[list(order, f.rawValue)] >= 0 { return f.rawValue }
    return -1
  }

  /// `__rmqueue_claim()`: from the largest order down, a block of a fallback type whose pageblock the
  /// allocation can take over.
  mutating func rmqueueClaim(order: Int, migratetype mt: Migratetype, noFragment: Bool, report: inout BuddyReport)
    -> UInt64?
  {
    let minOrder = order < BuddyConstants.pageblockOrder && noFragment ? BuddyConstants.pageblockOrder : order
    var current = BuddyConstants.maxOrder
    while current >= minOrder {
      let fallback = findSuitableFallback(order: current, migratetype: mt, claimable: true)
      if fallback == -2 { break }
      if fallback >= 0, let pfn = head(order: current, migratetype: fallback),
        let got = tryToClaimBlock(pfn, current: current, order: order, start: mt, block: fallback, report: &report)
      {
        report.source = .claimed
        return got
      }
      current -= 1
    }
    return nil
  }

  /// `try_to_claim_block()`.
  mutating func tryToClaimBlock(
    _ pfn: UInt64, current: Int, order: Int, start: Migratetype, block: Int, report: inout BuddyReport
  ) -> UInt64? {
    if current >= BuddyConstants.pageblockOrder {
      // A whole pageblock or more: take ownership of all of it.
      var step = pfn
      while step < pfn + (1 << UInt64(current)) {
        setPageblockMigratetype(step, start)
        report.pageblocksChanged.append(step)
        step += UInt64(BuddyConstants.pageblockPages)
      }
      take(pfn, order: order, listMT: start.rawValue, requested: start, report: &report)
      report.takenMigratetype = Migratetype(rawValue: block)
      return pfn
    }
    let blockStart = pfn & ~UInt64(BuddyConstants.pageblockPages - 1)
    let blockEnd = blockStart + UInt64(BuddyConstants.pageblockPages)
    guard contains(blockStart) && contains(blockEnd - 1) else { return nil }
    var free = 0
    var movable = 0
    var p = blockStart
    while p < blockEnd {
      let info = pages[offset(p)]
      if info.state == .free {
        free += 1 << Int(info.order)
        p += 1 << UInt64(info.order)
        continue
      }
      if info.state == .allocated && Int(info.migratetype) == Migratetype.movable.rawValue {
        movable += 1 << Int(info.order)
        p += 1 << UInt64(info.order)
        continue
      }
      p += 1
    }
    let alike =
      start == .movable
      ? movable : block == Migratetype.movable.rawValue ? BuddyConstants.pageblockPages - (free + movable) : 0
    guard free + alike >= 1 << (BuddyConstants.pageblockOrder - 1) else { return nil }
    // Claim the pageblock: its free blocks move to the new type's lists, then allocate normally.
    p = blockStart
    while p < blockEnd {
      let info = pages[offset(p)]
      if info.state == .free {
        moveToFreeList(p, to: start.rawValue)
        p += 1 << UInt64(info.order)
      } else {
        p += 1
      }
    }
    setPageblockMigratetype(blockStart, start)
    report.pageblocksChanged.append(blockStart)
    var inner = BuddyReport(operation: .alloc, zone: name, order: order, migratetype: start)
    let got = rmqueueSmallest(order: order, migratetype: start, report: &inner)
    report.splits += inner.splits
    report.takenPFN = inner.takenPFN
    report.takenOrder = inner.takenOrder
    report.takenMigratetype = Migratetype(rawValue: block)
    report.pfn = got
    return got
  }

  /// `__rmqueue_steal()`: the smallest order with a fallback block; the block changes lists, its
  /// pageblock keeps its type.
  mutating func rmqueueSteal(order: Int, migratetype mt: Migratetype, report: inout BuddyReport) -> UInt64? {
    for current in order..<BuddyConstants.orders {
      let fallback = findSuitableFallback(order: current, migratetype: mt, claimable: false)
      guard fallback >= 0, let pfn = head(order: current, migratetype: fallback) else { continue }
      take(pfn, order: order, listMT: fallback, requested: mt, report: &report)
      report.source = .stolen
      return pfn
    }
    return nil
  }

  /// Takes exactly `[pfn, pfn + 2^order)` out of the free lists, as a recorded kernel handed it out:
  /// the free block holding it is split down, the halves not holding it going back at the heads.
  /// Nil (and nothing changed) when those pages are not all free in the model.
  public mutating func takeExact(_ pfn: UInt64, order: Int, migratetype mt: Migratetype, report: inout BuddyReport)
    -> UInt64?
  {
    guard pfn & ((1 << UInt64(order)) - 1) == 0, contains(pfn) else { return nil }
    for o in order..<BuddyConstants.orders {
      let head = pfn & ~((UInt64(1) << UInt64(o)) - 1)
      guard isFreeBlock(head, order: o) else { continue }
      let listMT = Int(pages[offset(head)].migratetype)
      report.takenPFN = head
      report.takenOrder = o
      report.takenMigratetype = Migratetype(rawValue: listMT)
      delFromFreeList(head)
      var base = head
      var h = o
      while h > order {
        h -= 1
        let half = UInt64(1) << UInt64(h)
        let other = pfn & half == 0 ? base + half : base
        if pfn & half != 0 { base += half }
        addToFreeList(other, order: h, mt: listMT, tail: false)
        report.splits.append(BuddySplit(pfn: other, order: h))
        splits += 1
      }
      markAllocated(pfn, order: order, mt: mt)
      report.pfn = pfn
      report.source = .smallest
      return pfn
    }
    return nil
  }

  // MARK: Free

  /// `__free_one_page()`: merge with the buddy while it is a free block of the same order (and, from
  /// pageblock order up, of a compatible type), then put the result at the head, or at the tail when its
  /// parent's buddy is free too (`buddy_merge_likely`) or the caller asks (`FPI_TO_TAIL`).
  public mutating func freeOnePage(
    _ pfnIn: UInt64, order orderIn: Int, migratetype mtIn: Migratetype, toTail forceTail: Bool,
    report: inout BuddyReport
  ) {
    var pfn = pfnIn
    var order = orderIn
    let mt = mtIn
    var buddyPFN = pfn ^ (1 << UInt64(order))
    report.mergeStop = .maxOrder
    while order < BuddyConstants.maxOrder {
      buddyPFN = pfn ^ (1 << UInt64(order))
      guard isFreeBlock(buddyPFN, order: order) else {
        report.mergeStop = .buddyNotFree(buddyPFN: buddyPFN, order: order)
        break
      }
      if order >= BuddyConstants.pageblockOrder {
        let buddyMT = pageblockMigratetype(buddyPFN)
        if mt != buddyMT && (!mt.isMergeable || !buddyMT.isMergeable) {
          report.mergeStop = .migratetypes(buddyPFN: buddyPFN, order: order)
          break
        }
        delFromFreeList(buddyPFN)
        if buddyMT != mt {
          var step = buddyPFN
          while step < buddyPFN + (1 << UInt64(order)) {
            setPageblockMigratetype(step, mt)
            report.pageblocksChanged.append(step)
            step += UInt64(BuddyConstants.pageblockPages)
          }
        }
      } else {
        delFromFreeList(buddyPFN)
      }
      report.merges.append(BuddyMerge(buddyPFN: buddyPFN, order: order))
      merges += 1
      pfn &= buddyPFN
      order += 1
    }
    let likely = buddyMergeLikely(pfn: pfn, buddyPFN: buddyPFN, order: order)
    let tail = forceTail || likely
    report.tailForced = forceTail
    report.parentBuddyFree = likely
    report.parentInOtherZone = order < BuddyConstants.maxOrder - 1 && (buddyPFN & pfn) < memmapStart
    report.parentBuddyPFN =
      order < BuddyConstants.maxOrder - 1 ? (buddyPFN & pfn) ^ (1 << UInt64(order + 1)) : nil
    addToFreeList(pfn, order: order, mt: mt.rawValue, tail: tail)
    report.resultPFN = pfn
    report.resultOrder = order
    report.toTail = tail
  }

  /// `buddy_merge_likely()`: is the buddy of the block one order up free? `page_is_buddy` also
  /// compares the zones of the parent's and the buddy's struct pages, so a parent lying in another
  /// zone (below `memmapStart`) answers no. A parent in a hole just below the zone answers as the
  /// zone: `memmap_init` gives a hole the zone that follows it.
  func buddyMergeLikely(pfn: UInt64, buddyPFN: UInt64, order: Int) -> Bool {
    if order >= BuddyConstants.maxOrder - 1 { return false }
    let higher = buddyPFN & pfn
    guard higher >= memmapStart else { return false }
    return isFreeBlock(higher ^ (1 << UInt64(order + 1)), order: order + 1)
  }

  /// `free_one_page()` → `split_large_buddy()`: blocks above pageblock order are freed one pageblock at a
  /// time, each with its own pageblock's migratetype.
  public mutating func freePages(_ pfn: UInt64, order: Int, toTail: Bool, report: inout BuddyReport) {
    let end = pfn + (1 << UInt64(order))
    let step = min(order, BuddyConstants.pageblockOrder)
    var p = pfn
    while p < end {
      let mt = pageblockMigratetype(p)
      report.migratetype = mt
      freeOnePage(p, order: step, migratetype: mt, toTail: toTail, report: &report)
      p += 1 << UInt64(step)
    }
  }

  /// The allocated block starting at `pfn`: its order, requested migratetype and owner.
  public func allocatedBlock(at pfn: UInt64) -> (order: Int, migratetype: Migratetype, owner: UInt32)? {
    guard contains(pfn) else { return nil }
    let p = pages[offset(pfn)]
    guard p.state == .allocated else { return nil }
    return (Int(p.order), Migratetype(rawValue: Int(p.migratetype))!, p.owner)
  }

  mutating func clearAllocated(_ pfn: UInt64) { pages[offset(pfn)] = PageInfo() }

  mutating func setOwner(_ pfn: UInt64, _ owner: UInt32) { pages.update(Int(offset(pfn))) { $0.owner = owner } }

  // MARK: Boot

  /// `memblock_free_all()` over the whole zone: the largest naturally aligned blocks that fit, lowest pfn
  /// first, each freed to the tail (`FPI_TO_TAIL`). Returns how many blocks were handed over.
  @discardableResult
  public mutating func freeAllAtBoot() -> Int {
    var pfn = start
    var blocks = 0
    while pfn < end {
      var order = min(BuddyConstants.maxOrder, pfn == 0 ? BuddyConstants.maxOrder : pfn.trailingZeroBitCount)
      while pfn + (1 << UInt64(order)) > end { order -= 1 }
      var r = BuddyReport(operation: .free, zone: name, order: order, migratetype: .movable)
      freePages(pfn, order: order, toTail: true, report: &r)
      blocks += 1
      pfn += 1 << UInt64(order)
    }
    // Boot's merges are not the workload's.
    splits = 0
    merges = 0
    return blocks
  }
}
