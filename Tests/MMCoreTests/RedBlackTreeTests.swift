import Testing

@testable import MMCore

/// lib/rbtree.c's insert and erase cases, each driven on purpose, with the resulting shapes and colours
/// worked out by hand. Keys are area starts; each area [k, k + k/10) so sizes differ.
@Suite struct RedBlackTreeTests {
  /// Builds a tree of areas [k, k + k/10) for each key, inserted in order.
  func tree(_ keys: [UInt64], augmented: Bool = false) -> AreaTree {
    var t = AreaTree(augmented: augmented)
    for k in keys {
      let id = t.makeNode(start: k, end: k + k / 10)
      let linked = t.insert(id)
      #expect(linked)
    }
    return t
  }

  /// Pre-order "depth colour key" strings.
  func shape(_ t: AreaTree) -> [String] {
    t.preorder().map { "\($0.depth) \($0.node.color == .red ? "R" : "B")\($0.node.start)" }
  }

  func erase(_ t: inout AreaTree, _ key: UInt64) {
    let id = t.find(startingAt: key)!
    t.unlink(id)
    t.releaseNode(id)
    #expect(t.violations(name: "tree").isEmpty, "\(t.violations(name: "tree"))")
  }

  @Test func insertOuterChildRotatesAtGrandparent() {
    // 10, 20, 30: the third is the right child of a red right child (case 3, left rotation).
    #expect(shape(tree([10, 20, 30])) == ["0 B20", "1 R10", "1 R30"])
    // The mirror: descending keys rotate right.
    #expect(shape(tree([30, 20, 10])) == ["0 B20", "1 R10", "1 R30"])
  }

  @Test func insertInnerChildRotatesTwice() {
    // 10, 30, 20: 20 is the inner (left) child of red 30: case 2 rotates at 30, case 3 at 10.
    #expect(shape(tree([10, 30, 20])) == ["0 B20", "1 R10", "1 R30"])
    #expect(shape(tree([30, 10, 20])) == ["0 B20", "1 R10", "1 R30"])
  }

  @Test func insertWithRedUncleRecolours() {
    // 20, 10, 30 then 40: the uncle 10 is red, so 10 and 30 turn black and 20 (the root) stays black.
    #expect(shape(tree([20, 10, 30, 40])) == ["0 B20", "1 B10", "1 B30", "2 R40"])
  }

  @Test func ascendingInsertsBuildTheKernelShape() {
    // 10..60 ascending: recolour at 40, rotate at 30 for 50, recolour at 60 leaving 40 red.
    #expect(shape(tree([10, 20, 30, 40, 50, 60])) == ["0 B20", "1 B10", "1 R40", "2 B30", "2 B50", "3 R60"])
  }

  @Test func eraseRedLeafNeedsNoRepair() {
    var t = tree([20, 10, 30, 40])
    erase(&t, 40)
    #expect(shape(t) == ["0 B20", "1 B10", "1 B30"])
  }

  @Test func eraseBlackLeafWithRedOuterNephew() {
    // Case 4: sibling 30 is black with a red right child: rotate left at 20.
    var t = tree([20, 10, 30, 40])
    erase(&t, 10)
    #expect(shape(t) == ["0 B30", "1 B20", "1 B40"])
  }

  @Test func eraseBlackLeafWithRedInnerNephew() {
    // Case 3 then 4: sibling 30 has only a red left child 25: rotate right at 30, then left at 20.
    var t = tree([10, 20, 30, 25])
    #expect(shape(t) == ["0 B20", "1 B10", "1 B30", "2 R25"])
    erase(&t, 10)
    #expect(shape(t) == ["0 B25", "1 B20", "1 B30"])
  }

  @Test func eraseWithRedSiblingRotatesFirst() {
    // Case 1: sibling 40 is red: rotate left at 20, then case 2 recolours 30 red and 20 black.
    var t = tree([10, 20, 30, 40, 50, 60])
    erase(&t, 10)
    #expect(shape(t) == ["0 B40", "1 B20", "2 R30", "1 B50", "2 R60"])
  }

  @Test func eraseBlackLeafWithBlackNephewsRecolours() {
    // Case 2 climbing: all black below a black parent pushes the deficit up to the root.
    var t = tree([20, 10, 30, 40])
    erase(&t, 40)
    erase(&t, 10)
    #expect(shape(t) == ["0 B20", "1 R30"])
  }

  @Test func eraseNodeWhoseSuccessorIsItsRightChild() {
    var t = tree([10, 20, 30, 40, 50, 60])
    erase(&t, 40)
    #expect(shape(t) == ["0 B20", "1 B10", "1 R50", "2 B30", "2 B60"])
  }

  @Test func eraseNodeWhoseSuccessorIsDeeper() {
    // Erasing the root 20: its successor 30 is the leftmost under 40; removing 30's old place leaves
    // a black deficit under 40, repaired by a left rotation at 40.
    var t = tree([10, 20, 30, 40, 50, 60])
    erase(&t, 20)
    #expect(shape(t) == ["0 B30", "1 B10", "1 R50", "2 B40", "2 B60"])
  }

  @Test func listFollowsTreeOrder() {
    var t = tree([50, 20, 80, 10, 30, 70, 90, 60])
    #expect(t.inOrder.map(\.start) == [10, 20, 30, 50, 60, 70, 80, 90])
    erase(&t, 50)
    erase(&t, 10)
    #expect(t.inOrder.map(\.start) == [20, 30, 60, 70, 80, 90])
    #expect(t.first == t.find(startingAt: 20) && t.last == t.find(startingAt: 90))
  }

  @Test func augmentedMaximaFollowInsertsAndErases() {
    // Sizes are key/10: the maximum is always the largest key's tenth.
    var t = tree([10, 20, 30, 40, 50, 60], augmented: true)
    #expect(t[t.root].subtreeMax == 6)
    #expect(t.violations(name: "tree").isEmpty)
    erase(&t, 60)
    #expect(t[t.root].subtreeMax == 5)
    erase(&t, 20)
    // Root is now 30 (see eraseNodeWhoseSuccessorIsDeeper): max over 10, 30, 40, 50 is 5.
    #expect(t[t.root].start == 30 && t[t.root].subtreeMax == 5)
    let leftMax = t[t[t.root].left].subtreeMax
    #expect(leftMax == 1)
  }

  @Test func propagationStopsWhereTheValueDoesNotChange() {
    // The kernel's own example: root 4--8 with children 2--2 and 8--8. Shrinking the root to 2
    // changes nothing; shrinking the right child to 6 updates it and the root.
    var t = AreaTree(augmented: true)
    let root = t.makeNode(start: 100, end: 104)
    t.insert(root)
    let l = t.makeNode(start: 10, end: 12)
    t.insert(l)
    let r = t.makeNode(start: 200, end: 208)
    t.insert(r)
    #expect(t[root].subtreeMax == 8 && t[l].subtreeMax == 2 && t[r].subtreeMax == 8)
    t.logMaxChanges = true
    t.setEnd(root, 102)
    t.propagate(from: root, stop: noNode)
    #expect(t.maxLog.isEmpty, "shrinking the root below its children's maximum writes nothing")
    t.setEnd(r, 206)
    t.propagate(from: r, stop: noNode)
    #expect(t[r].subtreeMax == 6 && t[root].subtreeMax == 6)
    #expect(t.maxLog.map(\.id) == [r, root])
  }
}
