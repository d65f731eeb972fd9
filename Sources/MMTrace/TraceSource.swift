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
    if head.starts(with: [0x1f, 0x8b]) { return .kernel }
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
      if !imported.errors.isEmpty {
        // Nothing usable when no event was read at all.
        let partial = imported.document.lines.isEmpty ? nil : imported.document.script
        throw LoadError(errors: imported.errors, partial: partial, count: imported.errorCount)
      }
      return imported.document.script
    }
    guard let data = FileManager.default.contents(atPath: path) else {
      throw LoadError(errors: [TraceError(file: name, line: 0, column: 0, message: "cannot read the file")])
    }
    return try load(data: data, name: name)
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
    guard let text = String(data: data, encoding: .utf8) else {
      throw LoadError(errors: [TraceError(file: name, line: 0, column: 0, message: "not UTF-8 text")])
    }
    var parser = TraceParser(file: name)
    let doc = parser.parse(text)
    if !parser.errors.isEmpty {
      throw LoadError(
        errors: parser.errors, partial: doc.lines.isEmpty && !doc.hasMachineLine ? nil : doc.script,
        count: parser.errorCount)
    }
    return doc.script
  }
}
