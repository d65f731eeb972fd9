import MMCore

/// What a critical section and the work around it cost, in nanoseconds. The engine reports, for each
/// lock an operation takes, the steps done under it (nodes visited, tree levels descended); the model
/// turns those into time. The figures are of the order a 2020s x86-64 core takes for an uncontended
/// lock round trip and a cache-missing tree step; the shape of the results, not their absolute size,
/// is what the model is for.
public struct ContentionCosts: Sendable, Equatable {
  /// Taking and releasing a lock nobody else holds.
  public var acquire = 25
  /// One step of work under a lock: a tree node compared or a link rewritten.
  public var perWork = 10
  /// Everything an operation does outside the KVA locks: the vm_struct and vmap_area allocations,
  /// the caller's own work.
  public var perOperation = 400
  /// Each page the operation allocates or frees, and maps or unmaps (page tables, the buddy allocator).
  public var perPage = 100

  public init() {}

  /// The assumptions, one line each, for the output and the docs.
  public var lines: [String] {
    [
      "each lock taken costs \(acquire) ns plus \(perWork) ns per step of work under it (tree node visited, level descended)",
      "each operation costs \(perOperation) ns outside the locks, plus \(perPage) ns per page allocated or freed",
      "spinlocks are fair (FIFO, like the kernel's queued spinlocks); vmap_purge_lock is a mutex: its waiters sleep",
      "the engine applies each operation when its CPU starts it; critical sections do not nest",
    ]
  }
}

/// One run of the simulation: `cpus` CPUs, each replaying its own operations on one shared machine.
public struct ContentionResult: Sendable, Equatable {
  public var cpus: Int
  public var operations = 0
  /// When the last CPU finished, in simulated nanoseconds.
  public var makespan = 0
  /// The CPUs' time summed (each CPU from 0 to when it finished its operations).
  public var cpuTime = 0
  /// Nanoseconds spent spinning for each lock, and sleeping on the purge mutex.
  public var spinning: [VmapLock: Int] = [:]
  public var sleeping = 0
  /// Acquisitions that found the lock held.
  public var contended: [VmapLock: Int] = [:]
  public var acquisitions: [VmapLock: Int] = [:]

  /// Operations per millisecond of simulated time.
  public var throughput: Double { makespan == 0 ? 0 : Double(operations) / (Double(makespan) / 1e6) }
  public var spinShare: Double { cpuTime == 0 ? 0 : Double(spinning.values.reduce(0, +)) / Double(cpuTime) }
  public func spinShare(_ lock: VmapLock) -> Double {
    cpuTime == 0 ? 0 : Double(spinning[lock] ?? 0) / Double(cpuTime)
  }
}

/// A discrete-event simulation of CPUs taking the KVA locks. Each CPU runs its operations in order;
/// each operation costs some time outside the locks and then takes, one after another, the locks the
/// engine reported for it, holding each in proportion to the work done under it. A lock held by
/// another CPU makes the caller wait in line. Events run in time order, so the line is exact FIFO.
public enum ContentionSimulation {
  public static func run(
    config: MachineConfig, perCPU: [[Operation]], costs: ContentionCosts = ContentionCosts()
  ) -> ContentionResult {
    var machine = Machine(config: config)
    machine.recordDetail = false
    let n = perCPU.count
    var result = ContentionResult(cpus: n)

    struct Section {
      var lock: VmapLock
      var slot: Int
      var hold: Int
    }
    enum Phase {
      case startOp
      case acquire(Int)
      case release(Int)
    }
    struct LockState {
      var kind: VmapLock
      var holder: Int? = nil
      var queue: [Int] = []
      var head = 0
    }
    var slots: [Int: Int] = [:]  // (lock, node) key -> index into locks
    var locks: [LockState] = []
    var next = [Int](repeating: 0, count: n)
    var sections = [[Section]](repeating: [], count: n)
    var phase = [Phase](repeating: .startOp, count: n)
    var waitingSince = [Int](repeating: 0, count: n)
    var finished = [Int](repeating: 0, count: n)
    var heap = EventHeap()
    for c in 0..<n { heap.push(time: 0, cpu: c) }

    func slot(_ use: LockUse) -> Int {
      let key = VmapLock.allCases.firstIndex(of: use.lock)! &+ 8 &* use.node
      if let s = slots[key] { return s }
      locks.append(LockState(kind: use.lock))
      slots[key] = locks.count - 1
      return locks.count - 1
    }

    while let (t, c) = heap.pop() {
      switch phase[c] {
      case .startOp:
        guard next[c] < perCPU[c].count else {
          finished[c] = t
          continue
        }
        let report = machine.apply(perCPU[c][next[c]])
        next[c] += 1
        result.operations += 1
        let uses = report.kva?.allLocks ?? []
        sections[c] = uses.map { Section(lock: $0.lock, slot: slot($0), hold: costs.acquire + costs.perWork * $0.work) }
        let pages = Int(clamping: report.pagesAllocated &+ report.pagesFreed)
        phase[c] = .acquire(0)
        heap.push(time: t + costs.perOperation + costs.perPage * pages, cpu: c)
      case .acquire(let k):
        guard k < sections[c].count else {
          phase[c] = .startOp
          heap.push(time: t, cpu: c)
          continue
        }
        let s = sections[c][k]
        result.acquisitions[s.lock, default: 0] += 1
        if locks[s.slot].holder == nil {
          locks[s.slot].holder = c
          phase[c] = .release(k)
          heap.push(time: t + s.hold, cpu: c)
        } else {
          result.contended[s.lock, default: 0] += 1
          locks[s.slot].queue.append(c)
          waitingSince[c] = t
          phase[c] = .release(k)  // once handed the lock
        }
      case .release(let k):
        let s = sections[c][k]
        var l = locks[s.slot]
        l.holder = nil
        if l.head < l.queue.count {
          let w = l.queue[l.head]
          l.head += 1
          if l.head > 64 && l.head * 2 > l.queue.count {
            l.queue.removeFirst(l.head)
            l.head = 0
          }
          l.holder = w
          let waited = t - waitingSince[w]
          if s.lock.spins { result.spinning[s.lock, default: 0] += waited } else { result.sleeping += waited }
          if case .release(let wk) = phase[w] { heap.push(time: t + sections[w][wk].hold, cpu: w) }
        }
        locks[s.slot] = l
        phase[c] = .acquire(k + 1)
        heap.push(time: t, cpu: c)
      }
    }
    result.makespan = finished.max() ?? 0
    result.cpuTime = finished.reduce(0, +)
    return result
  }
}

/// A binary min-heap of (time, cpu), ties broken by CPU so runs are deterministic.
struct EventHeap {
  private var items: [(Int, Int)] = []

  mutating func push(time: Int, cpu: Int) {
    items.append((time, cpu))
    var i = items.count - 1
    while i > 0 {
      let p = (i - 1) / 2
      guard items[i] < items[p] else { break }
      items.swapAt(i, p)
      i = p
    }
  }

  mutating func pop() -> (Int, Int)? {
    guard let top = items.first else { return nil }
    let last = items.removeLast()
    if !items.isEmpty {
      items[0] = last
      var i = 0
      while true {
        let l = 2 * i + 1
        let r = l + 1
        var m = i
        if l < items.count && items[l] < items[m] { m = l }
        if r < items.count && items[r] < items[m] { m = r }
        if m == i { break }
        items.swapAt(i, m)
        i = m
      }
    }
    return top
  }
}
