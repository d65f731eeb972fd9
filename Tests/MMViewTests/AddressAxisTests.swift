import MMCore
import MMTrace
import Testing

@testable import MMView

/// The address axis: which free runs compress, the scale, where each run lands, row addresses.
@Suite struct AddressAxisTests {
  /// Free [0x1, 0x100000), busy [0x100000, 0x104000), free to the top: the 16 EiB run and then the
  /// 1 MiB run each take over 1/8 of what is left, so both compress to 10 cells; 16 KiB remain for
  /// 80 cells: 205 bytes a cell, rounded up to 256, so the busy area takes 64 cells.
  @Test func handWorkedCompression() {
    let runs = [
      AreaRun(span: Span(0x1, 0x100000), state: .free),
      AreaRun(span: Span(0x100000, 0x104000), state: .busy, owner: 1),
      AreaRun(span: Span(0x104000, UInt64.max), state: .free),
    ]
    let axis = AddressAxis(runs: runs, window: Span(1, UInt64.max), cells: 100, compressedWidth: 10)
    #expect(axis.bytesPerCell == 256)
    #expect(axis.placed.map(\.compressed) == [true, false, true])
    #expect(axis.placed.map(\.firstCell) == [0, 10, 74])
    #expect(axis.placed.map(\.endCell) == [10, 74, 84])
    #expect(axis.usedCells == 84)
    #expect(axis.address(atCell: 5) == 0x1)
    #expect(axis.address(atCell: 10) == 0x100000)
    #expect(axis.address(atCell: 20) == 0x100a00)
    #expect(axis.address(atCell: 80) == 0x104000)
    #expect(axis.address(atCell: 90) == nil)
    #expect(axis.placedIndex(ofAddress: 0x103fff) == 1)
  }

  /// Runs of similar size share one linear scale: nothing compresses, and a window clips the runs.
  @Test func noCompressionAndClipping() {
    let runs = (0..<8).map { i in
      AreaRun(span: Span(0x10000 + UInt64(i) * 0x4000, 0x14000 + UInt64(i) * 0x4000), state: i % 2 == 0 ? .busy : .free)
    }
    let axis = AddressAxis(runs: runs, window: Span(0x12000, 0x30000), cells: 60, compressedWidth: 10)
    #expect(axis.placed.allSatisfy { !$0.compressed })
    #expect(axis.run(axis.placed.first!).span == Span(0x12000, 0x14000))
    #expect(axis.run(axis.placed.last!).span == Span(0x2c000, 0x30000))
    // 120 KiB over 60 cells: 2048 bytes a cell; runs tile the strip without gaps.
    #expect(axis.bytesPerCell == 2048)
    for (a, b) in zip(axis.placed, axis.placed.dropFirst()) { #expect(a.endCell == b.firstCell) }
    #expect(axis.usedCells == 60)
  }

  @Test func runsCoverTheAddressSpaceAndMoveClamps() {
    var t = Timeline(script: ScenarioLibrary.named("teach-fits")!.script())
    let m = t.state(at: 4).machine
    let runs = AreaRuns.of(m)
    #expect(runs.map(\.span.start) == [0x1, 0x100000, 0x104000, 0x106000, 0x109000, 0x10b000])
    #expect(runs.map(\.state) == [.free, .busy, .busy, .busy, .busy, .free])
    #expect(runs.last?.span.end == UInt64.max)
    for (a, b) in zip(runs, runs.dropFirst()) { #expect(a.span.end == b.span.start) }
    #expect(AreaRuns.move(from: 0x104100, by: 1, fallback: nil, in: runs) == 0x106000)
    #expect(AreaRuns.move(from: 0x104100, by: -9, fallback: nil, in: runs) == 0x1)
    #expect(AreaRuns.move(from: nil, by: 1, fallback: nil, in: runs) == 0x100000)  // the first area in use
  }

  /// Zoom 0 is everything; zoom 1 the areas in use padded by a sixteenth (at least 16 pages); each
  /// further level halves it around the selection, down to 256 bytes a cell.
  @Test func zoomWindows() {
    var t = Timeline(script: ScenarioLibrary.named("teach-fits")!.script())
    let input = FrameInput(timeline: &t, step: 11, source: "test")
    // In use at step 11: [0x100000, 0x112000) (a, d, e, f, g and the holes between).
    #expect(AddressSpacePanel.window(input, selection: nil, zoom: 0, cells: 100) == Span(1, UInt64.max))
    let one = AddressSpacePanel.window(input, selection: nil, zoom: 1, cells: 100)
    #expect(one == Span(0x100000 - 0x10000, 0x112000 + 0x10000))
    let three = AddressSpacePanel.window(input, selection: 0x110000, zoom: 3, cells: 100)
    #expect(three.size == one.size / 4 && three.contains(0x110000))
    #expect(three.start == 0x110000 - three.size / 2)
    // Deep zoom stops at 256 bytes a cell: 100 cells, 25600 bytes at least.
    let deep = AddressSpacePanel.window(input, selection: 0x110000, zoom: 30, cells: 100)
    #expect(deep.size >= 25600 && deep.size < 2 * 25600)
  }
}
