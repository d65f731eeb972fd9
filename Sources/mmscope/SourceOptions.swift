import ArgumentParser
import Foundation
import MMCore
import MMTrace

/// Where the steps come from, and the machine options that override a scenario's own.
struct SourceOptions: ParsableArguments {
  @Argument(help: "A trace file (.mmtrace, or a kernel trace, plain or gzip); or give --scenario instead.")
  var file: String?

  @Option(name: .long, help: "A built-in scenario (see `mmscope scenarios`).")
  var scenario: String?

  @OptionGroup var machine: MachineOptions

  func validate() throws {
    switch (file, scenario) {
    case (nil, nil): throw ValidationError("give a trace file or --scenario NAME")
    case (.some, .some): throw ValidationError("give either a trace file or --scenario, not both")
    case (nil, .some(let scenario)):
      _ = try MachineOptions.scenario(named: scenario)
    case (.some, nil):
      if machine.seed != 1 || machine.steps != nil {
        throw ValidationError("--seed and --steps apply to --scenario; a trace file's operations are recorded")
      }
    }
    try machine.validate()
  }

  /// The script of every valid line, and how many lines were left out: the problems go to standard
  /// error (the first 20), and the caller exits 65 after its output when there were any. A file with
  /// nothing usable exits 65 here.
  func scriptKeepingValid() throws -> (script: Script, problems: Int) {
    guard let file else { return (try script(), 0) }
    try InputFile.check(file)
    do {
      return (machine.variant.applied(to: try TraceSource.load(path: file)), 0)
    } catch let e as TraceSource.LoadError {
      Self.report(e)
      guard let partial = e.partial else { throw ExitCode(65) }
      return (machine.variant.applied(to: partial), e.count)
    }
  }

  /// A load error's first problems, and how many more, on standard error.
  static func report(_ e: TraceSource.LoadError) {
    var text = e.errors.prefix(20).map(\.description).joined(separator: "\n") + "\n"
    if e.count > 20 { text += "... and \(e.count - 20) more\n" }
    if e.partial != nil { text += "\(problems(e.count)) (listed above); everything valid is used\n" }
    FileHandle.standardError.write(Data(text.utf8))
  }

  /// A trace file as it is: one that cannot be read exits 66; a malformed one prints every problem and
  /// exits 65.
  static func load(_ file: String) throws -> Script {
    try InputFile.check(file)
    do {
      return try TraceSource.load(path: file)
    } catch let e as TraceSource.LoadError {
      FileHandle.standardError.write(Data((e.description + "\n").utf8))
      throw ExitCode(65)
    }
  }

  /// "1 problem", "3 problems": one wording for every command.
  static func problems(_ n: Int) -> String { n == 1 ? "1 problem" : "\(n) problems" }

  /// The script: a scenario's, or the file's. A file that cannot be read exits 66; a malformed one
  /// prints every problem and exits 65.
  func script() throws -> Script {
    if let file { return machine.variant.applied(to: try Self.load(file)) }
    return machine.scenarioVariant.applied(to: ScenarioLibrary.named(scenario!)!.script(machine.scenarioOptions))
  }
}

/// The scenario and machine options, shared by every command that builds a scenario.
struct MachineOptions: ParsableArguments {
  @Option(name: .long, help: "Seed for the scenario's random choices.")
  var seed: UInt64 = 1

  @Option(name: .long, help: "Roughly how many operations the scenario generates.")
  var steps: Int?

  @Option(name: .long, help: "Number of CPUs (sets lazy_max_pages() and, with vmap nodes, nr_vmap_nodes).")
  var cpus: Int?

  @Option(name: .long, help: "KVA allocator: current (augmented tree, v5.2+) or legacy (O(N) busy list, pre-5.2).")
  var policy: VmallocPolicy?

  @Option(name: .customLong("vmap-nodes"), help: "on: nr_vmap_nodes from the CPU count (v6.9+); off: one node.")
  var vmapNodes: OnOff?

  @Option(name: .long, help: "RAM, e.g. 512M or 8G, from 16M to 4T (the scenario's own by default).")
  var memory: MemorySize?

  @Option(
    name: .customLong("unmapped-cache"), help: "on: module and secretmem pages come from the __GFP_UNMAPPED cache.")
  var unmappedCache: OnOff?

  @Option(name: .long, help: "on: per-CPU page lists in front of the buddy allocator.")
  var pcp: OnOff?

  @Option(name: .long, help: "off: no 1 GiB direct-map pages.")
  var gbpages: OnOff?

  @Option(name: .long, help: "on: count page metadata as Wilcox's memory descriptors instead of struct page.")
  var memdesc: OnOff?

  @Option(name: .long, help: "Executable memory: prog-pack (bpf_prog_pack bitmaps) or execmem (Song Liu's tree).")
  var exec: String?

  /// A built-in scenario by name, or a usage error listing the names.
  static func scenario(named name: String) throws -> Scenario {
    guard let s = ScenarioLibrary.named(name) else {
      throw ValidationError(
        "unknown scenario '\(name)'; expected one of: \(ScenarioLibrary.all.map(\.name).joined(separator: ", "))")
    }
    return s
  }

  /// Whether any of them was given.
  var isSet: Bool {
    [
      seed != 1, steps != nil, cpus != nil, policy != nil, vmapNodes != nil, memory != nil, unmappedCache != nil,
      pcp != nil, gbpages != nil, memdesc != nil, exec != nil,
    ].contains(true)
  }

  /// The machine options as settings over a script's own machine (for a trace file).
  var variant: MachineVariant {
    var v = scenarioVariant
    v.cpus = cpus
    v.policy = policy
    v.vmapNodes = vmapNodes.map { $0 == .on ? .on : .off }
    v.memoryBytes = memory?.bytes
    v.unmappedCache = unmappedCache.map { $0 == .on }
    v.perCPULists = pcp.map { $0 == .on }
    v.gbpages = gbpages.map { $0 == .on }
    return v
  }

  /// The settings a scenario does not take itself, applied after it is generated.
  var scenarioVariant: MachineVariant {
    var v = MachineVariant()
    v.memdesc = memdesc.map { $0 == .on }
    v.exec = exec.flatMap(MachineVariant.Exec.init(rawValue:))
    return v
  }

  func validate() throws {
    if let exec, MachineVariant.Exec(rawValue: exec) == nil {
      throw ValidationError("--exec must be prog-pack or execmem, got '\(exec)'")
    }
    if let cpus, !(1...8192).contains(cpus) { throw ValidationError("--cpus must be between 1 and 8192, got \(cpus)") }
    // A scenario holds its whole script: ten million operations is about a gigabyte.
    if let steps, !(0...10_000_000).contains(steps) {
      throw ValidationError("--steps must be between 0 and 10000000, got \(steps)")
    }
  }

  var scenarioOptions: ScenarioOptions {
    ScenarioOptions(
      seed: seed, steps: steps, cpus: cpus, vmapNodes: vmapNodes.map { $0 == .on }, policy: policy,
      memoryBytes: memory?.bytes, unmappedCache: unmappedCache.map { $0 == .on }, perCPULists: pcp.map { $0 == .on },
      gbpages: gbpages.map { $0 == .on })
  }
}

enum OnOff: String, ExpressibleByArgument, CaseIterable {
  case on, off
}

/// A memory size with a K, M, G or T suffix (binary units), at least 16 MiB and whole pages.
struct MemorySize: ExpressibleByArgument {
  var bytes: UInt64

  init?(argument: String) {
    let units: [Character: UInt64] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
    var text = argument.uppercased()
    if text.hasSuffix("B") { text.removeLast() }
    var scale: UInt64 = 1
    if let last = text.last, let u = units[last] {
      scale = u
      text.removeLast()
    }
    guard let n = UInt64(text), n > 0, n <= InputLimits.maxMemory / scale else { return nil }
    bytes = n * scale
    guard bytes >= 16 << 20, bytes % 4096 == 0 else { return nil }
  }

  static var defaultCompletionKind: CompletionKind { .default }
}

extension VmallocPolicy: ExpressibleByArgument {}

/// `--at N` or `--at BOOKMARK`.
struct AtOption: ParsableArguments {
  @Option(name: .long, help: "The step to show: a number (0 = the start) or a bookmark name. Default: the last step.")
  var at: String?

  /// Resolves to a step count within the script.
  func step(in script: Script) throws -> Int {
    guard let at else { return script.stepCount }
    return try Self.resolve(at, option: "--at", in: script)
  }

  /// A step number or bookmark name given to `option`, as a step of `script`.
  static func resolve(_ text: String, option: String, in script: Script) throws -> Int {
    let total = script.stepCount
    if let n = Int(text) {
      guard n >= 0 && n <= total else { throw ValidationError("\(option) \(n) is outside 0...\(total)") }
      return n
    }
    guard let mark = script.bookmarks.first(where: { $0.name == text }) else {
      let names = script.bookmarks.map(\.name)
      throw ValidationError(
        "\(option) '\(text)' is neither a step number nor a bookmark"
          + (names.isEmpty ? "" : "; bookmarks: \(names.joined(separator: ", "))"))
    }
    return mark.step
  }
}
