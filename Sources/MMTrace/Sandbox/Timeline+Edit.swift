import MMCore

extension Timeline {
  /// The script up to `step`: the machine, every item before the operation that would lead past it
  /// (bookmarks at that step kept, the next operation's narration not), expectations and lines.
  /// What `:w` saves.
  public func script(upTo step: Int) -> Script {
    let target = min(max(step, 0), stepCount)
    var kept: [ScriptItem]
    if target < stepCount {
      kept = Array(items[..<Int(opIndex[target])])
      // Narration written for the next operation belongs to it.
      while case .narrate = kept.last { kept.removeLast() }
    } else {
      kept = items
    }
    var s = Script(config: config, items: kept)
    s.expectations = expectations.filter { $0.key < target }
    s.sourceLines = Array(sourceLines.prefix(target))
    return s
  }

  /// This timeline cut at `step`, with `operation` (and the narration that says what it is)
  /// appended as step `step + 1`. The checkpoints up to the cut are kept, so typing in a long
  /// trace replays only from the last checkpoint below it.
  public func appending(_ operation: Operation, expect: Expectation?, narration: String?, after step: Int) -> Timeline {
    var script = script(upTo: step)
    let cut = min(max(step, 0), stepCount)
    if let narration { script.items.append(.narrate(narration)) }
    script.items.append(.operation(operation))
    if let expect { script.expectations[cut] = expect }
    return Timeline(script: script, reusing: self, upTo: cut)
  }

  /// A timeline for `script`, whose first `step` operations are this timeline's: checkpoints at or
  /// below that step are taken over and the rest is replayed.
  init(script: Script, reusing old: Timeline, upTo step: Int) {
    self.init(
      script: script, interval: old.interval, reusing: Array(old.checkpoints.prefix(step / old.interval + 1)))
  }
}
