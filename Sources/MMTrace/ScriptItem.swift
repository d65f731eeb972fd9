import MMCore

/// One line of a script: an engine operation (a step), or narration and bookmarks for guided tours
/// (not steps).
public enum ScriptItem: Sendable, Equatable {
  case operation(Operation)
  /// Text shown in the explain pane from this point on.
  case narrate(String)
  /// A named position: the state after the operations before it.
  case bookmark(String)

  public var operation: Operation? {
    if case .operation(let op) = self { return op }
    return nil
  }
}

/// A machine configuration and the items to run on it.
public struct Script: Sendable {
  public var config: MachineConfig
  public var items: [ScriptItem]
  /// What operations must produce, by operation index (0-based), from `expect=`.
  public var expectations: [Int: Expectation] = [:]
  /// The source line of each operation, when the script came from a file.
  public var sourceLines: [Int] = []
  /// What an import left out of the kernel trace though its lines were valid (events beyond the
  /// model, frees of unknown size), one sentence each, for `check` and `stats` to say.
  public var notes: [String] = []

  public init(config: MachineConfig, items: [ScriptItem]) {
    self.config = config
    self.items = items
  }

  /// The number of steps (operations).
  public var stepCount: Int { items.reduce(0) { $0 + ($1.operation == nil ? 0 : 1) } }

  /// Bookmarks with the step they stand at.
  public var bookmarks: [(name: String, step: Int)] {
    var step = 0
    var out: [(String, Int)] = []
    for item in items {
      switch item {
      case .operation: step += 1
      case .bookmark(let n): out.append((n, step))
      case .narrate: break
      }
    }
    return out
  }
}
