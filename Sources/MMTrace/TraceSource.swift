import Foundation
import MMCore

/// Where the steps come from: a trace file (format detected from its content) or a scenario.
public enum TraceSource {
  /// Problems that make a file unusable as a whole, or the per-line problems of a .mmtrace file.
  public struct LoadError: Error, CustomStringConvertible {
    public var errors: [TraceError]
    /// What could still be used (for `check`, which lists every problem and runs what parsed).
    public var partial: Script?
    public var description: String { errors.map(\.description).joined(separator: "\n") }
  }

  /// Reads and parses `path`. Throws `LoadError` with every problem found.
  public static func load(path: String) throws -> Script {
    let name = (path as NSString).lastPathComponent
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
    if !parser.errors.isEmpty { throw LoadError(errors: parser.errors, partial: doc.script) }
    return doc.script
  }
}
