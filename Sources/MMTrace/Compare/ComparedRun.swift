import MMCore

/// What one operation cost one machine: the numbers the compare strip and `mmscope diff` set side by
/// side. Counts are for this step alone; metadata bytes are what the machine holds after it.
public struct StepWork: Sendable, Equatable {
  /// Free-tree nodes the search visited (the augmented tree) and busy areas walked (the O(N) list).
  public var visited = 0
  public var walked = 0
  public var poolHits = 0
  public var buddySplits = 0
  public var descriptors = 0
  public var directMapSplits = 0
  public var lockAcquisitions = 0
  /// Bitmap bits (prog pack) or tree nodes (execmem) the executable-memory allocator examined.
  public var execWork = 0
  /// Page metadata (struct pages or memory descriptors) plus executable-memory metadata, in bytes.
  public var metadataBytes: UInt64 = 0
  /// The address the operation placed something at (a vmap area or a program), if it placed one.
  public var placement: UInt64?
  public var failure: String?

  public init() {}

  /// Search work of either allocator, so one sparkline can hold both sides.
  public var searchWork: Int { visited + walked + execWork }

  /// The counts of `self` and `w` added; metadata bytes, placement and failure are `w`'s (what holds
  /// after the later step).
  func adding(_ w: StepWork) -> StepWork {
    var s = w
    s.visited += visited
    s.walked += walked
    s.poolHits += poolHits
    s.buddySplits += buddySplits
    s.descriptors += descriptors
    s.directMapSplits += directMapSplits
    s.lockAcquisitions += lockAcquisitions
    s.execWork += execWork
    return s
  }
}

/// One script run on two machines that differ only in some machine options, step by step.
public struct ComparedRun: Sendable {
  public let a: Script
  public let b: Script
  /// `work[i]` is step i+1 on that side.
  public private(set) var workA: [StepWork] = []
  public private(set) var workB: [StepWork] = []
  public private(set) var machineA: Machine
  public private(set) var machineB: Machine
  /// `totalA[i]`: steps 1...i+1 summed (prefix sums, so a frame reads a total without a pass).
  public private(set) var totalA: [StepWork] = []
  public private(set) var totalB: [StepWork] = []
  /// Steps placed differently or failed on one side only, counted once.
  public private(set) var differenceCount = 0

  /// Runs `script` as it is (side a) and with `variant` applied (side b), recorded placements
  /// dropped on b when the variant changes where things go.
  public init(script: Script, variant: MachineVariant, steps: Int? = nil) {
    self.init(a: script, b: variant.applied(to: script, keepExpectations: false), steps: steps)
  }

  public init(a: Script, b: Script, steps: Int? = nil) {
    self.a = a
    self.b = b
    machineA = Machine(config: a.config)
    machineB = Machine(config: b.config)
    let opsA = a.items.compactMap(\.operation)
    let opsB = b.items.compactMap(\.operation)
    let n = min(steps ?? Int.max, max(opsA.count, opsB.count))
    workA.reserveCapacity(n)
    workB.reserveCapacity(n)
    for i in 0..<n {
      if i < opsA.count { workA.append(Self.apply(opsA[i], to: &machineA)) }
      if i < opsB.count { workB.append(Self.apply(opsB[i], to: &machineB)) }
    }
    totalA = Self.prefixSums(workA)
    totalB = Self.prefixSums(workB)
    differenceCount = (0..<self.steps).reduce(0) { $0 + (differs(at: $1) ? 1 : 0) }
  }

  static func prefixSums(_ work: [StepWork]) -> [StepWork] {
    var out: [StepWork] = []
    out.reserveCapacity(work.count)
    var sum = StepWork()
    for w in work {
      sum = sum.adding(w)
      out.append(sum)
    }
    return out
  }

  /// Side a's and b's totals over steps 1...step (zero work at step 0).
  public func totals(upTo step: Int) -> (a: StepWork, b: StepWork) {
    func pick(_ t: [StepWork]) -> StepWork { step <= 0 || t.isEmpty ? StepWork() : t[min(step, t.count) - 1] }
    return (pick(totalA), pick(totalB))
  }

  public var steps: Int { max(workA.count, workB.count) }

  /// Applies one operation and measures it.
  static func apply(_ op: Operation, to machine: inout Machine) -> StepWork {
    let splitsBefore = machine.memory.zones.reduce(0) { $0 + $1.splits }
    let dm = machine.directMap
    let dmBefore = dm.level2Splits + dm.level3Splits
    let report = machine.apply(op)
    var w = StepWork()
    if let k = report.kva {
      w.visited = k.visited
      w.walked = k.walkedCount
      w.poolHits = k.poolHit ? 1 : 0
      w.lockAcquisitions = k.allLocks.count
      if case .alloc = k.operation { w.placement = k.area?.start }
    }
    if let e = report.exec {
      w.execWork = e.searchWork
      switch op {
      case .progPackAlloc, .execmemAlloc: w.placement = e.address
      default: break
      }
    }
    w.buddySplits = machine.memory.zones.reduce(0) { $0 + $1.splits } - splitsBefore
    w.descriptors = report.descriptorsCreated
    w.directMapSplits = machine.directMap.level2Splits + machine.directMap.level3Splits - dmBefore
    w.metadataBytes = MachineStats.pageMetadataBytes(machine) + UInt64(MachineStats.execMetadataBytes(machine))
    w.failure = report.failure
    return w
  }

  /// Whether step `i` (0-based) placed something differently on the two sides, or failed on one.
  public func differs(at i: Int) -> Bool {
    guard i < workA.count, i < workB.count else { return true }
    return workA[i].placement != workB[i].placement || (workA[i].failure == nil) != (workB[i].failure == nil)
  }

  /// The first `limit` steps (0-based) that differ.
  public func differences(limit: Int = 20) -> [Int] {
    var out: [Int] = []
    for i in 0..<steps where differs(at: i) {
      out.append(i)
      if out.count == limit { break }
    }
    return out
  }
}
