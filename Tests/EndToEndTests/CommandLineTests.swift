import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// The real binary's command line: usage errors, unreadable files, `render --size`, `dump --what pools`,
/// the help's examples, and the view's refusal of terminals it cannot drive.
@Suite(.timeLimit(.minutes(3))) struct CommandLineTests {
  static var binary: String { TerminalViewTests.binary }

  static func mmscope(_ args: [String]) -> (output: String, error: String, status: Int32) {
    TerminalViewTests.run([binary] + args)
  }

  /// The repository's root (examples name files relative to it).
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  /// A bad value found while parsing (--size, --commands, --scenario) or only once the source is read
  /// (--at) shows the subcommand's own usage, not the top-level one, and exits 64.
  @Test(arguments: [
    ["render", "--scenario", "tour", "--size", "10x"],
    ["render", "--scenario", "tour", "--at", "99"],
    ["render", "--scenario", "tour", "--commands", "bogus"],
    ["render", "--scenario", "nosuch"],
    ["stats", "--scenario", "tour", "--at", "no-such-bookmark"],
    ["dump", "--scenario", "tour", "--at", "99", "--what", "busy"],
    ["check", "--scenario", "tour", "--every", "0"],
    ["stats", "--scenario", "tour", "--steps", "9223372036854775807"],
    ["stats", "--scenario", "tour", "--memory", "8T"],
    ["stats", "--scenario", "tour", "--cpus", "18446744073709551615"],
    ["diff", "--scenario", "tour", "--vs", "policy=fast"],
    ["diff", "--scenario", "tour", "--vs", "cpus=2147483648"],
    ["diff", "--scenario", "tour", "--vs", ""],
    ["diff", "--scenario", "tour"],
    ["contention", "--scenario", "test_vmalloc", "--cpus", "0,4"],
    ["contention", "--scenario", "test_vmalloc", "--cpus", "1,,4"],
    ["contention", "--scenario", "test_vmalloc", "--cpus", "9223372036854775808"],
    ["contention", "--scenario", "test_vmalloc", "--steps", "-1"],
    ["render", "--scenario", "tour", "--vs", "memdesc=maybe"],
    ["render", "--scenario", "tour", "--show", "tree"],
  ])
  func usageErrorsShowTheSubcommandsUsage(args: [String]) {
    let r = Self.mmscope(args)
    #expect(r.status == 64)
    #expect(r.error.hasPrefix("Error: "))
    #expect(r.error.contains("Usage: mmscope \(args[0]) "), "\(r.error)")
    #expect(r.error.contains("See 'mmscope \(args[0]) --help'"))
    #expect(!r.error.contains("mmscope <subcommand>"))
  }

  /// A file that cannot be read says why, as the system words it, and exits 66.
  @Test func unreadableFilesSayWhy() throws {
    for args in [
      ["check", "nosuch.mmtrace"], ["render", "nosuch.mmtrace"], ["stats", "nosuch.mmtrace"],
      ["dump", "nosuch.mmtrace", "--what", "busy"], ["import", "nosuch.mmtrace", "-o", "-"],
    ] {
      let r = Self.mmscope(args)
      #expect(r.status == 66, "\(args)")
      #expect(r.error == "mmscope: nosuch.mmtrace: No such file or directory\n", "\(args)")
      #expect(r.output.isEmpty)
    }
    let dir = Self.mmscope(["check", "/"])
    #expect(dir.status == 66)
    #expect(dir.error == "mmscope: /: Is a directory\n")
    let proc = Self.mmscope(["compare", "--scenario", "tour", "--proc", "/nosuch-proc"])
    #expect(proc.status == 66)
    #expect(proc.error == "mmscope: /nosuch-proc: No such file or directory\n")
    // Permissions do not stop root: only then is an unreadable file unreadable.
    if getuid() != 0 {
      let path = NSTemporaryDirectory() + "mmscope-unreadable-\(getpid()).mmtrace"
      try "mmtrace 1\n".write(toFile: path, atomically: false, encoding: .utf8)
      defer { unlink(path) }
      chmod(path, 0)
      let r = Self.mmscope(["check", path])
      #expect(r.status == 66)
      #expect(r.error == "mmscope: \(path): Permission denied\n")
    }
  }

  /// `render --size` below the view's minimum (40x12) or malformed is an error, not a squashed frame.
  @Test func renderSizeLimits() {
    for size in ["39x12", "40x11", "10x5"] {
      let r = Self.mmscope(["render", "--scenario", "teach-fits", "--size", size])
      #expect(r.status == 64, "\(size)")
      #expect(r.error.contains("--size must be at least 40x12"), "\(size): \(r.error)")
      #expect(r.output.isEmpty)
    }
    for size in ["10x", "x12", "120", "axb", "120x40x1"] {
      let r = Self.mmscope(["render", "--scenario", "teach-fits", "--size", size])
      #expect(r.status == 64, "\(size)")
      #expect(r.error.contains("--size expects WIDTHxHEIGHT, like 120x40; got '\(size)'"), "\(size): \(r.error)")
    }
    let smallest = Self.mmscope(["render", "--scenario", "teach-fits", "--size", "40x12"])
    #expect(smallest.status == 0)
    let lines = smallest.output.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
    #expect(smallest.output.hasSuffix("\n") && lines.count == 12)
    #expect(lines.allSatisfy { $0.count == 40 })
    #expect(!smallest.output.contains("mmscope needs at least"))
  }

  /// A long pool is printed 8 addresses a line, continued on lines indented by two spaces.
  @Test func dumpPoolsWrapsLongPools() throws {
    let r = Self.mmscope(["dump", "--scenario", "thread-stacks", "--what", "pools"])
    #expect(r.status == 0)
    let lines = r.output.split(separator: "\n").map(String.init)
    let first = try Regex(#"^node \d+ pool \d+: 0x[0-9a-f]+( 0x[0-9a-f]+){0,7}$"#)
    let continuation = try Regex(#"^  0x[0-9a-f]+( 0x[0-9a-f]+){0,7}$"#)
    #expect(lines.first.map { $0.wholeMatch(of: first) != nil } ?? false)
    #expect(lines.contains { $0.wholeMatch(of: continuation) != nil }, "some pool is longer than 8")
    for line in lines {
      #expect(line.wholeMatch(of: first) != nil || line.wholeMatch(of: continuation) != nil, "\(line)")
    }
    // Every pooled area is listed once.
    let addresses = lines.flatMap { $0.split(separator: " ").filter { $0.hasPrefix("0x") } }
    let stats = Self.mmscope(["stats", "--scenario", "thread-stacks", "--json"])
    let json = try JSONSerialization.jsonObject(with: Data(stats.output.utf8)) as? [String: Any]
    let pooled = (json?["vmalloc"] as? [String: Any])?["pooled_areas"] as? Int
    #expect(pooled == addresses.count)
    #expect(Set(addresses).count == addresses.count)
  }

  /// The words of a shell command line: split at blanks, double quotes kept together.
  static func words(_ line: String) -> [String] {
    var out: [String] = []
    var word = ""
    var quoted = false
    var inWord = false
    for c in line {
      if c == "\"" {
        quoted.toggle()
        inWord = true
      } else if c == " " && !quoted {
        if inWord { out.append(word) }
        word = ""
        inWord = false
      } else {
        word.append(c)
        inWord = true
      }
    }
    if inWord { out.append(word) }
    return out
  }

  /// The example command lines of a help text: the indented `mmscope ...` lines under "Example",
  /// continuation lines (after a trailing backslash) joined, comments (after two spaces) dropped.
  static func examples(inHelp help: String) -> [String] {
    var out: [String] = []
    var inExamples = false
    var pending = ""
    for line in help.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
      if line.hasPrefix("Example") {
        inExamples = true
        continue
      }
      guard inExamples else { continue }
      if line.isEmpty {
        inExamples = false
        continue
      }
      // An example wrapped by the help's width would start a line unindented.
      #expect(line.hasPrefix("  "), "an example line wrapped at 80 columns: '\(line)'")
      var text = line.trimmingCharacters(in: .whitespaces)
      if let comment = text.range(of: "  ") { text = String(text[..<comment.lowerBound]) }
      if text.hasSuffix("\\") {
        pending += text.dropLast().trimmingCharacters(in: .whitespaces) + " "
        continue
      }
      out.append(pending + text)
      pending = ""
    }
    return out
  }

  /// Every help's examples work from a clean checkout: the files they read are in the repository or
  /// written by an example before them, and those that do not open the view run and exit 0.
  @Test func helpExamplesWork() throws {
    let top = Self.mmscope(["--help"])
    let subcommands =
      top.output.components(separatedBy: "SUBCOMMANDS:").last?.split(separator: "\n")
      .compactMap { $0.hasPrefix("  ") ? $0.split(separator: " ").first.map(String.init) : nil }
      .filter { $0.allSatisfy { $0.isLowercase || $0 == "-" } } ?? []
    #expect(subcommands.contains("check") && subcommands.contains("render"))
    let scratch = NSTemporaryDirectory() + "mmscope-examples-\(getpid())"
    try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: scratch) }
    for name in [nil] + subcommands.filter({ $0 != "help" }).map(Optional.some) {
      // At 80 columns, so a long example wraps and the check above sees it.
      let help = TerminalViewTests.run(["env", "COLUMNS=80", Self.binary, "help"] + (name.map { [$0] } ?? []))
      let examples = Self.examples(inHelp: help.output)
      #expect(!examples.isEmpty, "no examples in the help of \(name ?? "mmscope")")
      var written: [String: String] = [:]
      for example in examples {
        var args = Array(Self.words(example).dropFirst())
        #expect(Self.words(example).first == "mmscope", "\(example)")
        for (i, word) in args.enumerated() where !word.hasPrefix("-") {
          if i > 0 && ["-o", "--output", "--asciicast"].contains(args[i - 1]) {
            written[word] = scratch + "/" + word
            args[i] = scratch + "/" + word
          } else if let path = written[word] {
            args[i] = path
          } else if word.contains("/") || [".mmtrace", ".gz", ".txt"].contains(where: { word.hasSuffix($0) }) {
            let path = Self.root.appendingPathComponent(word).path
            #expect(FileManager.default.fileExists(atPath: path), "'\(example)' names \(word), not in the repository")
            args[i] = path
          }
        }
        // The view needs a terminal (the tmux tests drive it): the default subcommand, `view`, and the
        // commands that open it on something (`sandbox`, `quiz`).
        let opensView =
          args.first.map { !subcommands.contains($0) || ["view", "sandbox", "quiz"].contains($0) } ?? true
        guard !opensView else { continue }
        let r = Self.mmscope(args)
        #expect(r.status == 0, "'\(example)' exited \(r.status): \(r.error)")
      }
    }
  }

  /// TERM=dumb and a TERM terminfo does not know: refused before curses starts, exit 2, the terminal
  /// as it was.
  @Test(arguments: [
    ("dumb", "needs a terminal that can move the cursor (TERM=dumb)"),
    ("bogus", "needs a terminal that terminfo describes (TERM=bogus is unknown)"),
  ])
  func viewRefusesTerminalsItCannotDrive(term: String, reason: String) {
    // The shell compares the terminal's settings before and after.
    let s = TerminalViewTests.Session(
      "s=$(stty -g); TERM=\(term) \(Self.binary) --scenario teach-fits; r=$?; "
        + "[ \"$s\" = \"$(stty -g)\" ] && echo TTY-SANE; (exit $r)", width: 200)
    defer { s.close() }
    let after = s.wait(for: "exit") { $0.contains("EXITED:") }
    #expect(after.contains("EXITED:2"))
    #expect(
      after.contains(
        "mmscope: the terminal view \(reason); try TERM=xterm-256color, or use 'mmscope render'"), "\(after)")
    #expect(after.contains("TTY-SANE"))
    #expect(!after.contains("vmalloc address space"))
    #expect(!after.contains("Error opening terminal"))
  }
}
