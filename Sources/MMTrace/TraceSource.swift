import Foundation
import MMCore

/// Where the steps come from: a trace file (format detected from its content) or a scenario.
public enum TraceSource {
  /// Problems that make a file unusable as a whole, or the per-line problems of a .mmtrace file.
  public struct LoadError: Error, CustomStringConvertible {
    public var errors: [TraceError]
    /// What could still be used: every line that was valid (`check`, `stats` and `import` go on
    /// with it and exit 65 at the end).
    public var partial: Script?
    /// How many problems there were (`errors` keeps the first thousand).
    public var count: Int
    public init(errors: [TraceError], partial: Script? = nil, count: Int? = nil) {
      self.errors = errors
      self.partial = partial
      self.count = max(count ?? errors.count, errors.count)
    }
    public var description: String { errors.map(\.description).joined(separator: "\n") }
  }

  /// The formats a SOURCE file can be in.
  public enum Format: String, Sendable {
    case mmtrace
    case kernel = "kernel trace"
  }

  /// Which format a file is in, from its first bytes (gzip is always a kernel trace).
  public static func detect(path: String) throws -> Format {
    let name = (path as NSString).lastPathComponent
    guard let h = FileHandle(forReadingAtPath: path) else {
      throw LoadError(errors: [TraceError(file: name, line: 0, column: 0, message: "cannot read the file")])
    }
    defer { try? h.close() }
    let head = h.readData(ofLength: 65536)
    if head.isEmpty {
      throw LoadError(errors: [TraceError(file: name, line: 0, column: 0, message: "the file is empty")])
    }
    if head.starts(with: [0x1f, 0x8b]) {
      // Compressed: its first lines decide, as for plain text (a lesson may be a .mmtrace.gz).
      guard let reader = try? LineReader(path: path) else { return .kernel }
      for _ in 0..<200 {
        guard let line = try? reader.nextLine() else { break }
        let t = line.drop { $0 == " " || $0 == "\t" }
        if t.isEmpty || t.hasPrefix("#") { continue }
        return t.hasPrefix("mmtrace") ? .mmtrace : .kernel
      }
      return .kernel
    }
    if head.contains(0) {
      throw LoadError(errors: [
        TraceError(file: name, line: 0, column: 0, message: "a binary file: expected .mmtrace text or a kernel trace")
      ])
    }
    let text = String(decoding: head, as: UTF8.self)
    for line in text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }).prefix(200) {
      let t = line.drop { $0 == " " || $0 == "\t" }
      if t.isEmpty || t.hasPrefix("#") { continue }
      if t.hasPrefix("mmtrace") { return .mmtrace }
      if KernelTraceParser.looksLikeEvent(line) { return .kernel }
    }
    return .mmtrace
  }

  /// Reads and parses `path`, whichever format. Throws `LoadError` with every problem found.
  public static func load(path: String, progress: ((Int, UInt64, UInt64) -> Void)? = nil) throws -> Script {
    let name = (path as NSString).lastPathComponent
    if try detect(path: path) == .kernel {
      let imported: KernelImport
      do {
        imported = try KernelImporter.importFile(path: path, progress: progress)
      } catch let e as LineReader.ReadError {
        throw LoadError(errors: [
          TraceError(
            file: name, line: 0, column: 0, message: e.description.replacingOccurrences(of: "\(name): ", with: ""))
        ])
      }
      var script = imported.document.script
      script.notes = imported.notes
      if !imported.errors.isEmpty {
        // Nothing usable when no event was read at all.
        throw LoadError(
          errors: imported.errors, partial: imported.document.lines.isEmpty ? nil : script, count: imported.errorCount)
      }
      return script
    }
    // Read a line at a time: memory stays bounded by the document, not the file's longest line.
    let reader: LineReader
    do {
      reader = try LineReader(path: path)
    } catch {
      throw LoadError(errors: [TraceError(file: name, line: 0, column: 0, message: "cannot read the file")])
    }
    var parser = TraceParser(file: name)
    while let line = try reader.nextLineBytes() {
      parse(line, number: reader.lineNumber, overlong: reader.overlongLine, into: &parser)
    }
    return try finish(&parser)
  }

  /// One line's bytes into the parser: text if it is UTF-8, a problem at its place if not.
  static func parse(_ bytes: ArraySlice<UInt8>, number: Int, overlong: Int?, into parser: inout TraceParser) {
    if let overlong {
      parser.overlong(number, overlong)
    } else if let text = String(validating: bytes, as: UTF8.self) {
      parser.parse(line: Substring(text), number: number)
    } else {
      parser.notText(number, column: Self.firstInvalidUTF8(bytes) + 1)
    }
  }

  /// The offset of the first byte that is not part of valid UTF-8.
  static func firstInvalidUTF8(_ bytes: ArraySlice<UInt8>) -> Int {
    var decoder = UTF8()
    var it = bytes.makeIterator()
    var offset = 0
    while case .scalarValue(let c) = decoder.decode(&it) { offset += UTF8.width(c) }
    return offset
  }

  static func finish(_ parser: inout TraceParser) throws -> Script {
    let doc = parser.finish()
    if !parser.errors.isEmpty {
      throw LoadError(
        errors: parser.errors, partial: doc.lines.isEmpty && !doc.hasMachineLine ? nil : doc.script,
        count: parser.errorCount)
    }
    return doc.script
  }

  public static func load(data: Data, name: String) throws -> Script {
    if data.isEmpty {
      throw LoadError(errors: [TraceError(file: name, line: 0, column: 0, message: "the file is empty")])
    }
    if data.starts(with: [0x1f, 0x8b]) {
      throw LoadError(errors: [
        TraceError(
          file: name, line: 0, column: 0,
          message: "gzip-compressed input is only read for kernel traces; gunzip a .mmtrace first")
      ])
    }
    if data.prefix(4096).contains(0) {
      throw LoadError(errors: [
        TraceError(file: name, line: 0, column: 0, message: "a binary file: expected .mmtrace text")
      ])
    }
    var parser = TraceParser(file: name)
    let bytes = [UInt8](data)
    var number = 0
    for line in bytes.split(separator: 0x0a, omittingEmptySubsequences: false) {
      number += 1
      let overlong = line.count > TraceParser.maxLineBytes ? line.count : nil
      parse(line.last == 0x0d ? line.dropLast() : line, number: number, overlong: overlong, into: &parser)
    }
    return try finish(&parser)
  }
}
