import MMCore

/// Options a user can set for any scenario; nil keeps the scenario's own default.
public struct ScenarioOptions: Sendable, Equatable {
  public var seed: UInt64
  /// Roughly how many operations (a scenario scales its loop count to it).
  public var steps: Int?
  public var cpus: Int?
  /// `false` switches vmap nodes off (a single global node, as before v6.9).
  public var vmapNodes: Bool?
  public var policy: VmallocPolicy?
  /// RAM in bytes.
  public var memoryBytes: UInt64?
  public var unmappedCache: Bool?
  public var perCPULists: Bool?
  public var gbpages: Bool?

  public init(
    seed: UInt64 = 1, steps: Int? = nil, cpus: Int? = nil, vmapNodes: Bool? = nil, policy: VmallocPolicy? = nil,
    memoryBytes: UInt64? = nil, unmappedCache: Bool? = nil, perCPULists: Bool? = nil, gbpages: Bool? = nil
  ) {
    self.seed = seed
    self.steps = steps
    self.cpus = cpus
    self.vmapNodes = vmapNodes
    self.policy = policy
    self.memoryBytes = memoryBytes
    self.unmappedCache = unmappedCache
    self.perCPULists = perCPULists
    self.gbpages = gbpages
  }
}

/// A built-in, seeded, deterministic workload.
public struct Scenario: Sendable {
  public var name: String
  public var summary: String
  /// The scenario's own machine: CPU count and whether vmap nodes are on.
  public var defaultCPUs: Int
  public var defaultVmapNodes: Bool
  public var defaultSteps: Int
  /// The scenario's RAM: small for address-space workloads, larger where the direct map matters.
  public var defaultMemory: UInt64
  public var defaultUnmappedCache: Bool
  /// Explicit zones instead of the x86 layout for the memory size (teaching machines).
  public var zones: [ZoneSpec]?
  let generate: @Sendable (_ steps: Int, _ cpus: Int, _ rng: inout SeededRandom) -> ScriptBuilder
  /// For scenarios whose narration depends on the machine (the tour explains the legacy walk under
  /// `--policy legacy`, and says when the unmapped cache is off).
  var generateForMachine: (@Sendable (_ config: MachineConfig) -> ScriptBuilder)? = nil

  /// A narrated scenario that reads the machine it runs on.
  init(
    name: String, summary: String, cpus: Int, memory: UInt64, unmappedCache: Bool,
    narrated: @escaping @Sendable (_ config: MachineConfig) -> ScriptBuilder
  ) {
    self.init(name: name, summary: summary, cpus: cpus, memory: memory, unmappedCache: unmappedCache) { _, _, _ in
      ScriptBuilder()
    }
    generateForMachine = narrated
  }

  public init(
    name: String, summary: String, cpus: Int = 1, vmapNodes: Bool = true, steps: Int = 0,
    memory: UInt64 = 512 << 20, unmappedCache: Bool = false, zones: [ZoneSpec]? = nil,
    generate: @escaping @Sendable (_ steps: Int, _ cpus: Int, _ rng: inout SeededRandom) -> ScriptBuilder
  ) {
    self.name = name
    self.summary = summary
    defaultCPUs = cpus
    defaultVmapNodes = vmapNodes
    defaultSteps = steps
    defaultMemory = memory
    defaultUnmappedCache = unmappedCache
    self.zones = zones
    self.generate = generate
  }

  /// The machine and operations for these options.
  public func script(_ options: ScenarioOptions = ScenarioOptions()) -> Script {
    let cpus = options.cpus ?? defaultCPUs
    var memory = MemoryConfig(
      bytes: options.memoryBytes ?? defaultMemory, gbpages: options.gbpages ?? true,
      perCPULists: options.perCPULists ?? false, unmappedCache: options.unmappedCache ?? defaultUnmappedCache)
    if let zones, options.memoryBytes == nil {
      memory = MemoryConfig(
        pages: zones.map(\.end).max() ?? 0, zones: zones, gbpages: memory.gbpages, perCPULists: memory.perCPULists,
        unmappedCache: memory.unmappedCache)
    }
    let config = MachineConfig(
      cpus: cpus, vmapNodes: options.vmapNodes ?? defaultVmapNodes, policy: options.policy ?? .current, memory: memory)
    var rng = SeededRandom(seed: options.seed)
    let builder = generateForMachine?(config) ?? generate(options.steps ?? defaultSteps, cpus, &rng)
    return Script(config: config, items: builder.items)
  }
}
