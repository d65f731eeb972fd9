import MMCore

/// One parsed line of a `.mmtrace` file that is not a comment: an item, its expectation, its line.
public struct TraceLine: Sendable, Equatable {
  public var item: ScriptItem
  public var expect: Expectation?
  public var line: Int

  public init(item: ScriptItem, expect: Expectation? = nil, line: Int = 0) {
    self.item = item
    self.expect = expect
    self.line = line
  }
}

/// A parsed `.mmtrace` file.
public struct TraceDocument: Sendable, Equatable {
  public static let version = 1
  public var config: MachineConfig
  /// Whether the file had a `machine` line (else the default machine).
  public var hasMachineLine: Bool
  public var lines: [TraceLine]

  public init(config: MachineConfig, hasMachineLine: Bool = true, lines: [TraceLine]) {
    self.config = config
    self.hasMachineLine = hasMachineLine
    self.lines = lines
  }

  /// The runnable script, with expectations and source lines by operation.
  public var script: Script {
    var s = Script(config: config, items: lines.map(\.item))
    var op = 0
    for l in lines where l.item.operation != nil {
      if let e = l.expect { s.expectations[op] = e }
      s.sourceLines.append(l.line)
      op += 1
    }
    return s
  }

  /// A document from a script (scenario → file), expectations carried over.
  public init(script: Script) {
    config = script.config
    hasMachineLine = true
    var op = 0
    lines = script.items.map { item in
      defer { if item.operation != nil { op += 1 } }
      return TraceLine(item: item, expect: item.operation == nil ? nil : script.expectations[op])
    }
  }
}
