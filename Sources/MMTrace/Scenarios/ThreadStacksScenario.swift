import MMCore

/// A fork storm on a 2-CPU machine, like the fixture traces: 16 KiB thread stacks (20 KiB with the
/// guard page, aligned to 16 KiB) taken on either CPU and freed oldest first. With two vmap nodes the
/// lazy purge fills the per-node pools, and later forks are served from them.
enum ThreadStacksScenario {
  static let scenario = Scenario(
    name: "thread-stacks",
    summary: "fork storm on 2 CPUs: 16 KiB stacks (align 16 KiB) filling and draining the vmap-node pools",
    cpus: 2, steps: 8000
  ) { steps, cpus, rng in
    var s = ScriptBuilder()
    var live: [(name: String, cpu: Int)] = []
    s.narrate(
      "Each fork takes a 16 KiB stack: 20 KiB with its guard page, aligned to 16 KiB, so the search "
        + "looks for 36 KiB - 1. Exiting threads free them lazily; after lazy_max_pages() pages a purge runs.")
    while s.operations < steps {
      let target = 48 + Int(rng.inclusive(0...32))
      if live.count < target || rng.inclusive(0...2) == 0 {
        let cpu = Int(rng.inclusive(0...UInt64(max(cpus - 1, 0))))
        let name = s.name("stack")
        s.vmalloc(name, 16 * 1024, align: 16 * 1024, kind: .stack, cpu: cpu)
        live.append((name, cpu))
      } else {
        let victim = live.removeFirst()
        s.vfree(victim.name, cpu: victim.cpu)
        s.release(victim.name, prefix: "stack")
      }
    }
    return s
  }
}
