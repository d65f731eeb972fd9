// Red-black insertion and erasure with the same case analysis, the same rotations and the same
// augmented-callback calls as lib/rbtree.c (`__rb_insert`, `__rb_erase_augmented`, `__rb_erase_color`).
// The shape matters: it decides which block the lowest-match search reaches when align > PAGE_SIZE.
extension AreaTree {
  @inline(__always) func isRed(_ id: NodeID) -> Bool { id != noNode && nodes[Int(id)].color == .red }
  @inline(__always) func isBlack(_ id: NodeID) -> Bool { id == noNode || nodes[Int(id)].color == .black }

  @inline(__always) mutating func setParentColor(_ id: NodeID, _ parent: NodeID, _ color: RBColor) {
    nodes[Int(id)].parent = parent
    nodes[Int(id)].color = color
  }

  @inline(__always) mutating func setParent(_ id: NodeID, _ parent: NodeID) {
    nodes[Int(id)].parent = parent
  }

  /// Points `parent`'s link (or the root) that held `old` at `new`.
  @inline(__always) mutating func changeChild(_ old: NodeID, _ new: NodeID, parent: NodeID) {
    if parent == noNode {
      root = new
    } else if nodes[Int(parent)].left == old {
      nodes[Int(parent)].left = new
    } else {
      nodes[Int(parent)].right = new
    }
  }

  /// `new` takes `old`'s parent and colour; `old` becomes `new`'s child with `color`.
  @inline(__always) mutating func rotateSetParents(_ old: NodeID, _ new: NodeID, _ color: RBColor) {
    let parent = nodes[Int(old)].parent
    nodes[Int(new)].parent = parent
    nodes[Int(new)].color = nodes[Int(old)].color
    setParentColor(old, new, color)
    changeChild(old, new, parent: parent)
  }

  // MARK: Insert

  /// Restores the red-black properties after linking the red leaf `id`.
  mutating func insertRebalance(_ id: NodeID) {
    var node = id
    var parent = nodes[Int(node)].parent
    while true {
      if parent == noNode {
        // The inserted node (or a recoloured grandparent) is the root: it turns black.
        setParentColor(node, noNode, .black)
        if recordingSteps { noteStep(.rootBlack(span(node))) }
        break
      }
      if isBlack(parent) {
        if recordingSteps { noteStep(.insertDone(parent: span(parent))) }
        break
      }
      let gparent = nodes[Int(parent)].parent
      var tmp = nodes[Int(gparent)].right
      if parent != tmp {
        // The parent is the grandparent's left child.
        if tmp != noNode && isRed(tmp) {
          // Case 1: red uncle, recolour and continue from the grandparent.
          setParentColor(tmp, gparent, .black)
          setParentColor(parent, gparent, .black)
          let inserted = node
          node = gparent
          parent = nodes[Int(node)].parent
          setParentColor(node, parent, .red)
          if recordingSteps {
            noteStep(
              .insertRecolour(
                node: span(inserted), parent: span(nodes[Int(inserted)].parent), uncle: span(tmp),
                grandparent: span(node)))
          }
          continue
        }
        tmp = nodes[Int(parent)].right
        if node == tmp {
          // Case 2: the node is an inner child; rotate left at the parent to make it outer.
          tmp = nodes[Int(node)].left
          nodes[Int(parent)].right = tmp
          nodes[Int(node)].left = parent
          if tmp != noNode { setParentColor(tmp, parent, .black) }
          setParentColor(parent, node, .red)
          augmentRotate(old: parent, new: node)
          if recordingSteps { noteConsistent(.insertRotateParent(at: span(parent), direction: .left), node, gparent) }
          parent = node
          tmp = nodes[Int(node)].right
        }
        // Case 3: outer child, rotate right at the grandparent.
        nodes[Int(gparent)].left = tmp
        nodes[Int(parent)].right = gparent
        if tmp != noNode { setParentColor(tmp, gparent, .black) }
        rotateSetParents(gparent, parent, .red)
        augmentRotate(old: gparent, new: parent)
        if recordingSteps { noteStep(.insertRotateGrandparent(at: span(gparent), direction: .right)) }
        break
      } else {
        // The mirror image: the parent is the grandparent's right child.
        tmp = nodes[Int(gparent)].left
        if tmp != noNode && isRed(tmp) {
          setParentColor(tmp, gparent, .black)
          setParentColor(parent, gparent, .black)
          let inserted = node
          node = gparent
          parent = nodes[Int(node)].parent
          setParentColor(node, parent, .red)
          if recordingSteps {
            noteStep(
              .insertRecolour(
                node: span(inserted), parent: span(nodes[Int(inserted)].parent), uncle: span(tmp),
                grandparent: span(node)))
          }
          continue
        }
        tmp = nodes[Int(parent)].left
        if node == tmp {
          tmp = nodes[Int(node)].right
          nodes[Int(parent)].left = tmp
          nodes[Int(node)].right = parent
          if tmp != noNode { setParentColor(tmp, parent, .black) }
          setParentColor(parent, node, .red)
          augmentRotate(old: parent, new: node)
          if recordingSteps { noteConsistent(.insertRotateParent(at: span(parent), direction: .right), node, gparent) }
          parent = node
          tmp = nodes[Int(node)].left
        }
        nodes[Int(gparent)].right = tmp
        nodes[Int(parent)].left = gparent
        if tmp != noNode { setParentColor(tmp, gparent, .black) }
        rotateSetParents(gparent, parent, .red)
        augmentRotate(old: gparent, new: parent)
        if recordingSteps { noteStep(.insertRotateGrandparent(at: span(gparent), direction: .left)) }
        break
      }
    }
  }

  // MARK: Erase

  /// Removes `id` from the tree (not the list): splice or replace by the in-order successor, propagate
  /// the augmented values, then repair colours where a black node was lost.
  mutating func erase(_ id: NodeID) {
    let node = nodes[Int(id)]
    let child = node.right
    var tmp = node.left
    var rebalance = noNode
    var propagateFrom: NodeID

    if tmp == noNode {
      // At most one child (the right one): splice the node out.
      let parent = node.parent
      changeChild(id, child, parent: parent)
      if child != noNode {
        setParentColor(child, parent, node.color)
      } else if node.color == .black {
        rebalance = parent
      }
      propagateFrom = parent
      if recordingSteps { noteStep(.eraseSplice(node: span(id), child: child == noNode ? nil : span(child))) }
    } else if child == noNode {
      // Only a left child: it takes the node's place and colour.
      let parent = node.parent
      setParentColor(tmp, parent, node.color)
      changeChild(id, tmp, parent: parent)
      propagateFrom = parent
      if recordingSteps { noteStep(.eraseSplice(node: span(id), child: span(tmp))) }
    } else {
      var successor = child
      var parent: NodeID
      let child2: NodeID
      tmp = nodes[Int(child)].left
      if tmp == noNode {
        // The successor is the right child itself.
        parent = successor
        child2 = nodes[Int(successor)].right
        augmentCopy(old: id, new: successor)
      } else {
        // The successor is the leftmost node under the right child.
        repeat {
          parent = successor
          successor = tmp
          tmp = nodes[Int(tmp)].left
        } while tmp != noNode
        child2 = nodes[Int(successor)].right
        nodes[Int(parent)].left = child2
        nodes[Int(successor)].right = child
        setParent(child, successor)
        augmentCopy(old: id, new: successor)
        // The successor's old parent chain is recomputed inside the restructuring: shown as part of it.
        let log = stepLog
        stepLog = nil
        propagate(from: parent, stop: successor)
        stepLog = log
      }
      tmp = node.left
      nodes[Int(successor)].left = tmp
      setParent(tmp, successor)
      changeChild(id, successor, parent: node.parent)
      if child2 != noNode {
        setParentColor(child2, parent, .black)
      } else if isBlack(successor) {
        rebalance = parent
      }
      nodes[Int(successor)].parent = node.parent
      nodes[Int(successor)].color = node.color
      propagateFrom = successor
      if recordingSteps { noteStep(.eraseSuccessor(node: span(id), successor: span(successor))) }
    }
    propagate(from: propagateFrom, stop: noNode)
    if rebalance != noNode { eraseColor(rebalance) }
    nodes[Int(id)].left = noNode
    nodes[Int(id)].right = noNode
    nodes[Int(id)].parent = noNode
  }

  /// Repairs the black height below `parent` after erasure (`____rb_erase_color`).
  private mutating func eraseColor(_ start: NodeID) {
    var parent = start
    var node = noNode
    while true {
      var sibling = nodes[Int(parent)].right
      if node != sibling {
        // The node is the parent's left child.
        if isRed(sibling) {
          // Case 1: red sibling, rotate left at the parent.
          let tmp1 = nodes[Int(sibling)].left
          nodes[Int(parent)].right = tmp1
          nodes[Int(sibling)].left = parent
          setParentColor(tmp1, parent, .black)
          rotateSetParents(parent, sibling, .red)
          augmentRotate(old: parent, new: sibling)
          if recordingSteps { noteStep(.eraseRotateRedSibling(parent: span(parent), direction: .left)) }
          sibling = tmp1
        }
        var tmp1 = nodes[Int(sibling)].right
        if isBlack(tmp1) {
          let tmp2 = nodes[Int(sibling)].left
          if isBlack(tmp2) {
            // Case 2: black sibling with black children, recolour and move up.
            setParentColor(sibling, parent, .red)
            let parentWasRed = isRed(parent)
            if parentWasRed { nodes[Int(parent)].color = .black }
            if recordingSteps {
              noteStep(.eraseRecolourSibling(sibling: span(sibling), parent: span(parent), parentWasRed: parentWasRed))
            }
            if !parentWasRed {
              node = parent
              parent = nodes[Int(node)].parent
              if parent != noNode { continue }
            }
            break
          }
          // Case 3: the sibling's inner child is red, rotate right at the sibling.
          tmp1 = nodes[Int(tmp2)].right
          nodes[Int(sibling)].left = tmp1
          nodes[Int(tmp2)].right = sibling
          nodes[Int(parent)].right = tmp2
          if tmp1 != noNode { setParentColor(tmp1, sibling, .black) }
          augmentRotate(old: sibling, new: tmp2)
          if recordingSteps {
            noteConsistent(.eraseRotateSibling(at: span(sibling), direction: .right), tmp2, parent, lifted: sibling)
          }
          tmp1 = sibling
          sibling = tmp2
        }
        // Case 4: the sibling's outer child is red, rotate left at the parent and recolour.
        let tmp2 = nodes[Int(sibling)].left
        nodes[Int(parent)].right = tmp2
        nodes[Int(sibling)].left = parent
        setParentColor(tmp1, sibling, .black)
        if tmp2 != noNode { setParent(tmp2, parent) }
        rotateSetParents(parent, sibling, .black)
        augmentRotate(old: parent, new: sibling)
        if recordingSteps { noteStep(.eraseRotateParent(at: span(parent), direction: .left)) }
        break
      } else {
        // The mirror image: the node is the parent's right child.
        sibling = nodes[Int(parent)].left
        if isRed(sibling) {
          let tmp1 = nodes[Int(sibling)].right
          nodes[Int(parent)].left = tmp1
          nodes[Int(sibling)].right = parent
          setParentColor(tmp1, parent, .black)
          rotateSetParents(parent, sibling, .red)
          augmentRotate(old: parent, new: sibling)
          if recordingSteps { noteStep(.eraseRotateRedSibling(parent: span(parent), direction: .right)) }
          sibling = tmp1
        }
        var tmp1 = nodes[Int(sibling)].left
        if isBlack(tmp1) {
          let tmp2 = nodes[Int(sibling)].right
          if isBlack(tmp2) {
            setParentColor(sibling, parent, .red)
            let parentWasRed = isRed(parent)
            if parentWasRed { nodes[Int(parent)].color = .black }
            if recordingSteps {
              noteStep(.eraseRecolourSibling(sibling: span(sibling), parent: span(parent), parentWasRed: parentWasRed))
            }
            if !parentWasRed {
              node = parent
              parent = nodes[Int(node)].parent
              if parent != noNode { continue }
            }
            break
          }
          tmp1 = nodes[Int(tmp2)].left
          nodes[Int(sibling)].right = tmp1
          nodes[Int(tmp2)].left = sibling
          nodes[Int(parent)].left = tmp2
          if tmp1 != noNode { setParentColor(tmp1, sibling, .black) }
          augmentRotate(old: sibling, new: tmp2)
          if recordingSteps {
            noteConsistent(.eraseRotateSibling(at: span(sibling), direction: .left), tmp2, parent, lifted: sibling)
          }
          tmp1 = sibling
          sibling = tmp2
        }
        let tmp2 = nodes[Int(sibling)].right
        nodes[Int(parent)].left = tmp2
        nodes[Int(sibling)].right = parent
        setParentColor(tmp1, sibling, .black)
        if tmp2 != noNode { setParent(tmp2, parent) }
        rotateSetParents(parent, sibling, .black)
        augmentRotate(old: parent, new: sibling)
        if recordingSteps { noteStep(.eraseRotateParent(at: span(parent), direction: .right)) }
        break
      }
    }
  }

  /// Records a rotation lib/rbtree.c leaves half-linked for the next case to finish (insert case 2
  /// does not set the rotated node's parent; erase case 3 sets neither parent): the snapshot shows
  /// the tree as that rotation made it, `top` under `above` (and `lifted` under `top`), then the
  /// live links are put back exactly as the kernel's code has them.
  mutating func noteConsistent(_ kind: TreeStepKind, _ top: NodeID, _ above: NodeID, lifted: NodeID = noNode) {
    let savedTop = nodes[Int(top)].parent
    let savedLifted = lifted == noNode ? noNode : nodes[Int(lifted)].parent
    let savedLeft = nodes[Int(above)].left
    let savedRight = nodes[Int(above)].right
    let old = savedTop
    nodes[Int(top)].parent = above
    if lifted != noNode { nodes[Int(lifted)].parent = top }
    // In insert case 2 `above` (the grandparent) still points at the old parent.
    if old != above {
      if nodes[Int(above)].left == old { nodes[Int(above)].left = top }
      if nodes[Int(above)].right == old { nodes[Int(above)].right = top }
    }
    noteStep(kind)
    nodes[Int(top)].parent = savedTop
    if lifted != noNode { nodes[Int(lifted)].parent = savedLifted }
    nodes[Int(above)].left = savedLeft
    nodes[Int(above)].right = savedRight
  }
}
