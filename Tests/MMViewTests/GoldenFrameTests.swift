import Foundation
import MMCore
import MMTrace
import Testing

@testable import MMView

/// Whole frames compared with golden files, glyphs and colours (the ANSI form carries every style).
/// MMSCOPE_UPDATE_GOLDEN=1 rewrites the files after a deliberate change; review the diff.
@Suite struct GoldenFrameTests {
  static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures/golden")
  static let update = ProcessInfo.processInfo.environment["MMSCOPE_UPDATE_GOLDEN"] == "1"

  func frame(
    _ scenario: String, at step: Int, _ w: Int, _ h: Int, state: UIState = UIState(), color: Bool = true,
    options: ScenarioOptions = ScenarioOptions()
  ) -> Buffer {
    var t = Timeline(script: ScenarioLibrary.named(scenario)!.script(options))
    let input = FrameInput(timeline: &t, step: step, source: "scenario \(scenario)")
    var s = state
    s.step = step
    return Frame.render(input, s, width: w, height: h, color: color)
  }

  /// The perf-script capture from a v6.18 machine (Tests/Fixtures/linux-6.18), imported as the
  /// view imports it, once for all tests.
  static let realTrace: Script? = try? TraceSource.load(
    path: dir.deletingLastPathComponent().appendingPathComponent("linux-6.18/perf-script-vmalloc-kmem.txt.gz").path)

  func realFrame(at step: Int, _ w: Int, _ h: Int, state: UIState = UIState(), color: Bool = true) throws -> Buffer {
    var t = Timeline(script: try #require(Self.realTrace))
    let input = FrameInput(timeline: &t, step: step, source: "perf-script-vmalloc-kmem.txt.gz")
    var s = state
    s.step = step
    return Frame.render(input, s, width: w, height: h, color: color)
  }

  func check(_ b: Buffer, _ name: String) throws { try Self.compare(b, name, in: Self.dir) }

  /// Compares a frame's text and ANSI forms with `dir/name.txt` and `.ansi` (or writes them when
  /// MMSCOPE_UPDATE_GOLDEN=1), reporting the first line that differs.
  static func compare(_ b: Buffer, _ name: String, in dir: URL) throws {
    for (ext, content) in [("txt", b.text), ("ansi", b.ansi)] {
      let url = dir.appendingPathComponent("\(name).\(ext)")
      if update {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try content.write(to: url, atomically: true, encoding: .utf8)
        continue
      }
      let want = try String(contentsOf: url, encoding: .utf8)
      if content != want {
        let got = content.split(separator: "\n", omittingEmptySubsequences: false)
        let exp = want.split(separator: "\n", omittingEmptySubsequences: false)
        let line =
          zip(got, exp).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(got.count, exp.count)
        Issue.record(
          "\(name).\(ext) differs at line \(line + 1):\n got  \(line < got.count ? got[line] : "")\n want \(line < exp.count ? exp[line] : "")"
        )
      }
    }
  }

  @Test(arguments: [(1, 120, 40), (11, 120, 40), (5, 80, 24), (17, 80, 24)])
  func teachFits(step: Int, width: Int, height: Int) throws {
    try check(frame("teach-fits", at: step, width, height), "teach-fits-\(step)-\(width)x\(height)")
  }

  /// The tour `swift run mmscope` opens: the first allocation, the direct-map split, at both sizes.
  @Test(arguments: [(1, 120, 40), (11, 120, 40), (3, 80, 24), (15, 80, 24)])
  func tour(step: Int, width: Int, height: Int) throws {
    try check(frame("tour", at: step, width, height), "tour-\(step)-\(width)x\(height)")
  }

  /// The pre-5.2 allocator has no free tree: the panel lists the holes under its cache, at 100x30.
  @Test func legacyAllocatorHoles() throws {
    let b = frame("teach-fits", at: 11, 100, 30, options: ScenarioOptions(policy: .legacy))
    try check(b, "teach-fits-legacy-11-100x30")
    #expect(b.text.contains("free_vmap_cache 0x110000"))
    #expect(b.text.contains("[0x106000, 0x107000) 4 KiB free"))
  }

  /// The direct map maximized: the gigabyte in view in 2 MiB cells, then every gigabyte on a row.
  @Test func directMapMaximized() throws {
    var s = UIState()
    s.focus = .directMap
    s.maximized = true
    let b = frame("modules-rwx", at: 60, 120, 40, state: s)
    try check(b, "modules-rwx-60-direct-map-120x40")
    #expect(b.text.contains("every GiB, 16 MiB a cell:"))
    #expect(b.text.contains("   4 ▒"))  // the split gigabyte, its first cells split to 4K
  }

  @Test func buddyClassroomTailInsertion() throws {
    var s = UIState()
    s.focus = .buddy
    try check(frame("buddy-classroom", at: 11, 120, 40, state: s), "buddy-classroom-11-120x40")
  }

  @Test func monochromeStillTellsStatesApart() throws {
    let b = frame("teach-fits", at: 5, 120, 40, color: false)
    try check(b, "teach-fits-5-120x40-mono")
    // Without colour, lazy and busy cells still differ by glyph.
    #expect(b.text.contains("▒") && b.text.contains("█") && b.text.contains("·"))
    #expect(!b.ansi.contains("\u{1b}[0;3"))  // no foreground colours at all
  }

  @Test func helpOverlayAndTooSmall() throws {
    var s = UIState()
    s.showHelp = true
    let b = frame("teach-fits", at: 0, 100, 50, state: s)
    #expect(b.text.contains("keys (any key closes)") && b.text.contains("one step forward"))
    // At 80x24 the help does not fit: it scrolls, and says so.
    s.helpScroll = 30
    let scrolled = frame("teach-fits", at: 0, 80, 24, state: s)
    #expect(scrolled.text.contains("keys (j/k scroll, any other key closes)"))
    #expect(scrolled.text.contains("quit") && !scrolled.text.contains("play or pause"))
    let small = frame("teach-fits", at: 0, 30, 8)
    #expect(small.text.hasPrefix("mmscope needs at least 40x12"))
  }

  @Test func lastOperationIsHighlighted() {
    // Step 11 places g at [0x110000, 0x112000) with a no-edge cut of [0x10b000, ...): the highlight
    // marks those address cells, and ✓ sits on the node the kernel stopped at, which keeps the right
    // part (the new left node [0x10b000, 0x110000) carries no mark).
    let b = frame("teach-fits", at: 11, 120, 40)
    let theme = Theme(color: true)
    #expect(b.cells.contains { $0.style == theme.highlight && $0.glyph == "█" })
    #expect(b.text.contains("B ✓ [0x112000, 0xffffffffffffffff) 16 EiB max 16 EiB*"))
    #expect(b.text.contains("R [0x10b000, 0x110000) 20 KiB max 20 KiB* "))
  }

  /// A real capture: mid-trace (a page free between vmalloc bursts), a step that allocates a vmap area
  /// with recorded pages, and the end, at both sizes.
  @Test(arguments: [(3000, 120, 40), (3000, 80, 24), (63133, 120, 40), (63133, 80, 24)])
  func realTraceFrames(step: Int, width: Int, height: Int) throws {
    try check(try realFrame(at: step, width, height), "perf-6.18-\(step)-\(width)x\(height)")
  }

  @Test func realTraceTreeFocusedAndZoomed() throws {
    var s = UIState()
    s.focus = .tree
    s.zoom[.tree] = 1
    s.zoom[.addressSpace] = 2
    let b = try realFrame(at: 40000, 120, 40, state: s)
    try check(b, "perf-6.18-40000-tree-120x40")
    // Closed subtrees say how many nodes they hold; the title gives the whole count.
    #expect(b.text.contains(" nodes, max "))
    #expect(b.text.contains("free-area tree ("))
  }

  /// Selecting area a (3 pages + guard) at step 11 marks its pages in the buddy strip and the direct
  /// map, and the inspector lists them.
  @Test func selectionLinksPanelsAndInspects() throws {
    var s = UIState()
    s.selection = 0x100000
    let plain = frame("teach-fits", at: 11, 120, 40, state: s)
    try check(plain, "teach-fits-11-selected-120x40")
    let theme = Theme(color: true)
    #expect(plain.text.contains("▸ [0x100000, 0x104000) 16 KiB busy vmalloc a, 3 pages + guard, pfn 0x1000 (DMA32)"))
    // The buddy strip's first cell holds a's pages and g's (the last operation's): the highlight wins
    // the colour, the glyph says the selection is there.
    #expect(plain.cells.contains { $0.glyph == "◆" && $0.style == theme.highlight })
    #expect(plain.cells.filter { $0.style == theme.linked && $0.glyph == "▓" }.count == 1)
    s.inspecting = true
    let inspected = frame("teach-fits", at: 11, 120, 40, state: s)
    try check(inspected, "teach-fits-11-inspect-120x40")
    #expect(inspected.text.contains("inspect: busy area"))
    #expect(inspected.text.contains("pfns       0x1000 0x1001 0x1002"))
    #expect(inspected.text.contains("direct map 3 in 2M leaves"))
  }

  /// The frame README.md shows is the one `render` prints today.
  @Test func readmeFrameIsCurrent() throws {
    let readme = try String(
      contentsOf: Self.dir.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("README.md"), encoding: .utf8)
    let marker =
      "`swift run mmscope render --scenario tour --at 11 --size 120x40` (add `--ansi` for the colours):\n\n```\n"
    let start = try #require(readme.range(of: marker)).upperBound
    let end = try #require(readme.range(of: "```", range: start..<readme.endIndex)).lowerBound
    let shown = String(readme[start..<end])
    var t = Timeline(script: ScenarioLibrary.named("tour")!.script())
    let input = FrameInput(timeline: &t, step: 11, source: "scenario tour")
    var s = UIState()
    s.step = 11
    let frame = Frame.render(input, s, width: 120, height: 40, color: false).text
    #expect(shown == frame, "regenerate the README frame with the command above it")
  }
}
