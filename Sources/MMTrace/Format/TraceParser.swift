import MMCore

/// Reads `.mmtrace` text (grammar in docs/TRACE_FORMAT.md). Every problem is collected with its line
/// and column; lines that parse are kept, so `check` can report all problems at once.
public struct TraceParser {
  public let file: String
  public private(set) var errors: [TraceError] = []

  public init(file: String) { self.file = file }

  struct Token {
    var text: Substring
    var column: Int
  }

  /// Lines longer than this are refused (as the kernel trace reader does).
  public static let maxLineBytes = 1 << 16

  /// The document so far, for a file read line by line (`parse(line:number:)`, then `finish()`).
  var doc = TraceDocument(config: MachineConfig(cpus: 1), hasMachineLine: false, lines: [])
  var sawHeader = false
  var sawOperation = false

  /// Parses a whole file. Returns the document made of the lines that parsed; `errors` lists the rest.
  public mutating func parse(_ text: String) -> TraceDocument {
    var lineNo = 0
    for raw in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
      lineNo += 1
      parse(line: raw, number: lineNo)
    }
    return finish()
  }

  /// The document of every line given, with the problem of a file that had no header.
  public mutating func finish() -> TraceDocument {
    if !sawHeader { fail(0, 0, "empty file: expected the header 'mmtrace \(TraceDocument.version)'") }
    return doc
  }

  /// One line of a file (without its line end).
  public mutating func parse(line raw: Substring, number lineNo: Int) {
    let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
    if line.utf8.count > Self.maxLineBytes {
      overlong(lineNo, line.utf8.count)
      return
    }
    let tokens = Self.tokenize(line)
    guard let head = tokens.first, !head.text.hasPrefix("#") else { return }
    if !sawHeader {
      if head.text == "mmtrace" {
        sawHeader = true
        if tokens.count != 2 || tokens[1].text != "\(TraceDocument.version)" {
          fail(
            lineNo, tokens.count > 1 ? tokens[1].column : head.column + 7,
            "expected 'mmtrace \(TraceDocument.version)' (this reader knows version \(TraceDocument.version))")
        }
        return
      }
      fail(lineNo, head.column, "expected the header 'mmtrace \(TraceDocument.version)' before anything else")
      sawHeader = true
    }
    switch head.text {
    case "mmtrace":
      fail(lineNo, head.column, "a second header")
    case "machine":
      if sawOperation || doc.hasMachineLine {
        fail(lineNo, head.column, "the machine line must come once, before the first operation")
      } else {
        doc.config = machineKeepingValid(tokens.dropFirst(), line: lineNo)
        doc.hasMachineLine = true
      }
    case "early-busy":
      // More early-busy areas than fit a machine line (an import that learned many).
      if sawOperation {
        fail(lineNo, head.column, "early-busy lines must come before the first operation")
      } else if tokens.count != 2 {
        fail(lineNo, head.column, "expected 'early-busy START-END,...'")
      } else if let spans = earlyBusy(tokens[1].text, column: tokens[1].column, line: lineNo, what: "early-busy") {
        doc.config.kva.earlyBusy += spans
      }
    case "narrate":
      let rest = line.dropFirst(head.column - 1 + 7).drop { $0 == " " || $0 == "\t" }
      if rest.isEmpty { fail(lineNo, head.column, "narrate needs text") }
      doc.lines.append(TraceLine(item: .narrate(String(rest)), line: lineNo))
    case "bookmark":
      if tokens.count != 2 || tokens[1].text.contains("=") {
        fail(lineNo, head.column, "expected 'bookmark NAME' with one name")
      } else {
        doc.lines.append(TraceLine(item: .bookmark(String(tokens[1].text)), line: lineNo))
      }
    default:
      sawOperation = true
      if let (op, expect) = operation(head, Array(tokens.dropFirst()), line: lineNo) {
        doc.lines.append(TraceLine(item: .operation(op), expect: expect, line: lineNo))
      }
    }
  }

  /// A line that is not UTF-8 text (the rest of the file is still read).
  public mutating func notText(_ lineNo: Int, column: Int) {
    fail(lineNo, column, "not UTF-8 text")
  }

  /// A line too long to be one (reported, not held).
  public mutating func overlong(_ lineNo: Int, _ length: Int) {
    fail(lineNo, 1, "a line of \(length) bytes: .mmtrace lines are at most \(Self.maxLineBytes / 1024) KiB")
  }

  static func tokenize(_ line: Substring) -> [Token] {
    var out: [Token] = []
    var i = line.startIndex
    var column = 1
    while i < line.endIndex {
      if line[i] == " " || line[i] == "\t" {
        i = line.index(after: i)
        column += 1
        continue
      }
      let start = i
      let startColumn = column
      while i < line.endIndex && line[i] != " " && line[i] != "\t" {
        i = line.index(after: i)
        column += 1
      }
      out.append(Token(text: line[start..<i], column: startColumn))
      if out.last!.text.hasPrefix("#") && out.count > 1 {
        out.removeLast()
        break
      }
    }
    return out
  }

  /// Every problem counts; the first thousand are kept with their place (a damaged file of millions
  /// of lines must not hold millions of messages).
  public private(set) var errorCount = 0

  mutating func fail(_ line: Int, _ column: Int, _ message: String) {
    errorCount += 1
    guard errors.count < 1000 else { return }
    errors.append(TraceError(file: file, line: line, column: column, message: message))
  }

  // MARK: Arguments

  /// Positional words and `key=value` (or bare flag) arguments of one line, checked against the
  /// operation's allowed keys.
  struct Args {
    var positional: [Token] = []
    var keys: [String: Token] = [:]
    var flags: Set<String> = []
  }

  mutating func args(
    _ tokens: [Token], allowed: Set<String>, flags allowedFlags: Set<String> = [], line: Int, op: String
  )
    -> Args?
  {
    var a = Args()
    var ok = true
    for t in tokens {
      if let eq = t.text.firstIndex(of: "=") {
        let key = String(t.text[..<eq])
        let value = t.text[t.text.index(after: eq)...]
        if !allowed.contains(key) {
          fail(
            line, t.column,
            "\(op) takes no '\(key)='"
              + (allowed.isEmpty ? "" : "; it takes \(allowed.sorted().joined(separator: "=, "))="))
          ok = false
        } else if a.keys[key] != nil {
          fail(line, t.column, "'\(key)=' given twice")
          ok = false
        } else if value.isEmpty {
          fail(line, t.column, "'\(key)=' needs a value")
          ok = false
        } else {
          a.keys[key] = Token(text: value, column: t.column + key.count + 1)
        }
      } else if allowedFlags.contains(String(t.text)) {
        a.flags.insert(String(t.text))
      } else {
        a.positional.append(t)
      }
    }
    return ok ? a : nil
  }

  /// A number or size argument; `max` (with what it stands for) bounds it where the kernel bounds it.
  mutating func number(
    _ a: Args, _ key: String, line: Int, default value: UInt64? = nil, size: Bool = false,
    max: (limit: UInt64, why: String)? = nil
  ) -> UInt64?? {
    guard let t = a.keys[key] else { return .some(value) }
    guard let v = size ? TraceValues.size(t.text) : TraceValues.number(t.text) else {
      fail(
        line, t.column,
        "'\(key)=\(t.text)' is not a \(size ? "size (like 4096, 0x1000 or 12K)" : "number (decimal or 0x hex)")")
      return nil
    }
    if let max, v > max.limit {
      fail(line, t.column, "'\(key)=\(t.text)' is above \(TraceValues.sizeText(max.limit)) (\(max.why))")
      return nil
    }
    return .some(v)
  }

  /// The bound on one request's size, alignment or module section.
  static let sizeLimit = (InputLimits.maxRequestSize, "the kernel half of the address space")

  mutating func small(_ a: Args, _ key: String, line: Int, range: ClosedRange<Int>, default value: Int) -> Int? {
    guard let t = a.keys[key] else { return value }
    guard let v = Int(t.text), range.contains(v) else {
      fail(line, t.column, "'\(key)=\(t.text)' must be a whole number in \(range.lowerBound)...\(range.upperBound)")
      return nil
    }
    return v
  }

  mutating func positional(_ a: Args, count: Int, line: Int, column: Int, op: String, what: String) -> [Token]? {
    if a.positional.count != count {
      let at = a.positional.count > count ? a.positional[count].column : column
      fail(line, at, "\(op) expects \(what)")
      return nil
    }
    return a.positional
  }

  static func target(_ t: Token) -> AreaRef {
    TraceValues.number(t.text).map { .address($0) } ?? .name(String(t.text))
  }

  static func pageTarget(_ t: Token) -> PageRef {
    TraceValues.number(t.text).map { .pfn($0) } ?? .name(String(t.text))
  }

  /// A pfn given as a number must be below 2^40 (MAX_PHYSMEM_BITS 52); a name is checked later.
  mutating func checkPFN(_ ref: PageRef, _ t: Token, line: Int) -> Bool {
    guard case .pfn(let pfn) = ref, pfn >= InputLimits.pfnLimit else { return true }
    fail(line, t.column, "pfn \(t.text) is not below 2^40 (x86-64's 52 physical address bits)")
    return false
  }

  mutating func expectation(_ a: Args, line: Int) -> Expectation?? {
    guard let t = a.keys["expect"] else { return .some(nil) }
    guard let e = Expectation.parse(t.text) else {
      fail(
        line, t.column,
        "'expect=\(t.text)' is not a list of addresses, fit types (FL LE RE NE), errors (EINVAL ENOENT ERANGE EBUSY ENOMEM), pool, ok, purged:N, lazy:N, visited:N, range:0xS-0xE, walked:N, merged:0xPFN, order:N, head or tail"
      )
      return nil
    }
    return .some(e)
  }
}
