/// Everything that describes the modelled machine before any operation runs.
public struct MachineConfig: Sendable, Equatable, Codable {
  public var kva: KVAConfig
  public var memory: MemoryConfig

  public init(kva: KVAConfig = KVAConfig(), memory: MemoryConfig = MemoryConfig()) {
    self.kva = kva
    self.memory = memory
  }

  /// A machine with `cpus` CPUs, vmap nodes derived from them (or switched off), a KVA policy and
  /// `memory` (8 GiB by default).
  public init(
    cpus: Int, vmapNodes: Bool = true, policy: VmallocPolicy = .current, memory: MemoryConfig = MemoryConfig()
  ) {
    kva = KVAConfig(cpus: cpus, vmapNodes: vmapNodes ? nil : 1, policy: policy)
    self.memory = memory
  }
}
