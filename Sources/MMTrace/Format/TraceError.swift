/// A problem in an input file, with where it is and what was expected there.
public struct TraceError: Error, Sendable, Equatable, CustomStringConvertible {
  public var file: String
  /// 1-based; 0 when the problem is the file as a whole.
  public var line: Int
  public var column: Int
  public var message: String

  public init(file: String, line: Int, column: Int, message: String) {
    self.file = file
    self.line = line
    self.column = column
    self.message = message
  }

  public var description: String {
    line == 0 ? "\(file): \(message)" : "\(file):\(line):\(column): \(message)"
  }
}
