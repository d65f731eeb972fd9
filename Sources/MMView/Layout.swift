/// Where each part of the frame goes at a given size: plain rectangle arithmetic.
public struct Layout: Sendable, Equatable {
  public var panels: [PanelID: Rect] = [:]
  public var explain: Rect?
  public var status: Rect
  /// Set when the terminal is below the minimum: only a message is drawn.
  public var tooSmall: Bool

  public static let minimumWidth = 40
  public static let minimumHeight = 12

  /// Full layout from 100x30: address space across the top, tree and log on the left, buddy, direct
  /// map and explain on the right. Smaller: the log, then the direct map and buddy panels drop out.
  /// A maximized panel takes everything above the status line.
  public static func compute(width: Int, height: Int, maximized: PanelID? = nil) -> Layout {
    let all = Rect(x: 0, y: 0, width: width, height: height)
    let (status, body) = all.splitRows(-1)
    var l = Layout(status: status, tooSmall: width < minimumWidth || height < minimumHeight)
    if l.tooSmall { return l }
    if let m = maximized {
      l.panels[m] = body
      return l
    }
    let addressHeight = height >= 30 ? 8 : 6
    let (top, rest) = body.splitRows(addressHeight)
    l.panels[.addressSpace] = top
    if width >= 100 && height >= 30 {
      let (left, right) = rest.splitColumns(width * 11 / 20)
      let (log, tree) = left.splitRows(-9)
      l.panels[.tree] = tree
      l.panels[.log] = log
      let (buddy, r2) = right.splitRows(15)
      let (dmap, explain) = r2.splitRows(8)
      l.panels[.buddy] = buddy
      l.panels[.directMap] = dmap
      l.explain = explain
    } else if width >= 70 && height >= 20 {
      let (left, right) = rest.splitColumns(width / 2)
      l.panels[.tree] = left
      let (buddy, r2) = right.splitRows(min(9, right.height / 2))
      let (dmap, explain) = r2.splitRows(min(5, r2.height / 2))
      l.panels[.buddy] = buddy
      l.panels[.directMap] = dmap
      l.explain = explain
    } else {
      let (left, right) = rest.splitColumns(width / 2)
      l.panels[.tree] = left
      l.explain = right
    }
    return l
  }
}
