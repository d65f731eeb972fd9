/// Where each part of the frame goes at a given size: plain rectangle arithmetic.
public struct Layout: Sendable, Equatable {
  public var panels: [PanelID: Rect] = [:]
  public var status: Rect
  /// Set when the terminal is below the minimum: only a message is drawn.
  public var tooSmall: Bool

  public static let minimumWidth = 40
  public static let minimumHeight = 12

  /// Full layout from 100x30: the address space across the top; the tree over the explain pane on
  /// the left; buddy lists, direct map and event log on the right. From 70x20 the log drops out;
  /// below that the buddy and direct-map panels too. A maximized panel takes everything above the
  /// status line.
  public static func compute(width: Int, height: Int, maximized: PanelID? = nil) -> Layout {
    let all = Rect(x: 0, y: 0, width: width, height: height)
    let (status, body) = all.splitRows(-1)
    var l = Layout(status: status, tooSmall: width < minimumWidth || height < minimumHeight)
    if l.tooSmall { return l }
    if let m = maximized {
      l.panels[m] = body
      return l
    }
    let addressHeight = height >= 30 ? max(8, height / 5) : 6
    let (top, rest) = body.splitRows(addressHeight)
    l.panels[.addressSpace] = top
    if width >= 100 && height >= 30 {
      let (left, right) = rest.splitColumns(width * 11 / 20)
      let (explain, tree) = left.splitRows(-max(9, rest.height * 2 / 5))
      l.panels[.tree] = tree
      l.panels[.explain] = explain
      let (buddy, r2) = right.splitRows(min(15, max(8, right.height - 9)))
      l.panels[.buddy] = buddy
      // The direct map keeps at least 6 rows; the log gets what is left only if that is 4 or more.
      if r2.height >= 10 {
        let (log, dmap) = r2.splitRows(-max(6, r2.height / 3))
        l.panels[.directMap] = dmap
        l.panels[.log] = log
      } else {
        l.panels[.directMap] = r2
      }
    } else if width >= 70 && height >= 20 {
      let (left, right) = rest.splitColumns(width / 2)
      let (explain, tree) = left.splitRows(-(left.height / 2))
      l.panels[.tree] = tree
      l.panels[.explain] = explain
      let (buddy, dmap) = right.splitRows(right.height / 2 + 1)
      l.panels[.buddy] = buddy
      l.panels[.directMap] = dmap
    } else {
      let (left, right) = rest.splitColumns(width / 2)
      l.panels[.tree] = left
      l.panels[.explain] = right
    }
    return l
  }
}
