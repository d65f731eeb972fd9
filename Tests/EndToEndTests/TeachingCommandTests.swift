import Foundation
import Testing

/// The teaching commands through the real binary: exercise sheets whose key `check` confirms, and
/// the slide exports.
@Suite struct TeachingCommandTests {
  func mmscope(_ args: [String]) -> (output: String, error: String, status: Int32) { CommandLineTests.mmscope(args) }

  @Test func exerciseListNamesEveryExerciseFirst() {
    let r = mmscope(["exercise", "--list"])
    #expect(r.status == 0)
    let names = r.output.split(separator: "\n").map { $0.split(separator: " ").first.map(String.init) ?? "" }
    #expect(
      names == [
        "fits", "aligned-search", "lazy-threshold", "legacy-walk", "buddy", "direct-map", "prog-pack", "descriptors",
        "trace-stacks",
      ])
    #expect(mmscope(["exercise", "nosuch"]).status == 64)
    #expect(mmscope(["exercise", "fits", "--answers", "--mmtrace"]).status == 64)
  }

  /// For every exercise and a few seeds, the key printed by --answers is what `check` verifies: the
  /// --mmtrace file carries each answer as an expect= item (or a comment for counts) and checks clean.
  @Test(arguments: [
    "fits", "aligned-search", "lazy-threshold", "legacy-walk", "buddy", "direct-map", "prog-pack", "descriptors",
    "trace-stacks",
  ])
  func answerKeyIsWhatCheckComputes(name: String) throws {
    let dir = NSTemporaryDirectory() + "mmscope-exercise-\(getpid())-\(name)"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    // One seed through the binary; TeachingTests replays four in-process.
    for seed in ["9"] {
      let sheet = mmscope(["exercise", name, "--seed", seed])
      let key = mmscope(["exercise", name, "--seed", seed, "--answers"])
      let file = mmscope(["exercise", name, "--seed", seed, "--mmtrace"])
      #expect(sheet.status == 0 && key.status == 0 && file.status == 0)
      // The sheet asks; it never prints an answer line's text as an answer.
      func lettered(_ text: String) -> [Substring] {
        text.split(separator: "\n").filter { l in
          let c = Array(l)
          return c.count > 5 && l.hasPrefix("   ") && c[3].isLowercase && c[4] == ")"
        }
      }
      let questions = lettered(sheet.output)
      let answers = lettered(key.output)
      #expect(questions.count == answers.count && !answers.isEmpty)
      let path = dir + "/ex-\(seed).mmtrace"
      try file.output.write(toFile: path, atomically: true, encoding: .utf8)
      let check = mmscope(["check", path])
      #expect(check.status == 0, "\(name) --seed \(seed): \(check.output)")
      // Each answer is in the file: as an expect= item on its operation's line, or in its comment.
      let ops = file.output.split(separator: "\n").drop { !$0.hasPrefix("bookmark start") }.dropFirst()
      var k = 0
      // After the title line (split drops the blank line after it).
      for line in key.output.split(separator: "\n").dropFirst(1) {
        if !line.hasPrefix("   ") {
          k += 1
          continue
        }
        let answer = String(line.split(separator: ")", maxSplits: 1)[1].dropFirst())
        guard k >= 1 && ops.startIndex + k - 1 < ops.endIndex else {
          Issue.record("\(name) --seed \(seed): answer line '\(line)' has no operation \(k) in the file")
          continue
        }
        let op = String(ops[ops.startIndex + k - 1])
        #expect(op.contains(answer), "\(name) --seed \(seed): '\(answer)' not on '\(op)'")
      }
    }
  }

  @Test func svgAndAsciicastExports() throws {
    let svg = mmscope(["render", "--scenario", "teach-fits", "--at", "all-fits", "--svg", "--size", "100x30"])
    #expect(svg.status == 0 && svg.output.hasPrefix("<?xml") && svg.output.hasSuffix("</svg>\n"))
    #expect(svg.output.contains("viewBox=\"0 0 840 510\"") && svg.output.contains("free-area tree"))
    let path = NSTemporaryDirectory() + "mmscope-\(getpid()).cast"
    defer { try? FileManager.default.removeItem(atPath: path) }
    let cast = mmscope([
      "render", "--scenario", "teach-fits", "--from", "2", "--to", "5", "--asciicast", path, "--size", "80x24",
    ])
    #expect(cast.status == 0 && cast.error.contains("4 frames, steps 2-5"))
    let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
    #expect(lines.count == 5)
    for (i, line) in lines.dropFirst().enumerated() {
      let event = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [Any]
      #expect(event?[0] as? Double == Double(i) * 1.5)
      #expect((event?[2] as? String)?.contains("step \(i + 2)/17") == true)
    }
    // With phases: every phase of steps 3..5 plus the first frame.
    let phased = mmscope([
      "render", "--scenario", "teach-fits", "--from", "2", "--to", "5", "--phases", "--asciicast", path,
    ])
    let explained = (3...5).map { mmscope(["explain", "--scenario", "teach-fits", "--at", "\($0)"]).output }
    let phases = explained.map { $0.split(separator: "\n").filter { $0.first?.isNumber == true }.count }.reduce(0, +)
    #expect(phased.error.contains("\(phases + 1) frames"))
    #expect(mmscope(["render", "--scenario", "teach-fits", "--svg", "--ansi"]).status == 64)
    #expect(mmscope(["render", "--scenario", "teach-fits", "--from", "3"]).status == 64)
    #expect(
      mmscope(["render", "--scenario", "teach-fits", "--from", "5", "--to", "2", "--asciicast", path]).status == 64)
  }
}

/// A compressed `.mmtrace` (a lesson may be one) is read as a `.mmtrace`, not as a kernel trace.
@Suite struct CompressedLessonTests {
  @Test func gzipMmtraceIsAnMmtrace() throws {
    let dir = NSTemporaryDirectory() + "mmscope-gz-\(getpid())"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try "mmtrace 1\n# title: t\nvmalloc size=4K expect=ok\n".write(
      toFile: dir + "/l.mmtrace", atomically: true, encoding: .utf8)
    _ = TerminalViewTests.run(["gzip", dir + "/l.mmtrace"])
    let r = CommandLineTests.mmscope(["check", dir + "/l.mmtrace.gz"])
    #expect(r.status == 0 && r.output.contains("expect: 1 checked, 1 matched"))
  }
}
