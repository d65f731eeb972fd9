import MMCore
import MMTrace
import Testing

@testable import MMView

/// The tree panel's lines for a large tree: every node is either drawn or counted in exactly one
/// closed summary; the path to the focus is open; the drawn part stays small.
@Suite struct TreeLinesTests {
  /// A free tree with many nodes: every other area of a long run freed.
  func fragmentedTree(areas: Int) -> AreaTree {
    var m = Machine(config: MachineConfig(cpus: 1, vmapNodes: false))
    var names: [String] = []
    for i in 0..<areas {
      m.apply(.vmalloc(VmallocRequest(size: 4096, name: "a\(i)")))
      names.append("a\(i)")
    }
    for (i, n) in names.enumerated() where i % 2 == 0 { m.apply(.vfree(.name(n), cpu: 0)) }
    m.apply(.purge)
    return m.kva.current!.free
  }

  @Test(arguments: [0, 1, 3])
  func everyNodeDrawnOrCountedOnce(zoom: Int) {
    let tree = fragmentedTree(areas: 2000)
    #expect(tree.count > 900)
    let ids = tree.idsInOrder
    for focus in [ids[0], ids[ids.count / 3], ids.last!, tree.root] {
      let lines = TreePanel.lines(tree, focus: focus, top: 2 + zoom, below: 2 + zoom)
      var drawn = 0
      var counted = 0
      for l in lines {
        switch l.content {
        case .node: drawn += 1
        case .closed(let count, let max):
          counted += count
          #expect(max == tree[l.id].subtreeMax)
        }
      }
      #expect(drawn + counted == tree.count)
      // The focus and all its ancestors are drawn.
      var n = focus
      while n != noNode {
        #expect(lines.contains { $0.id == n && { if case .node = $0.content { true } else { false } }($0) })
        n = tree[n].parent
      }
      // A bounded number of lines, whatever the tree's size: about four per level on the path.
      #expect(lines.count <= 4 * tree.height + (1 << (3 + zoom)) * 4)
    }
  }
}
