// mmscope's benchmarks: run with `swift run -c release mmscope-bench [--json FILE] [--quick]`.
// Prints a table; BENCHMARKS.md records its output with the command that produced it.
import Foundation
import MMCore
import MMTrace
import MMView

struct Row: Codable {
  var name: String
  var value: Double
  var unit: String
  var note: String
}

var rows: [Row] = []
let args = CommandLine.arguments
let quick = args.contains("--quick")
/// `--only pairs|sequence|walk|replay` runs one group (for profiling).
let only = args.firstIndex(of: "--only").map { args[$0 + 1] }
func runs(_ group: String) -> Bool { only == nil || only == group }

func measure(_ body: () -> Void) -> Double {
  let clock = ContinuousClock()
  let t = clock.measure(body)
  return Double(t.components.seconds) + Double(t.components.attoseconds) / 1e18
}

/// A current allocator with `live` busy areas and about as many free holes between them.
func populated(live: Int, policy: VmallocPolicy) -> KVASpace {
  var kva = KVASpace(config: KVAConfig(cpus: 1, vmapNodes: 1, policy: policy))
  kva.recordDetail = false
  var rng = SeededRandom(seed: 1)
  var starts: [UInt64] = []
  starts.reserveCapacity(2 * live)
  for _ in 0..<(2 * live) {
    let r = kva.alloc(KVARequest(size: rng.inclusive(1...8) * 4096))
    starts.append(r.area!.start)
  }
  for (i, s) in starts.enumerated() where i % 2 == 0 { _ = kva.free(s) }
  _ = kva.purge()
  return kva
}

// 1. alloc + free pairs against N live areas (the tree has about N free areas too).
for live in quick ? [1000, 100_000] : [1000, 10_000, 100_000, 1_000_000] where runs("pairs") {
  var kva = populated(live: live, policy: .current)
  var rng = SeededRandom(seed: 2)
  let pairs = 200_000
  let sizes = (0..<pairs).map { _ in rng.inclusive(1...8) * 4096 }
  let t = measure {
    for s in sizes {
      let r = kva.alloc(KVARequest(size: s))
      _ = kva.free(r.area!.start)
    }
  }
  let height = kva.current!.free.height
  rows.append(
    Row(
      name: "kva alloc+free pair, \(live) live areas", value: t / Double(pairs) * 1e9, unit: "ns",
      note: "current allocator, free tree height \(height), lazy purge amortized"))
}

// 2. test_vmalloc's KVA tests in sequence under both policies: the address-space allocators alone
// (alloc_vmap_area and its free), as the kernel's performance mode measures them.
func kvaOperations(_ script: Script) -> [(req: KVARequest?, free: String?, name: String?)] {
  script.items.compactMap { item -> (KVARequest?, String?, String?)? in
    switch item.operation {
    case .vmalloc(let v)?: return (v.kvaRequest(owner: 0), nil, v.name)
    case .vfree(.name(let n), _)?: return (nil, n, nil)
    default: return nil
    }
  }
}
func runKVA(_ ops: [(req: KVARequest?, free: String?, name: String?)], policy: VmallocPolicy) -> (Double, Int) {
  var kva = KVASpace(config: KVAConfig(cpus: 1, policy: policy))
  kva.recordDetail = false
  var names: [String: UInt64] = [:]
  var visited = 0
  let t = measure {
    for op in ops {
      if let req = op.req {
        let r = kva.alloc(req)
        visited += r.visited
        if let a = r.area, let n = op.name { names[n] = a.start }
      } else if let n = op.free, let a = names.removeValue(forKey: n) {
        _ = kva.free(a)
      }
    }
  }
  return (t, visited)
}
let steps = quick ? 20_000 : 200_000
var perPolicy: [VmallocPolicy: Double] = [:]
let sequence = kvaOperations(ScenarioLibrary.named("test_vmalloc")!.script(ScenarioOptions(steps: steps)))
for policy in VmallocPolicy.allCases where runs("sequence") {
  let (t, visited) = runKVA(sequence, policy: policy)
  perPolicy[policy] = t
  rows.append(
    Row(
      name: "test_vmalloc sequence, \(policy.rawValue)", value: t * 1e3, unit: "ms",
      note: "\(sequence.count) KVA operations, \(visited) nodes visited"))
}
if runs("sequence") {
  rows.append(
    Row(
      name: "test_vmalloc sequence, legacy / current", value: perPolicy[.legacy]! / perPolicy[.current]!, unit: "x",
      note: "time ratio"))
}

// 3. long_busy_list_alloc_test after a test that leaves a 32 KiB alignment cached, under both policies:
// the old allocator's cache is invalidated by every align-1 request and the walk is O(N).
for policy in VmallocPolicy.allCases where runs("walk") {
  var ops: [(req: KVARequest?, free: String?, name: String?)] = []
  for i in 0..<15000 { ops.append((VmallocRequest(size: 4096).kvaRequest(owner: 0), nil, "b\(i)")) }
  let (_, setupVisited) = runKVA(ops, policy: policy)
  let loops = quick ? 200 : 2000
  for _ in 0..<loops {
    ops.append((VmallocRequest(size: 5 * 4096, align: 32768).kvaRequest(owner: 0), nil, "x"))
    ops.append((VmallocRequest(size: 4096).kvaRequest(owner: 0), nil, "y"))
    ops.append((nil, "x", nil))
    ops.append((nil, "y", nil))
  }
  let setup = measure { _ = runKVA(Array(ops.prefix(15000)), policy: policy) }
  let (t, visited) = runKVA(ops, policy: policy)
  rows.append(
    Row(
      name: "15000 busy, aligned + plain pairs, \(policy.rawValue)", value: (t - setup) / Double(loops) * 1e6,
      unit: "us/pair", note: "\((visited - setupVisited) / (loops * 2)) nodes visited per allocation"))
}

// 4. Whole-machine replay throughput (address space, pages, names).
if runs("replay") {
  let fork = ScenarioLibrary.named("thread-stacks")!.script(ScenarioOptions(steps: quick ? 50_000 : 500_000))
  var m = Machine(config: fork.config)
  m.recordDetail = false
  let forkOps = fork.items.compactMap(\.operation)
  let ft = measure { for op in forkOps { m.apply(op) } }
  rows.append(
    Row(
      name: "replay thread-stacks (2 CPUs, pools)", value: Double(forkOps.count) / ft / 1e6, unit: "M ops/s",
      note: "\(forkOps.count) operations"))
}

// 5. Seeking on a 1M-event trace: build the timeline once, then jump to random steps and step back.
func peakRSSMiB() -> Double {
  guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
    let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
  else { return 0 }
  return Double(line.split(separator: " ").dropFirst().first.flatMap { Double($0) } ?? 0) / 1024
}
if runs("seek") {
  let events = quick ? 100_000 : 1_000_000
  var timeline: Timeline? = nil
  var build = 0.0
  do {
    // The script is dropped once the timeline holds the operations, as the TUI does.
    let script = ScenarioLibrary.named("thread-stacks")!.script(ScenarioOptions(steps: events))
    build = measure { timeline = Timeline(script: script) }
  }
  var t = timeline!
  rows.append(
    Row(
      name: "timeline build, \(t.stepCount) events", value: build, unit: "s",
      note: "checkpoint every \(t.interval) steps; \(Double(t.stepCount) / build / 1e6) M events/s"))
  var rng = SeededRandom(seed: 3)
  var worst = 0.0
  var total = 0.0
  let seeks = 200
  for _ in 0..<seeks {
    let step = Int(rng.inclusive(0...UInt64(t.stepCount)))
    let d = measure { _ = t.state(at: step) }
    worst = max(worst, d)
    total += d
  }
  rows.append(
    Row(
      name: "seek to a random step", value: total / Double(seeks) * 1e3, unit: "ms",
      note: "worst \(String(format: "%.1f", worst * 1e3)) ms over \(seeks) seeks"))
  var back = 0.0
  var step = t.stepCount
  for _ in 0..<100 {
    step -= 1
    back = max(back, measure { _ = t.state(at: step) })
  }
  rows.append(Row(name: "one step back (worst of 100)", value: back * 1e3, unit: "ms", note: "from the last step"))
  rows.append(
    Row(
      name: "peak memory with the timeline", value: peakRSSMiB(), unit: "MiB",
      note: "VmHWM, script and checkpoints included"))
}

// 6. Import and replay of the real v6.18 captures (the test fixtures).
if runs("import") {
  let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Tests/Fixtures/linux-6.18")
  for name in ["ftrace-vmalloc-kmem.txt.gz", "perf-script-vmalloc-kmem.txt.gz"] {
    let path = dir.appendingPathComponent(name).path
    var imported: KernelImport? = nil
    let t = measure { imported = try? KernelImporter.importFile(path: path) }
    guard let imported else { continue }
    var m = Machine(config: imported.document.config)
    m.recordDetail = false
    let ops = imported.document.lines.compactMap { $0.item.operation }
    let r = measure { for op in ops { m.apply(op) } }
    rows.append(
      Row(
        name: "import \(name)", value: Double(imported.lines) / t / 1e3, unit: "k lines/s",
        note:
          "\(imported.lines) lines in \(String(format: "%.2f", t)) s; replay \(ops.count) ops in \(String(format: "%.2f", r)) s"
      ))
  }
}

// 6b. A synthetic trace of 200000 frees of areas the trace never allocated: each teaches the importer
// an area (sized by nr_lazy's growth) that must not overlap those learned before.
if runs("import") {
  let path = NSTemporaryDirectory() + "mmscope-bench-unknown-frees-\(getpid()).txt"
  var text = "#P:2\n"
  for i in 0..<200_000 {
    text +=
      "  kworker-1 [000] ..... 100.0: free_vmap_area_noflush: va_start=0x\(String(0xffff_c900_0000_0000 + UInt64(i) * 0x3000, radix: 16)) nr_lazy=\(2 * (i + 1)) nr_lazy_max=16384\n"
  }
  try? text.write(toFile: path, atomically: true, encoding: .utf8)
  var imported: KernelImport? = nil
  let t = measure { imported = try? KernelImporter.importFile(path: path) }
  try? FileManager.default.removeItem(atPath: path)
  if let imported {
    let longest = TracePrinter.text(imported.document).split(separator: "\n").map(\.utf8.count).max() ?? 0
    rows.append(
      Row(
        name: "import 200000 unknown frees (synthetic)", value: t, unit: "s",
        note: "\(imported.learnedAreas.count) areas learned; longest .mmtrace line \(longest) bytes"))
  }
}

// 7. Rendering: a 200x60 frame of a machine with 100k busy areas and a 50k-node free tree.
if runs("render") {
  var m = Machine(config: MachineConfig(cpus: 1, vmapNodes: false))
  m.recordDetail = false
  var starts: [UInt64] = []
  var rng = SeededRandom(seed: 3)
  for _ in 0..<150_000 {
    let r = m.apply(.allocVmapArea(KVARequest(size: rng.inclusive(1...8) * 4096), kind: .vmalloc, name: nil))
    starts.append(r.kva!.area!.start)
  }
  for (i, s) in starts.enumerated() where i % 3 == 0 { m.apply(.vfree(.address(s), cpu: 0)) }
  m.apply(.purge)
  m.recordDetail = true
  let pre = m
  let last = Operation.allocVmapArea(KVARequest(size: 4096), kind: .vmalloc, name: nil)
  let report = m.apply(last)
  let busy = m.kva.busyAreas.count
  let nodes = m.kva.current!.free.count
  let ops = OperationLog([.purge])
  var input: FrameInput? = nil
  let reps = quick ? 5 : 20
  let build = measure {
    for _ in 0..<reps {
      input = FrameInput(machine: m, report: report, step: 1, total: 1, operations: ops, source: "bench")
    }
  }
  var state = UIState()
  state.step = 1
  var frames: [(String, UIState)] = [("", state)]
  state.focus = .tree
  state.zoom[.tree] = 2
  state.zoom[.addressSpace] = 3
  frames.append(("tree focused, zoomed", state))
  state.treeView = .busy
  frames.append(("busy list", state))
  for (label, s) in frames {
    var cells = 0
    let t = measure {
      for _ in 0..<reps { cells += Frame.render(input!, s, width: 200, height: 60).cells.count }
    }
    rows.append(
      Row(
        name: "render 200x60" + (label.isEmpty ? "" : ", \(label)"), value: t / Double(reps) * 1e3, unit: "ms",
        note: "\(busy) busy areas, \(nodes)-node free tree; FrameInput not included"))
  }
  rows.append(
    Row(
      name: "frame input (area runs) per step", value: build / Double(reps) * 1e3, unit: "ms",
      note: "once per step shown, reused by every redraw at that step"))
  // What the view adds per step for the phases: the last operation applied again with every tree
  // step recorded (each step compares all nodes), then the phases built from the report.
  var phased = input!
  let phasesTime = measure {
    for _ in 0..<reps {
      var x = pre
      x.recordSteps = true
      let r = x.apply(last)
      phased.attachPhases(report: r, before: pre)
    }
  }
  rows.append(
    Row(
      name: "phases of a step (record + build, on `.` only)", value: phasesTime / Double(reps) * 1e3, unit: "ms",
      note:
        "\(phased.phases.count) phases, with the area runs before the operation; built once a step, only while phases are shown"
    ))
  var ps = UIState()
  ps.step = 1
  ps.phase = phased.phases.firstIndex { $0.kind == .search }.map { $0 + 1 } ?? 1
  let phaseFrame = measure {
    for _ in 0..<reps { _ = Frame.render(phased, ps, width: 200, height: 60) }
  }
  rows.append(
    Row(
      name: "render 200x60, a search phase", value: phaseFrame / Double(reps) * 1e3, unit: "ms",
      note: "drawn on the machine before the operation and the tree as it was then"))
}

let w = rows.map(\.name.count).max()!
print("| benchmark" + String(repeating: " ", count: w - 9) + " | value | unit | note |")
print("|" + String(repeating: "-", count: w + 2) + "|---:|---|---|")
for r in rows {
  print(
    "| \(r.name.padding(toLength: w, withPad: " ", startingAt: 0)) | \(String(format: "%.2f", r.value)) | \(r.unit) | \(r.note) |"
  )
}
if let i = args.firstIndex(of: "--json"), i + 1 < args.count {
  let enc = JSONEncoder()
  enc.outputFormatting = [.prettyPrinted]
  try enc.encode(rows).write(to: URL(fileURLWithPath: args[i + 1]))
}
