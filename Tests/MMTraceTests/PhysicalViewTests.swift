import Foundation
import MMCore
import Testing

@testable import MMTrace

/// The /proc-shaped views against the real v6.18 files' layout, the buddy dump against the kernel
/// oracle, and the physical scenarios' promised effects.
@Suite struct PhysicalViewTests {
  /// The fixture machine's zone spans (from its /proc/zoneinfo): DMA from pfn 1, DMA32 from 4096,
  /// Normal from 1 Mi pages to 6.25 Mi pages (25 GiB).
  static let fixtureMemory = MemoryConfig(bytes: 25 << 30)

  @Test func buddyinfoUsesTheKernelsColumns() throws {
    let memory = PhysicalMemory(config: Self.fixtureMemory, cpus: 2)
    let lines = ProcViews.buddyinfo(memory)
    // Boot frees DMA [1, 4096) as orders 0..9 then three order-10 blocks.
    #expect(
      lines[0] == "Node 0, zone      DMA      1      1      1      1      1      1      1      1      1      1      3 ")
    let real = try Fixtures.lines("linux-6.18/proc/buddyinfo").filter { !$0.isEmpty }
    #expect(lines.count == real.count)
    for (a, b) in zip(lines, real) {
      #expect(a.count == b.count, "column widths: '\(a)' vs '\(b)'")
      #expect(a.prefix(21) == b.prefix(21))
    }
  }

  @Test func pagetypeinfoUsesTheKernelsLayout() throws {
    let memory = PhysicalMemory(config: Self.fixtureMemory, cpus: 2)
    let lines = ProcViews.pagetypeinfo(memory)
    let real = try Fixtures.lines("linux-6.18/proc/pagetypeinfo").filter { !$0.isEmpty }
    let mine = lines.filter { !$0.isEmpty }
    #expect(mine.count == real.count)
    // Headers are identical; data rows have the same width and labels.
    for (a, b) in zip(mine, real) {
      if b.hasPrefix("Page") || b.hasPrefix("Free") || b.hasPrefix("Number") {
        #expect(a == b)
      } else {
        // The labels: "Node    0, zone      DMA, type    Unmovable" or "Node 0, zone      DMA".
        let label = b.hasPrefix("Node    ") ? 43 : 21
        #expect(a.count == b.count && a.prefix(label) == b.prefix(label), "'\(a)' vs '\(b)'")
      }
    }
    // DMA's pageblocks as the kernel counts them, from the zone's first pfn in pageblock steps: 8.
    #expect(
      mine.last(where: { $0.contains("zone      DMA ") })?.hasSuffix(
        "           0            8            0            0            0 ") == true)
  }

  @Test func directMapLinesMatchMeminfosFormat() throws {
    let map = DirectMap(memoryPages: Self.fixtureMemory.pages)
    let real = try Fixtures.lines("linux-6.18/proc/meminfo").filter { $0.hasPrefix("DirectMap") }
    let mine = ProcViews.meminfo(map)
    #expect(mine.count == 3)
    for (a, b) in zip(mine, real) { #expect(a.count == b.count && a.prefix(12) == b.prefix(12)) }
    #expect(mine[2] == "DirectMap1G:    26214400 kB")
  }

  @Test func classroomMatchesTheKernelOracle() throws {
    let script = ScenarioLibrary.named("buddy-classroom")!.script()
    let mark = script.bookmarks.first { $0.name == "tail-insertion" }!.step
    let machine = Replay.run(script, steps: mark).machine
    // The kernel oracle's dump after the same allocations and frees (buddy-classroom.expected).
    #expect(
      try StateDump.lines(.buddy, of: machine) == [
        "zone Normal order 0 mt 1 nr 1: 0x11", "zone Normal order 1 mt 1 nr 1: 0x12",
        "zone Normal order 3 mt 1 nr 1: 0x18", "zone Normal order 4 mt 1 nr 1: 0x0",
        "zone Normal order 5 mt 1 nr 1: 0x20", "zone Normal order 6 mt 1 nr 1: 0x40",
        "zone Normal order 7 mt 1 nr 1: 0x80", "zone Normal order 8 mt 1 nr 1: 0x100",
        "zone Normal order 9 mt 1 nr 1: 0x200", "zone Normal nr_free 1 1 0 1 1 1 1 1 1 1 0",
      ])
    let last = Replay.run(script, steps: mark).last!
    #expect(last.buddy[0].resultPFN == 0 && last.buddy[0].resultOrder == 4 && last.buddy[0].toTail)
    #expect(last.buddy[0].merges.map(\.order) == [2, 3])
    let end = Replay.run(script).machine
    #expect(
      try StateDump.lines(.buddy, of: end) == [
        "zone Normal order 10 mt 1 nr 1: 0x0", "zone Normal nr_free 0 0 0 0 0 0 0 0 0 0 1",
      ])
  }

  @Test func unmappedCacheReducesModuleSplits() throws {
    let scenario = ScenarioLibrary.named("modules-rwx")!
    let plain = Replay.run(scenario.script()).machine
    let cached = Replay.run(scenario.script(ScenarioOptions(unmappedCache: true))).machine
    #expect(plain.directMap.level2Splits > 0)
    #expect(cached.directMap.level2Splits < plain.directMap.level2Splits)
    let json = try JSONEncoder().encode(MachineStats(machine: plain, step: 1, events: 1))
    let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
    let dm = try #require(object["direct_map"] as? [String: Any])
    #expect(dm["direct_map_level2_splits"] as? Int == plain.directMap.level2Splits)
    for key in [
      "DirectMap4k", "DirectMap2M", "DirectMap1G", "direct_map_level3_splits", "direct_map_level2_collapses",
      "direct_map_level3_collapses",
    ] {
      #expect(dm[key] != nil, "direct_map.\(key)")
    }
    let buddy = try #require(object["buddy"] as? [String: Any])
    let zones = try #require(buddy["zones"] as? [String: Any])
    #expect(Set(zones.keys) == ["DMA", "DMA32", "Normal"])
    #expect(((zones["DMA"] as? [String: Any])?["nr_free"] as? [Int])?.count == 11)
  }

  @Test func directMapDumpMergesRuns() throws {
    var m = Machine(config: MachineConfig(cpus: 1, memory: MemoryConfig(bytes: 2 << 30)))
    m.apply(.setMemory(.ro, .address(KernelConstants.pageOffset + 0x1001 * 4096), pages: 2))
    #expect(
      try StateDump.lines(.directMap, of: m) == [
        "0x0 0x1000 2M P RW NX", "0x1000 0x1001 4K P RW NX", "0x1001 0x1003 4K P RO NX", "0x1003 0x1200 4K P RW NX",
        "0x1200 0x40000 2M P RW NX", "0x40000 0x80000 1G P RW NX",
      ])
  }
}
