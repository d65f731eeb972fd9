/// Frames as an asciicast v2 recording (https://docs.asciinema.org/manual/asciicast/v2/): a JSON
/// header line, then one `[time, "o", text]` line per frame, each frame drawn from a cleared screen
/// with ANSI colours, so `asciinema play` shows the steps as a slide show.
public struct Asciicast {
  public let width: Int
  public let height: Int
  public var title: String?
  /// Seconds each frame stays before the next.
  public var secondsPerFrame: Double
  private var events: [String] = []
  private var time = 0.0

  public init(width: Int, height: Int, title: String? = nil, secondsPerFrame: Double = 1) {
    self.width = width
    self.height = height
    self.title = title
    self.secondsPerFrame = secondsPerFrame
  }

  public var frameCount: Int { events.count }

  /// Adds a frame, shown `secondsPerFrame` after the previous one (the first at time 0).
  public mutating func add(_ frame: Buffer) {
    // Home and clear, then the rows; a terminal needs CR LF, and the last row ends without one so the
    // screen does not scroll.
    var text = "\u{1b}[H\u{1b}[2J"
    let rows = frame.ansi.split(separator: "\n", omittingEmptySubsequences: false)
    text += rows.prefix(frame.height).joined(separator: "\r\n")
    events.append("[\(Self.number(time)), \"o\", \(Self.jsonString(text))]")
    time += secondsPerFrame
  }

  /// The whole file.
  public var text: String {
    var header = "{\"version\": 2, \"width\": \(width), \"height\": \(height)"
    if let title { header += ", \"title\": \(Self.jsonString(title))" }
    header += ", \"env\": {\"TERM\": \"xterm-256color\"}}"
    return ([header] + events).joined(separator: "\n") + "\n"
  }

  static func number(_ v: Double) -> String {
    let r = (v * 1000).rounded() / 1000
    return String(r)
  }

  /// A JSON string literal: quotes, backslashes and control characters escaped.
  public static func jsonString(_ s: String) -> String {
    var out = "\""
    for c in s.unicodeScalars {
      switch c {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      default:
        if c.value < 0x20 {
          let h = String(c.value, radix: 16)
          out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
        } else {
          out.unicodeScalars.append(c)
        }
      }
    }
    return out + "\""
  }
}
