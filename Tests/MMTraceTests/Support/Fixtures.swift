import Foundation

/// Files under Tests/Fixtures, found relative to this source file so a clone needs nothing beside it.
enum Fixtures {
  static let root = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures")

  static func lines(_ relative: String) throws -> [String] {
    try String(contentsOf: root.appendingPathComponent(relative), encoding: .utf8)
      .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
  }
}
