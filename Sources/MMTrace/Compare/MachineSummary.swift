import MMCore

extension MachineConfig {
  /// One line naming the machine, for the two sides of a comparison: "current allocator, 2 CPU(s),
  /// 2 vmap node(s), 512 MiB", with the unmapped cache and memory descriptors when on.
  public var summary: String {
    // The pre-5.2 allocator has no vmap nodes, whatever the setting says.
    var parts = [
      "\(kva.policy.rawValue) allocator", "\(kva.cpus) CPU(s)",
      kva.policy == .legacy ? "no vmap nodes" : "\(kva.vmapNodes) vmap node(s)", "\(memory.pages >> 8) MiB",
    ]
    if memory.unmappedCache { parts.append("unmapped cache") }
    if memory.memdesc { parts.append("memdesc") }
    return parts.joined(separator: ", ")
  }
}
