import MMCore

/// Colours and glyphs. In monochrome (NO_COLOR, or a terminal without colours) every state still has
/// a glyph of its own, so nothing depends on colour alone.
public struct Theme: Sendable {
  public var color: Bool

  public init(color: Bool) { self.color = color }

  func style(_ fg: Color, bold: Bool = false) -> Style { color ? Style(fg: fg, bold: bold) : Style(bold: bold) }

  public var border: Style { style(.brightBlack) }
  public var focusedBorder: Style { style(.cyan, bold: true) }
  public var label: Style { style(.brightBlack) }
  public var highlight: Style { color ? Style(fg: .black, bg: .yellow) : Style(reverse: true) }
  public var red: Style { style(.red, bold: true) }
  public var black: Style { color ? Style(fg: .white, bold: true) : Style(bold: true) }
  public var changed: Style { style(.yellow, bold: true) }
  public var error: Style { style(.red, bold: true) }
  /// The selected area's pages where other panels show them (cross-panel linking).
  public var linked: Style { color ? Style(fg: .black, bg: .magenta) : Style(bold: true, underline: true) }
  /// The tour's narration in the explain pane.
  public var narration: Style { color ? Style(fg: .cyan) : Style(bold: true) }
  /// A compressed free run on the address axis.
  public var compressed: Style { color ? Style(fg: .brightBlack) : Style(dim: true) }
  /// Free buddy blocks on the memory strip.
  public var free: Style { style(.green) }

  /// Address-space cells. Areas nobody recorded (present before a trace began) get a glyph of their
  /// own, so they stand out without colour too.
  /// Without colour a busy area's kind is told by a letter (vmalloc keeps the plain block).
  static func kindLetter(_ kind: AreaKind) -> Unicode.Scalar {
    switch kind {
    case .module: "M"
    case .stack: "S"
    case .vmap, .ioremap, .vmMapRam: "V"
    case .progPack: "P"
    case .percpu: "C"
    default: "█"
    }
  }

  public func glyph(_ state: AreaView.State, kind: AreaKind = .vmalloc) -> Unicode.Scalar {
    switch state {
    case .busy: kind == .unknown ? "▚" : color ? "█" : Self.kindLetter(kind)
    case .lazy: "▒"
    case .pooled: "▓"
    case .free: "·"
    }
  }

  public func style(_ state: AreaView.State, kind: AreaKind) -> Style {
    switch state {
    case .busy:
      switch kind {
      case .vmalloc: return style(.green)
      case .stack: return style(.blue)
      case .module: return style(.magenta)
      case .progPack: return style(.red)
      case .ioremap, .vmap, .vmMapRam: return style(.cyan)
      case .percpu: return style(.brightGreen)
      case .unknown: return style(.white)
      }
    case .lazy: return style(.yellow)
    case .pooled: return style(.brightMagenta)
    case .free: return style(.brightBlack)
    }
  }
}
