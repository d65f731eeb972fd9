import MMTrace

/// Commands by name from the command table, run without a terminal: `mmscope render --commands`
/// turns "cursor-left cursor-left inspect" into the frame a person would see after those keys.
public enum ScriptedInput {
  public struct ParseError: Error, CustomStringConvertible {
    /// 1-based position of the bad word.
    public var word: Int
    public var text: String
    public var description: String {
      "word \(word): '\(text)' is not a command; expected one of: "
        + CommandID.allCases.map(\.rawValue).joined(separator: ", ")
    }
  }

  /// Names separated by spaces or commas.
  public static func parse(_ text: String) throws(ParseError) -> [CommandID] {
    let words = text.split { $0 == " " || $0 == "," || $0 == "\t" }
    var out: [CommandID] = []
    for (i, w) in words.enumerated() {
      guard let c = CommandID(rawValue: String(w)) else { throw ParseError(word: i + 1, text: String(w)) }
      out.append(c)
    }
    return out
  }

  /// Applies the commands in order from `state`, moving in time as they say; returns the frame input
  /// for where they end.
  public static func run(
    _ commands: [CommandID], state: inout UIState, timeline: inout Timeline, source: String
  ) -> FrameInput {
    var input = FrameInput(timeline: &timeline, step: state.step, source: source, phases: state.phase != nil)
    for c in commands {
      state.apply(c, timeline: &timeline, input: input)
      if state.step != input.step || (state.phase != nil && !input.hasPhases) {
        input = FrameInput(timeline: &timeline, step: state.step, source: source, phases: state.phase != nil)
      }
    }
    return input
  }
}
