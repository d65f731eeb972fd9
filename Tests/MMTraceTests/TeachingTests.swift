import MMCore
import Testing

@testable import MMTrace

/// The teaching layer without a terminal: quiz questions, exercise sheets and their keys, typed
/// lines and editing a timeline.
@Suite struct TeachingTests {
  func teachFits() -> Timeline { Timeline(script: ScenarioLibrary.named("teach-fits")!.script()) }

  func questions(
    _ t: inout Timeline, before step: Int, _ topics: Set<QuizQuestion.Topic> = Set(QuizQuestion.Topic.allCases)
  )
    -> [QuizQuestion]
  {
    Quiz.questions(
      operation: t.operation(step), report: t.state(at: step + 1).report!, config: t.config, topics: topics)
  }

  /// teach-fits by hand: a = vmalloc(12K) in [0x100000, 0x200000) cuts 16 KiB from inside the one
  /// free area [0x1, ULONG_MAX) at the window's start (NE); b = vmalloc(4K) takes 8 KiB from the left
  /// edge of what is left at 0x104000 (LE).
  @Test func allocationQuestionsAreTheHandWorkedAnswers() {
    var t = teachFits()
    let a = questions(&t, before: 0)
    #expect(a.map(\.short) == ["address", "fit type"])
    #expect(a[0].answer == .address(0x10_0000))
    #expect(a[1].choices == ["FL", "LE", "RE", "NE", "pool"] && a[1].answer == .choice(3))
    #expect(a[0].text.contains("land in [0x100000, 0x200000)?"))
    // Addresses are hex with or without 0x; anything else is not an answer.
    #expect(a[0].check("0x100000") == true && a[0].check("100000") == true && a[0].check("0x104000") == false)
    #expect(a[0].check("zz") == nil && a[0].normalized("100000") == "0x100000")
    #expect(a[1].check("4") == true && a[1].check("ne") == true && a[1].check("2") == false && a[1].check("9") == nil)
    let b = questions(&t, before: 1)
    #expect(b[0].answer == .address(0x10_4000) && b[1].answer == .choice(1))
    #expect(b[0].reason.contains("0x104000"))
    // --only: no allocation questions when only the buddy is asked about.
    #expect(questions(&t, before: 0, [.buddy]).isEmpty)
  }

  /// vfree(b) in teach-fits: 2 pages lazy, far below lazy_max_pages() = 8192: no purge. The explicit
  /// purge after it releases the one lazy area.
  @Test func freeAndPurgeQuestions() {
    var t = teachFits()
    let free = questions(&t, before: 4)
    #expect(free.count == 1 && free[0].answer == .choice(1) && free[0].reason.contains("8192"))
    let purge = questions(&t, before: 5)
    #expect(purge.count == 1 && purge[0].answer == .number(1))
    #expect(questions(&t, before: 5, [.alloc]).isEmpty)
  }

  /// buddy-classroom's first allocation on a fresh 1024-page zone: an order-0 request takes the
  /// order-10 block... (read from the engine's report, then asked as the list order and a split).
  @Test func buddyQuestionsReadTheReport() {
    var t = Timeline(script: ScenarioLibrary.named("buddy-classroom")!.script())
    let i = (0..<t.stepCount).first { if case .allocPages = t.operation($0) { return true } else { return false } }!
    let qs = questions(&t, before: i, [.buddy])
    let report = t.state(at: i + 1).report!.buddy.first { $0.operation == .alloc }!
    #expect(qs.map(\.short) == ["free list order", "split?"])
    #expect(qs[0].answer == .number(report.takenOrder ?? report.order))
    #expect(qs[1].answer == .choice(report.splits.isEmpty ? 1 : 0))
  }

  /// Every exercise, several seeds: the sheet's key equals what an independent replay of its
  /// .mmtrace computes (expect= items through the checker; the counts through the machine's
  /// counters), and a seed gives the same sheet every time.
  @Test(arguments: ExerciseLibrary.all.map(\.name))
  func exerciseKeysMatchAReplay(name: String) throws {
    let exercise = ExerciseLibrary.named(name)!
    for seed: UInt64 in 1...4 {
      let sheet = try exercise.sheet(seed: seed)
      #expect(try exercise.sheet(seed: seed).text == sheet.text)
      var parser = TraceParser(file: name)
      let doc = parser.parse(sheet.mmtrace)
      #expect(parser.errors.isEmpty, "\(name) seed \(seed): \(parser.errors)")
      let script = doc.script
      let result = Checker.run(script)
      #expect(result.violations.isEmpty && result.mismatches.isEmpty, "\(name) seed \(seed)")
      #expect(result.expectChecked == sheet.key.filter { $0.contains { $0.expect != nil } }.count)
      var timeline = Timeline(script: script)
      for (i, answers) in sheet.key.enumerated() {
        let step = sheet.setupSteps + i + 1
        let before = timeline.state(at: step - 1).machine
        let (after, report) = timeline.state(at: step)
        for a in answers where a.expect == nil {
          let value: Int
          switch a.ask {
          case .level2Splits: value = after.directMap.level2Splits - before.directMap.level2Splits
          case .level3Splits: value = after.directMap.level3Splits - before.directMap.level3Splits
          case .descriptors: value = after.counters.descriptorsCreated - before.counters.descriptorsCreated
          case .metadataBytes: value = report!.exec!.metadataBytes
          case .searchWork: value = report!.exec!.searchWork
          default:
            Issue.record("\(a.ask) has no expect= item")
            continue
          }
          #expect(a.text == String(value), "\(name) seed \(seed) operation \(i + 1) \(a.ask)")
        }
      }
      // Every question has an answer line, lettered under its operation.
      let lines = sheet.answers.split(separator: "\n")
      #expect(lines.filter { $0.hasPrefix("   ") }.count == sheet.key.map(\.count).reduce(0, +))
    }
  }

  /// The fits exercise, seed 1, worked by hand from its drawn state: free areas in the window are
  /// [0x100000, 0x104000) 16K, [0x108000, 0x10d000) 20K, [0x110000, 0x113000) 12K and the rest from
  /// 0x11d000. 8K + guard = 12K lands at the window's start inside [0x1, 0x104000): NE; the next 12K
  /// takes the left edge of the 20K hole: LE at 0x108000; 4K + guard = 8K fills what is left of it
  /// exactly (FL at 0x10b000); the last 12K fills the 12K hole (FL at 0x110000).
  @Test func fitsSeedOneByHand() throws {
    let sheet = try ExerciseLibrary.named("fits")!.sheet(seed: 1)
    #expect(
      sheet.key.map { $0.map(\.text) } == [
        ["0x100000", "NE"], ["0x108000", "LE"], ["0x10b000", "FL"], ["0x110000", "FL"],
      ])
    #expect(sheet.text.contains("[0x108000, 0x10d000)   20 KiB free"))
    #expect(sheet.text.contains("├─L B [0x1, 0x104000) about 1.0 MiB max about 1.0 MiB"))
    #expect(!sheet.text.contains("0x100000\n   b)"), "the sheet must not print answers")
  }

  // MARK: typed lines

  @Test func typedLinesTakeShortFormsAndSayWhereTheyAreWrong() {
    guard case .success(.operation(let op, nil, let line)) = TypedLine.parse("vmalloc 16K as=x") else {
      Issue.record("vmalloc 16K did not parse")
      return
    }
    #expect(line == "vmalloc size=16K as=x")
    #expect(op == .vmalloc(VmallocRequest(size: 16 << 10, name: "x")))
    guard case .success(.operation(_, _, let pages)) = TypedLine.parse("alloc_pages 3 mt=movable") else {
      Issue.record("alloc_pages 3 did not parse")
      return
    }
    #expect(pages == "alloc_pages order=3 mt=movable zone=Normal")
    #expect(TypedLine.parse("w out.mmtrace") == .success(.write("out.mmtrace")))
    #expect(TypedLine.parse("export f.svg") == .success(.export("f.svg")))
    // The column is the typed line's, not the expanded one's.
    guard case .failure(let e) = TypedLine.parse("vmalloc 8X") else {
      Issue.record("8X parsed")
      return
    }
    #expect(e.column == 9 && e.message.contains("not a size"))
    guard case .failure(let bad) = TypedLine.parse("  vmaloc 4K") else {
      Issue.record("a misspelt operation parsed")
      return
    }
    #expect(bad.column == 3 && bad.message.contains("vmalloc"))
    guard case .failure(let export) = TypedLine.parse("export frame.png") else {
      Issue.record("export .png accepted")
      return
    }
    #expect(export.column == 8)
  }

  @Test func completionOffersOperationsKeysAndLiveNames() {
    var t = teachFits()
    let machine = t.state(at: 4).machine
    #expect(TypedLine.complete("vfr", machine: machine).text == "vfree ")
    #expect(TypedLine.complete("al", machine: machine).candidates == ["alloc_pages", "alloc_vmap_area"])
    #expect(TypedLine.complete("al", machine: machine).text == "alloc_")
    // Names of the live allocations after `vfree `, keys not typed yet.
    #expect(TypedLine.complete("vfree ", machine: machine).candidates == ["a", "b", "c", "d"])
    #expect(TypedLine.complete("vfree a ", machine: machine).candidates == ["cpu=", "expect="])
    #expect(TypedLine.complete("vfree d", machine: machine).text == "vfree d ")
    #expect(TypedLine.complete("vfree c", machine: machine).text == "vfree c ")
    #expect(TypedLine.complete("vmalloc size=4K ", machine: machine).candidates.contains("align="))
    #expect(!TypedLine.complete("vmalloc size=4K ", machine: machine).candidates.contains("size="))
    #expect(TypedLine.complete("alloc_pages mt=mo", machine: machine).text == "alloc_pages mt=movable ")
    #expect(TypedLine.complete("vmalloc zz", machine: machine).candidates.isEmpty)
    // set_memory: one attribute, then an area.
    #expect(
      TypedLine.complete("set_memory ", machine: machine).candidates == ["ro", "rw", "x", "nx", "np", "p", "rox", "4k"])
    #expect(TypedLine.complete("set_memory ro ", machine: machine).candidates == ["a", "b", "c", "d"])
    #expect(TypedLine.complete("set_memory ro a ", machine: machine).candidates == ["pages="])
    // Names nothing live has are caught before they run.
    #expect(TypedLine.unknownName(in: .vfree(.name("zz"), cpu: 0), machine: machine) == "zz")
    #expect(TypedLine.unknownName(in: .vfree(.name("a"), cpu: 0), machine: machine) == nil)
    #expect(TypedLine.unknownName(in: .vfree(.address(0x10_0000), cpu: 0), machine: machine) == nil)
  }

  /// A typed operation after step k: the same machine at every step as a timeline built afresh
  /// from the edited script, with checkpoints taken over from the old one.
  @Test func appendingKeepsTheStepsBeforeAndMatchesAFreshTimeline() {
    let t = Timeline(
      script: ScenarioLibrary.named("fix_size_alloc_test")!.script(ScenarioOptions(steps: 3000)), interval: 256)
    #expect(t.stepCount > 1000)
    let cut = 700
    var edited = t.appending(.purge, expect: nil, narration: "You typed: purge", after: cut)
    #expect(edited.stepCount == cut + 1 && edited.checkpoints.count == cut / 256 + 1)
    #expect(edited.narration(at: cut + 1) == "You typed: purge")
    var fresh = Timeline(script: edited.script(upTo: edited.stepCount))
    for step in [0, 255, 256, 699, 700, 701] {
      #expect(edited.state(at: step).machine.kva.busyAreas == fresh.state(at: step).machine.kva.busyAreas)
    }
    #expect(edited.state(at: 701).report?.operation == .purge)
    // script(upTo:) drops the narration written for the next operation and keeps bookmarks.
    var tf = teachFits()
    let upTo4 = tf.script(upTo: 4)
    #expect(upTo4.stepCount == 4 && upTo4.bookmarks.map(\.name) == ["start", "four-busy"])
    if case .narrate = upTo4.items.last { Issue.record("the next operation's narration was kept") }
    _ = tf.state(at: 0)
  }
}
