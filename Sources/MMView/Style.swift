/// The eight ANSI colours and their bright variants, plus the terminal's default.
public enum Color: UInt8, Sendable, Equatable, CaseIterable {
  case `default` = 255
  case black = 0
  case red, green, yellow, blue, magenta, cyan, white
  case brightBlack = 8
  case brightRed, brightGreen, brightYellow, brightBlue, brightMagenta, brightCyan, brightWhite
}

/// How a cell is drawn: colours and attributes.
public struct Style: Sendable, Equatable, Hashable {
  public var fg: Color
  public var bg: Color
  public var bold: Bool
  public var dim: Bool
  public var reverse: Bool
  public var underline: Bool

  public init(
    fg: Color = .default, bg: Color = .default, bold: Bool = false, dim: Bool = false, reverse: Bool = false,
    underline: Bool = false
  ) {
    self.fg = fg
    self.bg = bg
    self.bold = bold
    self.dim = dim
    self.reverse = reverse
    self.underline = underline
  }

  public static let plain = Style()

  public func with(fg: Color) -> Style {
    var s = self
    s.fg = fg
    return s
  }

  public var reversed: Style {
    var s = self
    s.reverse.toggle()
    return s
  }

  public var underlined: Style {
    var s = self
    s.underline = true
    return s
  }

  public var emboldened: Style {
    var s = self
    s.bold = true
    return s
  }

  /// The SGR parameters that select this style from a reset terminal.
  var sgr: [Int] {
    var p: [Int] = []
    if bold { p.append(1) }
    if dim { p.append(2) }
    if underline { p.append(4) }
    if reverse { p.append(7) }
    if fg != .default { p.append(fg.rawValue < 8 ? 30 + Int(fg.rawValue) : 90 + Int(fg.rawValue) - 8) }
    if bg != .default { p.append(bg.rawValue < 8 ? 40 + Int(bg.rawValue) : 100 + Int(bg.rawValue) - 8) }
    return p
  }
}
