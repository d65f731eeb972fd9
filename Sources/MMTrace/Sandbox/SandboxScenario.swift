/// The empty machine `mmscope sandbox` opens: nothing allocated yet, a narration that says what
/// to type. Not listed with the scenarios (it has no operations).
public enum SandboxScenario {
  public static let scenario = Scenario(
    name: "sandbox", summary: "an empty machine for typed operations", cpus: 1, memory: 512 << 20
  ) { _, _, _ in
    var s = ScriptBuilder()
    s.narrate(
      "An empty machine: type operations at the : prompt, one .mmtrace line each (vmalloc 16K as=a, vfree a, "
        + "alloc_pages 3, set_memory ro a, purge). Each runs as the next step: . walks its phases, ← steps back, "
        + ":w FILE saves what you typed as a .mmtrace.")
    return s
  }
}
