/// An address-ordered red-black tree of areas plus the address-ordered list the kernel keeps beside it
/// (`rb_root` + `list_head`). With `augmented` set it maintains `subtree_max_size` through the same
/// copy/rotate/propagate callbacks as `RB_DECLARE_CALLBACKS_MAX`, so operations give the kernel's shape,
/// colours and values. Nodes live in an array and link by index, so copying the tree is a checkpoint.
public struct AreaTree: Sendable {
  public let augmented: Bool
  var nodes: [AreaNode] = []
  var freeSlots: [NodeID] = []
  public internal(set) var root: NodeID = noNode
  /// The lowest-addressed area (`list_first_entry`).
  public internal(set) var first: NodeID = noNode
  /// The highest-addressed area (`list_last_entry`).
  public internal(set) var last: NodeID = noNode
  public internal(set) var count = 0
  /// While set, every write to a `subtreeMax` is logged so a report can say which values changed.
  var logMaxChanges = false
  var maxLog: [(id: NodeID, old: UInt64)] = []
  /// While set, every rebalancing, propagation and clip/merge step is recorded (see `TreeStep`).
  var stepLog: TreeStepLog? = nil

  public init(augmented: Bool) {
    self.augmented = augmented
  }

  @inline(__always) public subscript(id: NodeID) -> AreaNode { nodes[Int(id)] }

  public var isEmpty: Bool { root == noNode }

  /// Slots in the node storage (linked or released), for checking a recorded slot still exists.
  public var slotCount: Int { nodes.count }

  // MARK: Storage

  /// Takes a fresh node (not yet linked) for `[start, end)`.
  mutating func makeNode(start: UInt64, end: UInt64) -> NodeID {
    if let id = freeSlots.popLast() {
      nodes[Int(id)] = AreaNode(start: start, end: end)
      return id
    }
    nodes.append(AreaNode(start: start, end: end))
    return NodeID(nodes.count - 1)
  }

  /// Returns an unlinked node's slot (the kernel's `kmem_cache_free`).
  mutating func releaseNode(_ id: NodeID) {
    nodes[Int(id)].start = 0
    nodes[Int(id)].end = 0
    freeSlots.append(id)
  }

  @inline(__always) mutating func setStart(_ id: NodeID, _ v: UInt64) { nodes[Int(id)].start = v }
  @inline(__always) mutating func setEnd(_ id: NodeID, _ v: UInt64) { nodes[Int(id)].end = v }
  @inline(__always) mutating func setVnID(_ id: NodeID, _ v: UInt32) { nodes[Int(id)].vnID = v }
  @inline(__always) mutating func setOwner(_ id: NodeID, _ v: UInt32) { nodes[Int(id)].owner = v }
  @inline(__always) mutating func setLazyFree(_ id: NodeID, _ v: Bool) { nodes[Int(id)].lazyFree = v }

  @inline(__always) func maxOf(_ id: NodeID) -> UInt64 { id == noNode ? 0 : nodes[Int(id)].subtreeMax }

  @inline(__always) mutating func writeMax(_ id: NodeID, _ v: UInt64) {
    if logMaxChanges { maxLog.append((id, nodes[Int(id)].subtreeMax)) }
    nodes[Int(id)].subtreeMax = v
  }

  // MARK: Lookups

  /// The area containing `addr` (`__find_vmap_area`).
  public func find(containing addr: UInt64) -> NodeID? {
    var n = root
    while n != noNode {
      let node = nodes[Int(n)]
      if addr < node.start {
        n = node.left
      } else if addr >= node.end {
        n = node.right
      } else {
        return n
      }
    }
    return nil
  }

  /// The area starting exactly at `addr` (the pre-5.2 `__find_vmap_area`, which matched starts only).
  public func find(startingAt addr: UInt64) -> NodeID? {
    var n = root
    while n != noNode {
      let node = nodes[Int(n)]
      if addr < node.start {
        n = node.left
      } else if addr > node.start {
        n = node.right
      } else {
        return n
      }
    }
    return nil
  }

  /// The lowest area whose end is above `addr` (the first area that reaches past `addr`).
  public func lowerBound(endAbove addr: UInt64) -> NodeID? {
    var n = root
    var best: NodeID? = nil
    while n != noNode {
      let node = nodes[Int(n)]
      if node.end > addr {
        best = n
        n = node.left
      } else {
        n = node.right
      }
    }
    return best
  }

  /// Where an area `[start, end)` would be linked: the parent and the side, descending from `from`
  /// (or the root), as `find_va_links` does. `nil` when it overlaps an area already in the tree.
  func findLinks(start: UInt64, end: UInt64, from: NodeID = noNode) -> (parent: NodeID, left: Bool)? {
    var n = from == noNode ? root : from
    if n == noNode { return (noNode, true) }
    while true {
      let node = nodes[Int(n)]
      let goLeft: Bool
      if end <= node.start {
        goLeft = true
      } else if start >= node.end {
        goLeft = false
      } else {
        return nil
      }
      let child = goLeft ? node.left : node.right
      if child == noNode { return (n, goLeft) }
      n = child
    }
  }

  /// The list neighbour that would follow a node linked at `(parent, left)` (`get_va_next_sibling`).
  func nextSibling(parent: NodeID, left: Bool) -> NodeID {
    if parent == noNode { return noNode }
    return left ? parent : nodes[Int(parent)].next
  }

  /// Areas in address order.
  public var inOrder: [AreaNode] {
    var out: [AreaNode] = []
    out.reserveCapacity(count)
    var n = first
    while n != noNode {
      out.append(nodes[Int(n)])
      n = nodes[Int(n)].next
    }
    return out
  }

  /// IDs in address order.
  public var idsInOrder: [NodeID] {
    var out: [NodeID] = []
    out.reserveCapacity(count)
    var n = first
    while n != noNode {
      out.append(n)
      n = nodes[Int(n)].next
    }
    return out
  }

  /// Nodes in pre-order with their depth (root at depth 0), the order of the free-tree dump.
  public func preorder() -> [(depth: Int, node: AreaNode)] {
    var out: [(Int, AreaNode)] = []
    out.reserveCapacity(count)
    var stack: [(NodeID, Int)] = root == noNode ? [] : [(root, 0)]
    while let (n, d) = stack.popLast() {
      let node = nodes[Int(n)]
      out.append((d, node))
      if node.right != noNode { stack.append((node.right, d + 1)) }
      if node.left != noNode { stack.append((node.left, d + 1)) }
    }
    return out
  }

  /// The height of the tree in nodes (0 when empty).
  public var height: Int {
    var best = 0
    var stack: [(NodeID, Int)] = root == noNode ? [] : [(root, 1)]
    while let (n, d) = stack.popLast() {
      best = max(best, d)
      let node = nodes[Int(n)]
      if node.left != noNode { stack.append((node.left, d + 1)) }
      if node.right != noNode { stack.append((node.right, d + 1)) }
    }
    return best
  }

  // MARK: Linking (`__link_va` / `__unlink_va`)

  /// Links a fresh node at `(parent, left)` into the tree and the list, then rebalances. In an augmented
  /// tree the node's value is zeroed after the insertion and propagated upwards, as `__link_va` and its
  /// callers do, so the path to the root is fixed bottom-up.
  mutating func link(_ id: NodeID, parent: NodeID, left: Bool) {
    nodes[Int(id)].parent = parent
    nodes[Int(id)].color = .red
    nodes[Int(id)].left = noNode
    nodes[Int(id)].right = noNode
    if parent == noNode {
      root = id
    } else if left {
      nodes[Int(parent)].left = id
    } else {
      nodes[Int(parent)].right = id
    }
    // The list position follows from the tree position: after the parent when linked on its right.
    if parent == noNode {
      listInsert(id, after: noNode)
    } else if left {
      listInsert(id, after: nodes[Int(parent)].prev)
    } else {
      listInsert(id, after: parent)
    }
    count += 1
    if recordingSteps {
      noteStep(.linked(node: span(id), parent: parent == noNode ? nil : span(parent), left: left))
    }
    insertRebalance(id)
    if augmented {
      writeMax(id, 0)
      propagate(from: id, stop: noNode)
    }
  }

  /// Finds the position for a fresh node by address and links it; `false` if it overlaps.
  @discardableResult
  mutating func insert(_ id: NodeID, from: NodeID = noNode) -> Bool {
    let n = nodes[Int(id)]
    guard let (parent, left) = findLinks(start: n.start, end: n.end, from: from) else { return false }
    link(id, parent: parent, left: left)
    return true
  }

  /// Removes a node from the tree and the list (the slot stays allocated).
  mutating func unlink(_ id: NodeID) {
    erase(id)
    listRemove(id)
    count -= 1
  }

  private mutating func listInsert(_ id: NodeID, after p: NodeID) {
    let nx = p == noNode ? first : nodes[Int(p)].next
    nodes[Int(id)].prev = p
    nodes[Int(id)].next = nx
    if p == noNode { first = id } else { nodes[Int(p)].next = id }
    if nx == noNode { last = id } else { nodes[Int(nx)].prev = id }
  }

  private mutating func listRemove(_ id: NodeID) {
    let p = nodes[Int(id)].prev
    let nx = nodes[Int(id)].next
    if p == noNode { first = nx } else { nodes[Int(p)].next = nx }
    if nx == noNode { last = p } else { nodes[Int(nx)].prev = p }
    nodes[Int(id)].prev = noNode
    nodes[Int(id)].next = noNode
  }
}
