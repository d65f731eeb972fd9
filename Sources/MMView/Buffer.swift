/// A rectangle of cells, in cell coordinates (x right, y down).
public struct Rect: Sendable, Equatable {
  public var x: Int
  public var y: Int
  public var width: Int
  public var height: Int

  public init(x: Int, y: Int, width: Int, height: Int) {
    self.x = x
    self.y = y
    self.width = max(0, width)
    self.height = max(0, height)
  }

  public var isEmpty: Bool { width == 0 || height == 0 }
  public var maxX: Int { x + width }
  public var maxY: Int { y + height }

  /// The rectangle shrunk by `n` cells on every side (a border's inside).
  public func inset(_ n: Int) -> Rect { Rect(x: x + n, y: y + n, width: width - 2 * n, height: height - 2 * n) }

  /// Splits off `count` columns (negative: from the right) and returns (taken, rest).
  public func splitColumns(_ count: Int) -> (Rect, Rect) {
    let n = min(abs(count), width)
    if count >= 0 {
      return (Rect(x: x, y: y, width: n, height: height), Rect(x: x + n, y: y, width: width - n, height: height))
    }
    return (Rect(x: maxX - n, y: y, width: n, height: height), Rect(x: x, y: y, width: width - n, height: height))
  }

  /// Splits off `count` rows (negative: from the bottom) and returns (taken, rest).
  public func splitRows(_ count: Int) -> (Rect, Rect) {
    let n = min(abs(count), height)
    if count >= 0 {
      return (Rect(x: x, y: y, width: width, height: n), Rect(x: x, y: y + n, width: width, height: height - n))
    }
    return (Rect(x: x, y: maxY - n, width: width, height: n), Rect(x: x, y: y, width: width, height: height - n))
  }
}

/// One cell: a character (one column wide) and its style.
public struct Cell: Sendable, Equatable {
  public var glyph: Unicode.Scalar
  public var style: Style

  public init(_ glyph: Unicode.Scalar = " ", _ style: Style = .plain) {
    self.glyph = glyph
    self.style = style
  }
}

/// A frame: a grid of cells that panels draw into and the terminal layer (or a test) reads. Drawing
/// outside the buffer or the clip rectangle is ignored, so panels never need bounds checks.
public struct Buffer: Sendable, Equatable {
  public let width: Int
  public let height: Int
  public private(set) var cells: [Cell]

  public init(width: Int, height: Int) {
    self.width = max(0, width)
    self.height = max(0, height)
    cells = Array(repeating: Cell(), count: self.width * self.height)
  }

  public var area: Rect { Rect(x: 0, y: 0, width: width, height: height) }

  public subscript(x: Int, y: Int) -> Cell {
    get { cells[y * width + x] }
    set {
      guard x >= 0, y >= 0, x < width, y < height else { return }
      cells[y * width + x] = newValue
    }
  }

  /// Writes `text` from (x, y), clipped to `clip` (default: the whole buffer). Returns the column after
  /// the last written character.
  @discardableResult
  public mutating func put(_ x: Int, _ y: Int, _ text: String, _ style: Style = .plain, clip: Rect? = nil) -> Int {
    let c = clip ?? area
    guard y >= c.y, y < c.maxY, y >= 0, y < height else { return x + text.unicodeScalars.count }
    var col = x
    for scalar in text.unicodeScalars {
      if col >= c.x && col < c.maxX && col >= 0 && col < width { cells[y * width + col] = Cell(scalar, style) }
      col += 1
    }
    return col
  }

  /// Fills a rectangle with one glyph and style.
  public mutating func fill(_ r: Rect, _ glyph: Unicode.Scalar = " ", _ style: Style = .plain) {
    for y in max(0, r.y)..<min(height, r.maxY) where r.x < r.maxX {
      for x in max(0, r.x)..<min(width, r.maxX) { cells[y * width + x] = Cell(glyph, style) }
    }
  }

  /// Changes the style of a rectangle's cells, keeping their glyphs.
  public mutating func restyle(_ r: Rect, _ change: (inout Style) -> Void) {
    for y in max(0, r.y)..<min(height, r.maxY) where r.x < r.maxX {
      for x in max(0, r.x)..<min(width, r.maxX) { change(&cells[y * width + x].style) }
    }
  }

  /// A box-drawing border around `r` with a title in its top edge.
  public mutating func border(_ r: Rect, title: String = "", style: Style = .plain, titleStyle: Style? = nil) {
    guard r.width >= 2, r.height >= 2 else { return }
    put(r.x, r.y, "┌" + String(repeating: "─", count: r.width - 2) + "┐", style)
    for y in (r.y + 1)..<(r.maxY - 1) {
      put(r.x, y, "│", style)
      put(r.maxX - 1, y, "│", style)
    }
    put(r.x, r.maxY - 1, "└" + String(repeating: "─", count: r.width - 2) + "┘", style)
    if !title.isEmpty && r.width > 4 {
      // A title too long for the border keeps its first words whole and ends with "…".
      put(
        r.x + 1, r.y, " " + fitted(title, width: r.width - 4) + " ", titleStyle ?? style.emboldened,
        clip: Rect(x: r.x + 1, y: r.y, width: r.width - 2, height: 1))
    }
  }

  /// The frame as plain text, one line a row, trailing spaces kept (the exact grid).
  public var text: String {
    var out = ""
    out.unicodeScalars.reserveCapacity((width + 1) * height)
    for y in 0..<height {
      for x in 0..<width { out.unicodeScalars.append(cells[y * width + x].glyph) }
      out.unicodeScalars.append("\n")
    }
    return out
  }

  /// The frame with ANSI SGR escapes, resetting at each style change and at the end of each row.
  public var ansi: String {
    var out = ""
    for y in 0..<height {
      var current = Style.plain
      for x in 0..<width {
        let c = cells[y * width + x]
        if c.style != current {
          let p = c.style.sgr
          out += "\u{1b}[0" + (p.isEmpty ? "" : ";" + p.map(String.init).joined(separator: ";")) + "m"
          current = c.style
        }
        out.unicodeScalars.append(c.glyph)
      }
      if current != .plain { out += "\u{1b}[0m" }
      out += "\n"
    }
    return out
  }
}

extension Buffer {
  /// Copies `other` with its top-left corner at (x, y), clipped to this buffer.
  public mutating func draw(_ other: Buffer, at x: Int, _ y: Int) {
    for row in 0..<other.height where y + row >= 0 && y + row < height {
      for col in 0..<other.width where x + col >= 0 && x + col < width {
        self[x + col, y + row] = other[col, row]
      }
    }
  }
}
