import MMCore
import Testing

@testable import MMTrace

@Suite struct TimelineTests {
  func fingerprint(_ m: Machine) throws -> [String] {
    try StateDump.lines(.freeTree, of: m) + StateDump.lines(.busy, of: m) + StateDump.lines(.lazy, of: m)
      + StateDump.lines(.pools, of: m) + StateDump.lines(.buddy, of: m) + StateDump.lines(.directMap, of: m)
  }

  @Test func anyStepEqualsAStraightReplay() throws {
    let script = ScenarioLibrary.named("thread-stacks")!.script(ScenarioOptions(steps: 3000))
    var timeline = Timeline(script: script, interval: 2048)
    #expect(timeline.stepCount == script.stepCount)
    var rng = SeededRandom(seed: 5)
    // Forward, backward, on and next to checkpoints.
    var steps = [
      0, 1, 255, 256, 257, 512, 2047, 2048, 2049, 2600, 2599, 2100, timeline.stepCount - 1, timeline.stepCount,
    ]
    for _ in 0..<12 { steps.append(Int(rng.inclusive(0...UInt64(timeline.stepCount)))) }
    for step in steps {
      let (machine, report) = timeline.state(at: step)
      let straight = Replay.run(script, steps: step, recordDetail: false)
      #expect(try fingerprint(machine) == fingerprint(straight.machine), "step \(step)")
      #expect(
        MachineStats(machine: machine, step: step, events: 0)
          == MachineStats(machine: straight.machine, step: step, events: 0))
      if step > 0 {
        // The seeked step's report carries full detail, as a detailed replay's last report does.
        let detailed = Replay.run(script, steps: step, recordDetail: true).last
        #expect(report == detailed, "report at step \(step)")
      } else {
        #expect(report == nil)
      }
    }
  }

  @Test func bookmarksNarrationAndSearch() {
    let script = ScenarioLibrary.named("teach-fits")!.script()
    let t = Timeline(script: script)
    #expect(t.step(ofBookmark: "all-fits") == 11 && t.step(ofBookmark: "start") == 0)
    #expect(t.bookmark(after: 0)?.name == "four-busy" && t.bookmark(before: 11)?.name == "full-fit")
    // Text written before an operation shows from the step that operation leads to.
    #expect(t.narration(at: 0)?.hasPrefix("The free tree starts") == true)
    #expect(t.narration(at: 1)?.hasPrefix("a = vmalloc(12 KiB)") == true)
    #expect(t.narrationEntry(at: 6)?.text.hasPrefix("The purge returns") == true)
    #expect(t.narrationEntry(at: 6)?.isNew == true && t.narrationEntry(at: 8)?.isNew == false)
    #expect(t.search("alloc_vmap_area", from: 0) == 10)
    #expect(t.search("vfree", from: 12, forward: false) == 8)
    #expect(t.search("no such thing", from: 0) == nil)
  }
}
