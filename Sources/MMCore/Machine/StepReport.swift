/// What Song Liu's tree allocator or bpf_prog_pack did for one request.
public struct ExecReport: Sendable, Equatable {
  public enum Allocator: String, Sendable {
    case progPack = "bpf_prog_pack"
    case execmem = "execmem"
  }
  public var allocator: Allocator
  /// The address handed out or freed.
  public var address: UInt64?
  public var size: UInt64
  /// A new 2 MiB pack or text chunk had to be allocated and made RO+X first.
  public var newBacking: Span?
  /// A backing chunk became free and was returned.
  public var releasedBacking: Span?
  /// Bitmap bits examined (prog pack) or tree nodes visited (execmem).
  public var searchWork: Int
  /// Metadata the allocator holds after the operation, in bytes: 4 KiB of bitmap per pack, or one
  /// `struct vmap_area` (72 bytes) per free-tree node.
  public var metadataBytes: Int
  public var fit: FitType?
}

/// What one applied operation did.
public struct StepReport: Sendable, Equatable {
  public var operation: Operation
  /// The KVA allocator's report for operations that allocate, free or purge address space.
  public var kva: KVAReport?
  /// The buddy allocator's reports (at most 64 are kept; `pagesAllocated`/`pagesFreed` count all).
  public var buddy: [BuddyReport] = []
  public var pagesAllocated: UInt64 = 0
  public var pagesFreed: UInt64 = 0
  /// Memory descriptors the splits created (Wilcox: one per new free block; frees create none).
  public var descriptorsCreated = 0
  /// Direct-map splits and collapses, over every change the operation made.
  public var directMap = DirectMapReport()
  public var exec: ExecReport?
  /// Blocks the unmapped cache took from the page allocator and removed from the direct map.
  public var unmappedRefills: [BuddySplit] = []
  /// Blocks the unmapped cache mapped back and returned.
  public var unmappedReleases: [BuddySplit] = []
  /// Every step the free tree went through, with the node values each wrote (only when
  /// `Machine.recordSteps` is set), and how many steps past the recording limit were not kept.
  public var treeSteps: [TreeStep] = []
  public var treeStepsDropped = 0
  /// Set when the operation was refused before it changed anything.
  public var refusal: String?
  /// Whether buddy reports are kept (off for bulk replays; the counts are kept either way).
  var keepDetail = true

  public init(operation: Operation) { self.operation = operation }

  /// A one-line error, if the operation failed or was refused.
  public var failure: String? {
    if let refusal { return refusal }
    if let e = kva?.error { return e.description }
    if let e = buddyError { return e.description }
    return directMap.error
  }

  /// Whether `stats` and `check` count the operation as a warning: it failed or was refused, unless
  /// it is a failure the recorded kernel had too (the trace's content, counted under failed).
  public var isWarning: Bool { failure != nil && kva?.error != .recordedFailure }

  /// The first buddy error, kept whether or not the reports are (a warning must not depend on detail).
  public var buddyError: BuddyError?

  mutating func add(_ b: BuddyReport) {
    if buddyError == nil, let e = b.error { buddyError = e }
    if keepDetail && buddy.count < 64 { buddy.append(b) }
    if b.error == nil {
      if b.operation == .alloc { pagesAllocated += 1 << UInt64(b.order) } else { pagesFreed += 1 << UInt64(b.order) }
    }
    descriptorsCreated += b.descriptorsCreated
  }

  mutating func add(_ d: DirectMapReport) {
    directMap.splits += d.splits
    directMap.collapses += d.collapses
    directMap.rewrittenLarge += d.rewrittenLarge
    directMap.keptLarge += d.keptLarge
    directMap.ptesChanged += d.ptesChanged
    if directMap.error == nil { directMap.error = d.error }
  }
}
