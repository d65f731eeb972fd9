/// Which way a rotation turns: `left` lifts the right child, `right` lifts the left child.
public enum RotationDirection: String, Sendable, Equatable {
  case left, right
}

/// One thing lib/rbtree.c, the augmented callbacks or mm/vmalloc.c did to the free tree, named as
/// the kernel's code names it. Spans identify nodes as they were right after the step.
public enum TreeStepKind: Sendable, Equatable {
  /// `__link_va` / `rb_link_node`: a new red leaf hangs under `parent` (nil: it is the root).
  case linked(node: Span, parent: Span?, left: Bool)
  /// `__rb_insert` case 1: parent and uncle were red; both turn black, the grandparent red, and the
  /// fix-up continues from the grandparent.
  case insertRecolour(node: Span, parent: Span, uncle: Span, grandparent: Span)
  /// `__rb_insert` case 2: the node was an inner child; a rotation at its parent makes it outer.
  case insertRotateParent(at: Span, direction: RotationDirection)
  /// `__rb_insert` case 3: a rotation at the grandparent, which turns red under the black parent.
  case insertRotateGrandparent(at: Span, direction: RotationDirection)
  /// `__rb_insert`: the node reached the root and turns black.
  case rootBlack(Span)
  /// `__rb_insert`: the parent is black, so nothing more to fix.
  case insertDone(parent: Span)
  /// `__rb_erase_augmented`: a node with at most one child is cut out; the child (if any) takes its
  /// place and colour.
  case eraseSplice(node: Span, child: Span?)
  /// `__rb_erase_augmented`: a node with two children is replaced by its in-order successor.
  case eraseSuccessor(node: Span, successor: Span)
  /// `____rb_erase_color` case 1: the sibling was red; rotate at the parent so the sibling is black.
  case eraseRotateRedSibling(parent: Span, direction: RotationDirection)
  /// `____rb_erase_color` case 2: black sibling with black children turns red; the missing black
  /// moves up (or the red parent turns black and the fix-up ends).
  case eraseRecolourSibling(sibling: Span, parent: Span, parentWasRed: Bool)
  /// `____rb_erase_color` case 3: the sibling's inner child was red; rotate at the sibling.
  case eraseRotateSibling(at: Span, direction: RotationDirection)
  /// `____rb_erase_color` case 4: the sibling's outer child is red; rotate at the parent and recolour.
  case eraseRotateParent(at: Span, direction: RotationDirection)
  /// The augmented propagation (`*_propagate`) recomputed a node's `subtree_max_size`.
  case propagated(node: Span, old: UInt64, new: UInt64)
  /// The propagation stopped: this node's value was already right, so no ancestor can change.
  case propagationStopped(node: Span, value: UInt64)
  /// `va_clip`: the chosen free area was cut (its node keeps `after`; nil for a full fit, erased).
  case clipped(FitType, before: Span, after: Span?)
  /// `merge_or_add_vmap_area`: the freed range joined the next free area.
  case mergedNext(freed: Span, result: Span)
  /// `merge_or_add_vmap_area`: the freed range (perhaps with the next area) joined the previous one.
  case mergedPrev(freed: Span, result: Span)
  /// `merge_or_add_vmap_area`: having joined the next area, the range touches the previous one too:
  /// the next node (`node`) is unlinked, and the previous one will cover all three.
  case unlinkingMergedNext(node: Span, previous: Span)
  /// `__purge_vmap_area_lazy`: an area leaves a lazy list or a pool, about to go back (no write yet).
  case released(Span, from: ReleaseSource)
}

/// Where a purge takes an area from, and where it puts it.
public enum ReleaseSource: Sendable, Equatable {
  /// `decay_va_pool_node`: a pooled area goes back to the free tree.
  case poolDecay(node: Int)
  /// `purge_vmap_node`: a lazy area tagged for a node goes into that node's pool instead of the tree.
  case lazyToPool(node: Int)
  /// `purge_vmap_node` → `reclaim_list_global`: a lazy area merges back into the free tree.
  case lazy(node: Int)
}

/// One recorded step with the node values it wrote: applying `writes` (slot, node) to the tree as it
/// was before the step gives the tree after it, so a view can draw every step without re-running it.
public struct TreeStep: Sendable, Equatable {
  public var kind: TreeStepKind
  public var writes: [TreeWrite]
  public var root: NodeID
  public var first: NodeID
  public var last: NodeID
}

/// One node slot's new value.
public struct TreeWrite: Sendable, Equatable {
  public var id: NodeID
  public var node: AreaNode
}

/// Collects `TreeStep`s while an operation runs (only when asked: each step compares every node
/// with the previous step's copy). After `limit` steps it only counts.
struct TreeStepLog: Sendable {
  var baseline: [AreaNode]
  var steps: [TreeStep] = []
  var dropped = 0
  let limit: Int

  init(nodes: [AreaNode], limit: Int) {
    baseline = nodes
    self.limit = limit
  }
}

extension AreaTree {
  /// Starts recording every step (off by default; costs a comparison of all nodes per step).
  public mutating func startStepLog(limit: Int = 400) {
    stepLog = TreeStepLog(nodes: nodes, limit: limit)
  }

  /// Stops recording and hands over the steps and how many were not kept.
  public mutating func finishStepLog() -> (steps: [TreeStep], dropped: Int) {
    defer { stepLog = nil }
    guard var log = stepLog else { return ([], 0) }
    // Writes after the last step (list links, released slots, steps past the limit) join the last
    // step, so applying every step always gives the tree as it is now.
    if var lastStep = log.steps.popLast() {
      for i in nodes.indices where i >= log.baseline.count || nodes[i] != log.baseline[i] {
        if let k = lastStep.writes.firstIndex(where: { $0.id == NodeID(i) }) {
          lastStep.writes[k].node = nodes[i]
        } else {
          lastStep.writes.append(TreeWrite(id: NodeID(i), node: nodes[i]))
        }
      }
      lastStep.root = root
      lastStep.first = first
      lastStep.last = last
      log.steps.append(lastStep)
    }
    return (log.steps, log.dropped)
  }

  /// Whether steps are being recorded (callers skip building the kind otherwise).
  @inline(__always) var recordingSteps: Bool { stepLog != nil }

  /// Records one step: the nodes that differ from the last recorded state.
  mutating func noteStep(_ kind: TreeStepKind) {
    guard var log = stepLog else { return }
    stepLog = nil
    defer { stepLog = log }
    if log.steps.count >= log.limit {
      log.dropped += 1
      return
    }
    var writes: [TreeWrite] = []
    for i in nodes.indices where i >= log.baseline.count || nodes[i] != log.baseline[i] {
      writes.append(TreeWrite(id: NodeID(i), node: nodes[i]))
      if i < log.baseline.count { log.baseline[i] = nodes[i] } else { log.baseline.append(nodes[i]) }
    }
    log.steps.append(TreeStep(kind: kind, writes: writes, root: root, first: first, last: last))
  }

  /// A node's range, for naming it in a step.
  @inline(__always) func span(_ id: NodeID) -> Span { Span(nodes[Int(id)].start, nodes[Int(id)].end) }

  /// The tree after applying recorded writes: a copy of this tree (as it was before the steps) with
  /// the slots the steps wrote replaced.
  public func applying(_ steps: ArraySlice<TreeStep>) -> AreaTree {
    var t = self
    t.stepLog = nil
    for s in steps {
      for w in s.writes {
        let i = Int(w.id)
        while t.nodes.count <= i { t.nodes.append(AreaNode(start: 0, end: 0)) }
        t.nodes[i] = w.node
      }
      t.root = s.root
      t.first = s.first
      t.last = s.last
    }
    if !steps.isEmpty {
      // Counted in the tree, not the list: mid-erase the list still holds the node leaving.
      var stack = t.root == noNode ? [] : [t.root]
      var c = 0
      while let n = stack.popLast(), c <= t.nodes.count {
        c += 1
        if t.nodes[Int(n)].left != noNode { stack.append(t.nodes[Int(n)].left) }
        if t.nodes[Int(n)].right != noNode { stack.append(t.nodes[Int(n)].right) }
      }
      t.count = c
    }
    return t
  }

  /// The node holding exactly `span`, if any (spans name nodes in reports).
  public func node(at span: Span) -> NodeID? {
    guard let id = find(containing: span.start), nodes[Int(id)].start == span.start else { return nil }
    return id
  }
}
