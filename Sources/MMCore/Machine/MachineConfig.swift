/// Everything that describes the modelled machine before any operation runs.
public struct MachineConfig: Sendable, Equatable, Codable {
  public var kva: KVAConfig

  public init(kva: KVAConfig = KVAConfig()) {
    self.kva = kva
  }

  /// A machine with `cpus` CPUs, vmap nodes derived from them (or switched off), and a policy.
  public init(cpus: Int, vmapNodes: Bool = true, policy: VmallocPolicy = .current) {
    kva = KVAConfig(cpus: cpus, vmapNodes: vmapNodes ? nil : 1, policy: policy)
  }
}
