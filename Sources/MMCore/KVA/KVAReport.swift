/// A half-open address range `[start, end)`.
public struct Span: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
  public var start: UInt64
  public var end: UInt64
  public init(_ start: UInt64, _ end: UInt64) {
    self.start = start
    self.end = end
  }
  public var size: UInt64 { end &- start }
  public func contains(_ addr: UInt64) -> Bool { addr >= start && addr < end }
  public static func < (a: Span, b: Span) -> Bool { a.start < b.start }
  public var description: String { "[\(start.hex), \(end.hex))" }
}

/// How a free area was cut to serve a request (`enum fit_type`).
public enum FitType: String, Sendable, CaseIterable, Codable {
  /// Full fit: the request takes the whole free area, which is erased.
  // swift-format-ignore: AlwaysUseLowerCamelCase
  case FL
  /// Left-edge fit: the request takes the start; the area's start moves up.
  // swift-format-ignore: AlwaysUseLowerCamelCase
  case LE
  /// Right-edge fit: the request takes the end; the area's end moves down.
  // swift-format-ignore: AlwaysUseLowerCamelCase
  case RE
  /// No-edge fit: the request sits inside; the original node keeps the right part and a new node
  /// holds the left part.
  // swift-format-ignore: AlwaysUseLowerCamelCase
  case NE
}

/// What `find_vmap_lowest_match` did at one node.
public enum SearchDecision: String, Sendable {
  /// The left subtree can hold the search length and lies above vstart: descend left.
  case left
  /// This node holds the request: the search ends here.
  case found
  /// This node does not hold it but the right subtree might: descend right.
  case right
  /// Neither this node nor its right subtree: start climbing back.
  case deadEnd
  /// Climbing: this ancestor does not hold it and its right subtree was no use.
  case climb
  /// Climbing: this ancestor's right subtree may hold it; vstart moves past the ancestor.
  case rollBackRight
}

/// One visited node of a search, with the decision taken there.
public struct SearchStep: Sendable, Equatable {
  /// The node's slot in the free tree (stable through the operation: an NE cut keeps the found
  /// node's slot for the right part).
  public var id: NodeID
  public var area: Span
  public var subtreeMax: UInt64
  public var decision: SearchDecision
  /// The search's vstart when it stood here (the roll-back moves it up).
  public var vstart: UInt64
}

/// A change to the set of free areas, in the order it happened.
public enum FreeTreeChange: Sendable, Equatable {
  /// A free area was cut by an allocation: `before` became `after` (nil for a full fit).
  case clipped(FitType, before: Span, after: Span?)
  /// A new free node was linked (an NE left remainder, or a freed area that merged with nothing).
  case inserted(Span)
  /// A freed area joined the following free area.
  case mergedNext(freed: Span, into: Span, result: Span)
  /// A freed area joined the preceding free area (after perhaps joining the next one first).
  case mergedPrev(freed: Span, into: Span, result: Span)
  /// A node was unlinked because its area merged into its predecessor.
  case erased(Span)
}

/// A `subtree_max_size` that an operation changed (net of intermediate writes).
public struct MaxChange: Sendable, Equatable {
  public var area: Span
  public var old: UInt64
  public var new: UInt64
}

/// What one `__purge_vmap_area_lazy` did.
public struct PurgeReport: Sendable, Equatable {
  /// The flushed range: the lowest start and highest end of everything that was lazy.
  public var start: UInt64
  public var end: UInt64
  /// Areas purged (`num_purged` of the trace event) and their pages.
  public var areas: Int
  public var pages: UInt64
  /// Areas taken out of pools by the decay step, before the lazy ones were handled.
  public var decayed: Int
  /// Lazy areas that went into a node's pool instead of the free tree.
  public var pooled: Int
  /// A full decay (allocation failure path) empties the pools and skips repopulating them.
  public var fullDecay: Bool
  /// The spans that were purged, in address order.
  public var purged: [Span]
  /// The locks the purge took, in order, with the work under each (always recorded).
  public var locks: [LockUse] = []
}

/// Why an allocation or a free was refused or failed.
public enum KVAError: Error, Sendable, Equatable, CustomStringConvertible {
  /// `-EINVAL`: size zero or not a multiple of PAGE_SIZE.
  case invalidSize(UInt64)
  /// `-EINVAL`: alignment not a power of two.
  case invalidAlignment(UInt64)
  /// A window with vstart ≥ vend (a caller error; see docs/MODEL.md).
  case invalidWindow(vstart: UInt64, vend: UInt64)
  /// `-ENOENT`: no free block holds the request.
  case noFit
  /// `-ERANGE`: the lowest fit ends beyond vend.
  case beyondVend
  /// `-EBUSY`: the pre-5.2 allocator found no hole even after a purge.
  case busy
  /// Freeing an address that no busy area contains (never allocated, or already freed).
  case notBusy(UInt64)
  /// The modelled kernel would hit a `BUG_ON` here; the model refuses the request instead.
  case kernelBug(String)
  /// A recorded placement overlaps what the model holds as busy, lazy or pooled: the trace and the
  /// model's knowledge disagree.
  case conflict(UInt64)
  /// The recorded kernel failed this allocation; the model replays the failure.
  case recordedFailure
  /// `vmalloc` of more pages than the machine has: `__vmalloc_node_range` fails before looking.
  case exceedsTotalPages(size: UInt64, pages: UInt64)
  /// A recorded placement whose end would pass the top of the address space.
  case placementWraps(at: UInt64, size: UInt64)

  /// The kernel's errno name.
  public var errno: String {
    switch self {
    case .invalidSize, .invalidAlignment, .invalidWindow, .notBusy: "EINVAL"
    case .noFit: "ENOENT"
    case .beyondVend: "ERANGE"
    case .busy: "EBUSY"
    case .kernelBug: "BUG"
    case .conflict: "EEXIST"
    case .recordedFailure, .exceedsTotalPages: "ENOMEM"
    case .placementWraps: "EINVAL"
    }
  }

  public var description: String {
    switch self {
    case .invalidSize(let s): "size \(s) is not a non-zero multiple of PAGE_SIZE (EINVAL)"
    case .exceedsTotalPages(let s, let p):
      "vmalloc of \(s) bytes exceeds the machine's \(p) pages: __vmalloc_node_range fails before looking (ENOMEM)"
    case .placementWraps(let a, let s):
      "a placement of \(s) bytes at \(a.hex) runs past the end of the address space (EINVAL)"
    case .invalidAlignment(let a): "alignment \(a) is not a power of two (EINVAL)"
    case .invalidWindow(let s, let e): "window vstart \(s.hex) is not below vend \(e.hex) (EINVAL)"
    case .noFit: "no free area holds the request (ENOENT)"
    case .beyondVend: "the lowest fit ends beyond vend (ERANGE)"
    case .busy: "no hole in the busy list holds the request, even after a purge (EBUSY)"
    case .notBusy(let a): "\(a.hex) is not inside a busy area: never allocated or already freed (EINVAL)"
    case .kernelBug(let what): "the kernel would oops here: \(what); the model refuses the request"
    case .conflict(let a): "the recorded area at \(a.hex) overlaps an area the model holds as busy or lazy"
    case .recordedFailure: "the recorded kernel failed this allocation (failed=1); nothing changed"
    }
  }
}

/// Everything one KVA operation did, for the explain pane, the highlights and the counters.
public struct KVAReport: Sendable, Equatable {
  public enum Operation: String, Sendable { case alloc, free, purge }
  public var operation: Operation
  /// For an allocation: what was asked (size with the guard page, align, window).
  public var request: KVARequest?
  /// For an allocation: the area handed out; for a free: the area that became lazy.
  public var area: Span?
  /// The final error, if the operation failed or was refused.
  public var error: KVAError?
  /// The error of the search that triggered a purge-and-retry (what the trace event shows first).
  public var firstAttemptError: KVAError?
  public var fit: FitType?
  /// The free area the request was cut from, as it was before the cut.
  public var chosenFree: Span?
  /// Served by a vmap node's pool without touching the free tree.
  public var poolHit = false
  /// The pool's head was misaligned and moved to the tail.
  public var poolHeadRotated = false
  /// The vmap node whose pool was consulted or to which the area is tagged (nil when untagged).
  public var vmapNode: Int?
  /// The current allocator's descent (every visited node with its decision).
  public var search: [SearchStep] = []
  /// The length the search looked for: the size, or `size + align - 1` when `adjust_search_size`
  /// enlarged it (align > PAGE_SIZE and the window is not exactly the size).
  public var searchLength: UInt64 = 0
  /// Where in `search` the second search (after a purge-and-retry) begins.
  public var retrySearchStart: Int?
  /// The legacy allocator's walk over busy areas (each area stepped over, in order).
  public var walked: [Span] = []
  /// The legacy allocator's tree descent to the first candidate area.
  public var legacyDescent = 0
  /// The legacy allocator reused its cached search position.
  public var legacyCacheUsed = false
  public var freeTreeChanges: [FreeTreeChange] = []
  public var maxChanges: [MaxChange] = []
  /// Purges this operation ran: the drain after a free, or the purge before a retry.
  public var purges: [PurgeReport] = []
  /// `vmap_lazy_nr` after the operation, in pages.
  public var lazyPages: UInt64 = 0
  /// For a free: `vmap_lazy_nr` right after the area was counted, before any purge it triggered
  /// (the `nr_lazy` of the `free_vmap_area_noflush` event).
  public var nrLazy: UInt64 = 0
  /// For a recorded placement (`KVARequest.at`): what the engine would have chosen itself, nil when it
  /// would have failed. `agrees` is set when that equals the recorded address.
  public var predicted: UInt64?
  public var agrees: Bool?
  /// The owner index recorded on the allocated or freed area.
  public var owner: UInt32 = 0
  /// The free was at an address inside the area rather than at its start.
  public var interiorAddress = false

  public init(operation: Operation) {
    self.operation = operation
  }

  /// Nodes the search looked at (current: tree nodes on the descent and roll-back; legacy: tree nodes
  /// on the descent plus busy areas walked). Counted even when detail is not recorded.
  public var visited = 0
  /// Busy areas the legacy walk stepped over (counted even when `walked` is not recorded).
  public var walkedCount = 0
  /// The locks the operation took itself, in order, with the work under each (always recorded); a
  /// purge it ran lists its own in `purges`.
  public var locks: [LockUse] = []

  /// Every acquisition: the operation's own, then its purges'.
  public var allLocks: [LockUse] { purges.isEmpty ? locks : locks + purges.flatMap(\.locks) }
}
