import Testing

@testable import MMCore

/// The engine against results computed by the kernel's own code (Tests/Fixtures/kernel-oracle).
@Suite struct KernelOracleTests {
  /// Compares line by line so a failure names the first line that differs.
  func compare(_ got: [String], _ want: [String], _ name: String) {
    for (i, (g, w)) in zip(got, want).enumerated() where g != w {
      Issue.record("\(name): line \(i + 1) is '\(g)', kernel printed '\(w)'")
      return
    }
    #expect(got.count == want.count, "\(name): \(got.count) lines, kernel printed \(want.count)")
  }

  @Test(arguments: ["kva-teach-fits", "kva-shape", "kva-nodes-small"])
  func currentAllocatorMatchesKernel(name: String) throws {
    let script = try Fixtures.lines("kernel-oracle/\(name).ops")
    let want = try Fixtures.lines("kernel-oracle/\(name).expected")
    compare(KVAOracleRunner.runCurrent(script), want, name)
  }

  @Test func legacyAllocatorMatchesKernel() throws {
    let script = try Fixtures.lines("kernel-oracle/kva-legacy-teach.ops")
    let want = try Fixtures.lines("kernel-oracle/kva-legacy-teach.expected")
    compare(KVAOracleRunner.runLegacy(script), want, "kva-legacy-teach")
  }

  @Test(arguments: ["buddy-classroom", "buddy-tail-insertion"])
  func buddyAllocatorMatchesKernel(name: String) throws {
    let script = try Fixtures.lines("kernel-oracle/\(name).ops")
    let want = try Fixtures.lines("kernel-oracle/\(name).expected")
    compare(BuddyOracleRunner.run(script), want, name)
  }
}
