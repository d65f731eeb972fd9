import Foundation
import MMCore
import Testing

@testable import MMTrace

@Suite struct ProcSnapshotTests {
  let dir = Fixtures.root.appendingPathComponent("linux-6.18/proc").path

  @Test func readsTheRealFiles() {
    let s = ProcSnapshot(directory: dir)
    #expect(s.errors.isEmpty, "\(s.errors)")
    #expect(s.filesRead.count == 6)
    #expect(
      s.zoneSpecs == [
        ZoneSpec(.dma, 1, 4096), ZoneSpec(.dma32, 4096, 1_048_576), ZoneSpec(.normal, 1_048_576, 6_553_600),
      ])
    #expect(s.zones[2].managed == 327_680)
    #expect(s.buddyinfo["DMA32"] == [2, 2, 4, 2, 5, 4, 3, 3, 4, 2, 752])
    #expect(s.pagetypes["Normal"]?["Unmovable"] == [0, 1, 356, 153, 36, 7, 2, 2, 1, 0, 0])
    #expect(s.directMap == ["DirectMap4k": 26624, "DirectMap2M": 2_070_528, "DirectMap1G": 25_165_824])
    #expect(s.vmstat["direct_map_level2_splits"] == 3)
    #expect(s.vmalloc.count == 2491 && s.vmalloc.filter(\.unpurged).count == 2235)
    // %pK hashed the addresses: they cannot place areas.
    #expect(s.vmallocHashed && s.busyAreas.isEmpty)
  }

  @Test func comparesWithAModel() {
    let s = ProcSnapshot(directory: dir)
    let m = Machine(config: MachineConfig(cpus: 2, memory: MemoryConfig(pages: 6_553_600, zones: s.zoneSpecs)))
    let lines = s.comparison(with: m)
    #expect(lines.first { $0.hasPrefix("buddyinfo DMA32") }?.hasSuffix("real 2 2 4 2 5 4 3 3 4 2 752") == true)
    #expect(
      lines.contains {
        $0.hasPrefix("DirectMap1G (kB)") && $0.contains("model 26214400") && $0.hasSuffix("real 25165824")
      })
    #expect(
      lines.contains { $0.hasPrefix("vmalloc lazy (unpurged) areas") && $0.hasSuffix("real 2235, 45772800 bytes") })
  }

  @Test func missingAndBrokenFiles() throws {
    let empty = ProcSnapshot(directory: "/nonexistent-mmscope")
    #expect(empty.errors.first?.message.contains("no /proc files found") == true)
    let d = FileManager.default.temporaryDirectory.appendingPathComponent("mmscope-proc-\(getpid())")
    try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: d) }
    try "Node 0, zone Normal 1 2 3\n".write(
      to: d.appendingPathComponent("buddyinfo"), atomically: true, encoding: .utf8)
    try "0x1000-0x3000 8192 foo+0x1/0x2 pages=2 vmalloc\nnonsense\n".write(
      to: d.appendingPathComponent("vmallocinfo"), atomically: true, encoding: .utf8)
    let s = ProcSnapshot(directory: d.path)
    #expect(
      s.errors.map(\.description) == [
        "buddyinfo:1:1: expected 'Node N, zone NAME' and 11 counts", "vmallocinfo:2:1: expected 0xSTART-0xEND SIZE ...",
      ])
    // Real addresses: the busy area can seed a starting state.
    #expect(!s.vmallocHashed && s.busyAreas == [Span(0x1000, 0x3000)])
  }
}
