import Foundation
import MMCore
import MMTrace
import Testing

@testable import MMView

/// Every lesson in Recordings/: opened, checked (its expect= items are the claims its narration
/// makes), rendered at every bookmark at the three sizes a newcomer's terminal has, with no number
/// cut at a border and no glyph named in narration that its frame does not draw; and listed in
/// Recordings/README.md.
@Suite struct RecordingsTests {
  static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Recordings").path

  static var files: [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
      .filter { $0.hasSuffix(".mmtrace") || $0.hasSuffix(".mmtrace.gz") }.sorted()
  }

  @Test func theLessonsAreThere() throws {
    let names = Self.files
    for lesson in [
      "vmalloc-fits", "tree-shape", "lazy-purge", "old-vs-new", "buddy", "direct-map", "exec-memory", "memdesc",
    ] {
      #expect(names.contains("\(lesson).mmtrace"), "Recordings/\(lesson).mmtrace is missing")
    }
    #expect(names.contains { $0.hasPrefix("v6.18-") }, "no lesson on the real v6.18 captures")
    let readme = try String(contentsOfFile: Self.directory + "/README.md", encoding: .utf8)
    for name in names {
      #expect(readme.contains("`\(name)`"), "README.md does not list \(name)")
      #expect(readme.contains("mmscope Recordings/\(name)"), "README.md does not give the command that opens \(name)")
    }
    // Every exercise names a lesson that exists.
    for e in ExerciseLibrary.all { #expect(names.contains(e.lesson), "exercise \(e.name) names \(e.lesson)") }
  }

  @Test(arguments: files)
  func lessonOpensChecksAndRendersAtEveryBookmark(file: String) throws {
    let path = Self.directory + "/" + file
    let lesson = try #require(LessonCatalog.lesson(at: path), "\(file) has no lesson header (# title:)")
    #expect(!lesson.about.isEmpty && lesson.about.count <= 90 && lesson.title.count <= 40)
    #expect((5...15).contains(lesson.minutes ?? 0), "\(file): minutes \(String(describing: lesson.minutes))")
    #expect(lesson.order != Int.max)
    let script = try TraceSource.load(path: path)
    // Every expect= item is checked at its step; invariants after every step of a hand-written lesson
    // and at 10000-step intervals of an imported capture (the import tests check those in full).
    let result = Checker.run(script, every: script.stepCount > 10_000 ? 10_000 : nil)
    #expect(result.violations.isEmpty, "\(file): \(result.violations.prefix(3).map(\.message))")
    #expect(
      result.mismatches.isEmpty, "\(file): \(result.mismatches.prefix(3).map { "line \($0.line ?? 0): \($0.message)" })"
    )
    #expect(result.expectChecked >= 5, "\(file) checks only \(result.expectChecked) claims with expect=")
    var timeline = Timeline(script: script)
    #expect(timeline.bookmarks.count >= 3, "\(file) has \(timeline.bookmarks.count) chapters")
    // The closing narration after the last operation says what to try next.
    let closing = timeline.narration.last
    #expect(closing?.step == timeline.stepCount && closing?.text.contains("What to try next") == true, "\(file)")
    var problems: [String] = []
    for mark in timeline.bookmarks {
      let input = FrameInput(timeline: &timeline, step: mark.step, source: file)
      for (w, h) in [(120, 40), (100, 30), (80, 24)] {
        let text = Frame.render(input, UIState.at(mark.step), width: w, height: h, color: false).text
        for cut in PhaseTests.cutNumbers(text) {
          problems.append("\(mark.name) \(w)x\(h) line \(cut.line): \(cut.excerpt)")
        }
      }
    }
    // Narrated steps: each glyph the text names is drawn outside the explain pane.
    for entry in timeline.narration where entry.step < timeline.stepCount {
      let step = entry.step + 1
      // "vmalloc:*" (perf's event glob) names no glyph.
      let text = entry.text.replacingOccurrences(of: ":*", with: ":")
      let named = NarrationClaimsTests.glyphs.filter { text.contains($0) }
      guard !named.isEmpty else { continue }
      let input = FrameInput(timeline: &timeline, step: step, source: file)
      let (w, h) = (120, 40)
      let b = Frame.render(input, UIState.at(step), width: w, height: h, color: false)
      let explain = Layout.compute(width: w, height: h).panels[.explain]!
      var drawn = Set<Character>()
      for y in 0..<(h - 1) {
        for x in 0..<w where !(x >= explain.x && x < explain.maxX && y >= explain.y && y < explain.maxY) {
          drawn.insert(Character(b[x, y].glyph))
        }
      }
      for g in named where !drawn.contains(g) { problems.append("step \(step): the narration names \(g), not drawn") }
    }
    #expect(problems.isEmpty, "\(file):\n\(problems.prefix(10).joined(separator: "\n"))")
  }
}
