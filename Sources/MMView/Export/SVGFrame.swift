/// A frame as a standalone SVG for slides: every cell at its grid position, colours and attributes
/// kept, box drawing as the font draws it. Runs of cells with one style become one `<text>` stretched
/// to exactly their cells, so columns line up whatever the viewer's monospace font.
public enum SVGFrame {
  /// Cell size in SVG user units (a 14-unit monospace font is about 8.4 wide).
  static let cellWidth = 8.4
  static let cellHeight = 17.0
  static let fontSize = 14.0

  /// The xterm palette for the 16 colours; the default colours are a dark slide's.
  static func hex(_ c: Color, foreground: Bool) -> String {
    switch c {
    case .default: return foreground ? "#d0d0d0" : "#1c1c1c"
    case .black: return "#000000"
    case .red: return "#cd3131"
    case .green: return "#0dbc79"
    case .yellow: return "#e5e510"
    case .blue: return "#2472c8"
    case .magenta: return "#bc3fbc"
    case .cyan: return "#11a8cd"
    case .white: return "#e5e5e5"
    case .brightBlack: return "#666666"
    case .brightRed: return "#f14c4c"
    case .brightGreen: return "#23d18b"
    case .brightYellow: return "#f5f543"
    case .brightBlue: return "#3b8eea"
    case .brightMagenta: return "#d670d6"
    case .brightCyan: return "#29b8db"
    case .brightWhite: return "#ffffff"
    }
  }

  /// The colours a style draws with, reverse video applied.
  static func colours(_ s: Style) -> (fg: String, bg: String?) {
    var fg = hex(s.fg, foreground: true)
    var bg: String? = s.bg == .default ? nil : hex(s.bg, foreground: false)
    if s.reverse {
      let newFg = bg ?? hex(.default, foreground: false)
      bg = fg
      fg = newFg
    }
    return (fg, bg)
  }

  public static func render(_ b: Buffer, title: String? = nil) -> String {
    let w = Double(b.width) * cellWidth
    let h = Double(b.height) * cellHeight
    var out = """
      <?xml version="1.0" encoding="UTF-8"?>
      <svg xmlns="http://www.w3.org/2000/svg" width="\(fmt(w))" height="\(fmt(h))" viewBox="0 0 \(fmt(w)) \(fmt(h))">

      """
    if let title { out += "<title>\(escape(title))</title>\n" }
    out += "<rect width=\"100%\" height=\"100%\" fill=\"\(hex(.default, foreground: false))\"/>\n"
    out +=
      "<g font-family=\"'DejaVu Sans Mono', 'Menlo', 'Consolas', monospace\" font-size=\"\(fmt(fontSize))\" "
      + "xml:space=\"preserve\">\n"
    for y in 0..<b.height {
      var x = 0
      while x < b.width {
        let style = b[x, y].style
        var end = x + 1
        while end < b.width && b[end, y].style == style { end += 1 }
        out += run(b, y: y, from: x, to: end, style: style)
        x = end
      }
    }
    out += "</g>\n</svg>\n"
    return out
  }

  /// One run of equally styled cells: its background, then its text (spaces alone draw no text).
  static func run(_ b: Buffer, y: Int, from: Int, to: Int, style: Style) -> String {
    let (fg, bg) = colours(style)
    var out = ""
    let x0 = Double(from) * cellWidth
    let width = Double(to - from) * cellWidth
    if let bg {
      out +=
        "<rect x=\"\(fmt(x0))\" y=\"\(fmt(Double(y) * cellHeight))\" width=\"\(fmt(width))\" "
        + "height=\"\(fmt(cellHeight))\" fill=\"\(bg)\"/>\n"
    }
    var text = ""
    for x in from..<to { text.unicodeScalars.append(b[x, y].glyph) }
    guard text.contains(where: { $0 != " " }) || style.underline else { return out }
    var attrs = "x=\"\(fmt(x0))\" y=\"\(fmt(Double(y) * cellHeight + cellHeight * 0.78))\" fill=\"\(fg)\""
    attrs += " textLength=\"\(fmt(width))\" lengthAdjust=\"spacingAndGlyphs\""
    if style.bold { attrs += " font-weight=\"bold\"" }
    if style.dim { attrs += " fill-opacity=\"0.6\"" }
    if style.underline { attrs += " text-decoration=\"underline\"" }
    out += "<text \(attrs)>\(escape(text))</text>\n"
    return out
  }

  static func fmt(_ v: Double) -> String {
    let r = (v * 100).rounded() / 100
    return r == r.rounded() ? String(Int(r)) : String(r)
  }

  static func escape(_ s: String) -> String {
    var out = ""
    for c in s.unicodeScalars {
      switch c {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      default:
        // XML 1.0 has no place for other control characters.
        if c.value < 0x20 { out += " " } else { out.unicodeScalars.append(c) }
      }
    }
    return out
  }
}
