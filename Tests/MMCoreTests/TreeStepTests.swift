import Foundation
import Testing

@testable import MMCore

/// The recorded steps of lib/rbtree.c's insert and erase (cases, rotations, recolourings) and of the
/// augmented propagation, worked out by hand on small trees; and the property that the recorded
/// writes, applied to the tree as it was, give the tree as it is.
@Suite struct TreeStepTests {
  /// Areas [k, k + k/10) keyed by their start, so each has its own size.
  func insert(_ t: inout AreaTree, _ k: UInt64) -> [String] {
    t.startStepLog()
    let id = t.makeNode(start: k, end: k + k / 10)
    let linked = t.insert(id)
    #expect(linked)
    return t.finishStepLog().steps.map { Self.describe($0.kind) }
  }

  func erase(_ t: inout AreaTree, _ k: UInt64) -> [String] {
    t.startStepLog()
    let id = t.find(startingAt: k)!
    t.unlink(id)
    t.releaseNode(id)
    return t.finishStepLog().steps.map { Self.describe($0.kind) }
  }

  /// A step as "what key/key": the node's start stands for the node.
  static func describe(_ k: TreeStepKind) -> String {
    switch k {
    case .linked(let n, let p, let left):
      "link \(n.start) " + (p.map { "\(left ? "left" : "right") of \($0.start)" } ?? "root")
    case .insertRecolour(let n, let p, let u, let g): "case1 \(n.start) \(p.start) \(u.start) \(g.start)"
    case .insertRotateParent(let at, let d): "case2 \(d.rawValue) at \(at.start)"
    case .insertRotateGrandparent(let at, let d): "case3 \(d.rawValue) at \(at.start)"
    case .rootBlack(let n): "root black \(n.start)"
    case .insertDone(let p): "done, parent \(p.start) black"
    case .eraseSplice(let n, let c): "splice \(n.start)" + (c.map { " child \($0.start)" } ?? "")
    case .eraseSuccessor(let n, let s): "successor \(s.start) replaces \(n.start)"
    case .eraseRotateRedSibling(let p, let d): "ecase1 \(d.rawValue) at \(p.start)"
    case .eraseRecolourSibling(let s, let p, let red):
      "ecase2 \(s.start) red, parent \(p.start)" + (red ? " black" : " up")
    case .eraseRotateSibling(let at, let d): "ecase3 \(d.rawValue) at \(at.start)"
    case .eraseRotateParent(let at, let d): "ecase4 \(d.rawValue) at \(at.start)"
    case .propagated(let n, let old, let new): "max \(n.start) \(old)->\(new)"
    case .propagationStopped(let n, let v): "stop \(n.start) \(v)"
    case .clipped(let f, let b, let a): "clip \(f.rawValue) \(b.start)" + (a.map { "->\($0.start)" } ?? "")
    case .mergedNext(let f, let r): "next \(f.start) \(r.start)-\(r.end)"
    case .mergedPrev(let f, let r): "prev \(f.start) \(r.start)-\(r.end)"
    case .released(let s, let from): "release \(s.start) \(from)"
    case .unlinkingMergedNext(let n, let p): "unlink \(n.start) into \(p.start)"
    }
  }

  @Test func insertOuterChildRecordsCase3AndPropagation() {
    var t = AreaTree(augmented: true)
    #expect(insert(&t, 100) == ["link 100 root", "root black 100", "max 100 0->10"])
    #expect(insert(&t, 200) == ["link 200 right of 100", "done, parent 100 black", "max 200 0->20", "max 100 10->20"])
    // 300 is the right child of the red right child 200: case 3 rotates left at 100. The rotation
    // hands 100's maximum (20) to 200 and recomputes 100 (10); then the new leaf's value (30)
    // propagates to 200, the new root.
    #expect(
      insert(&t, 300) == [
        "link 300 right of 200", "case3 left at 100", "max 300 0->30", "max 200 20->30",
      ])
  }

  @Test func insertInnerChildRecordsCase2ThenCase3() {
    var t = AreaTree(augmented: true)
    _ = insert(&t, 300)
    _ = insert(&t, 100)
    // 200 is the right (inner) child of the red left child 100: rotate left at 100, right at 300.
    // The rotations hand the subtree maxima over; the new node's own value is computed last.
    #expect(
      insert(&t, 200) == ["link 200 right of 100", "case2 left at 100", "case3 right at 300", "max 200 0->30"])
  }

  @Test func insertWithRedUncleRecolours() {
    var t = AreaTree(augmented: true)
    for k: UInt64 in [200, 100, 300] { _ = insert(&t, k) }
    // 400 under red 300 whose sibling 100 is red: case 1, then the root turns black again.
    let steps = insert(&t, 400)
    #expect(steps.prefix(3) == ["link 400 right of 300", "case1 400 300 100 200", "root black 200"])
    #expect(steps.dropFirst(3).first == "max 400 0->40")
  }

  @Test func eraseRecordsSuccessorAndRotations() {
    var t = AreaTree(augmented: true)
    for k: UInt64 in [200, 100, 300, 400] { _ = insert(&t, k) }
    // B200(B100, B300(R400)). Erasing 200 (two children): its successor 300 takes its place and
    // colour; 300's red child 400 turns black in its old place, so no colour repair is needed.
    let steps = erase(&t, 200)
    #expect(steps.first == "successor 300 replaces 200")
    #expect(!steps.contains { $0.hasPrefix("ecase") })
    #expect(t.violations(name: "t").isEmpty)

    var u = AreaTree(augmented: true)
    for k: UInt64 in [200, 100, 300, 400] { _ = insert(&u, k) }
    // Erasing the black leaf 100: its sibling 300 is black with a red outer child 400: case 4
    // rotates left at 200.
    let steps2 = erase(&u, 100)
    #expect(steps2.first == "splice 100")
    #expect(steps2.contains("ecase4 left at 200"))
    #expect(u.violations(name: "u").isEmpty)
  }

  @Test func eraseBlackLeafWithBlackSiblingRecolours() {
    var t = AreaTree(augmented: true)
    for k: UInt64 in [200, 100, 300, 400] { _ = insert(&t, k) }
    _ = erase(&t, 400)
    // Now B200(B100, B300): erasing 100 leaves a black hole; 300 (black, no children) turns red,
    // and the black parent passes the problem up to the root, where it ends.
    let steps = erase(&t, 100)
    #expect(steps.contains("ecase2 300 red, parent 200 up"))
    #expect(t.violations(name: "t").isEmpty)
  }

  /// The writes each step records, applied in order to the tree before, give the tree after,
  /// node for node, over a random mix of inserts and erases.
  @Test func recordedWritesReplayTheOperation() {
    var rng = SeededRandom(seed: 9)
    var t = AreaTree(augmented: true)
    var keys: [UInt64] = []
    let rounds = 400 * (Int(ProcessInfo.processInfo.environment["MMSCOPE_RANDOM_SCALE"] ?? "") ?? 1)
    for _ in 0..<rounds {
      let before = t
      t.startStepLog(limit: 10_000)
      if keys.isEmpty || rng.next() % 3 != 0 {
        let k = (rng.next() % 100_000 + 1) * 0x1000
        if t.find(containing: k) == nil, t.find(containing: k + 0xfff) == nil {
          let id = t.makeNode(start: k, end: k + 0x1000 * (rng.next() % 4 + 1))
          if t.insert(id) { keys.append(k) } else { t.releaseNode(id) }
        }
      } else {
        let i = Int(rng.next() % UInt64(keys.count))
        let id = t.find(startingAt: keys[i])!
        t.unlink(id)
        t.releaseNode(id)
        keys.remove(at: i)
      }
      let log = t.finishStepLog()
      // Every intermediate tree is a proper tree: each child points back at its parent (lib/rbtree.c
      // leaves some rotations half-linked for the next case; the snapshots must not).
      for k in 0...log.steps.count {
        let mid = before.applying(log.steps[0..<k])
        var stack = mid.root == noNode ? [] : [mid.root]
        var seen = 0
        if mid.root != noNode { #expect(mid[mid.root].parent == noNode) }
        while let n = stack.popLast(), seen <= mid.slotCount {
          seen += 1
          for c in [mid[n].left, mid[n].right] where c != noNode {
            #expect(mid[c].parent == n, "step \(k) of \(log.steps.map(\.kind))")
            stack.append(c)
          }
        }
      }
      let replayed = before.applying(log.steps[...])
      #expect(replayed.preorder().map(\.node) == t.preorder().map(\.node))
      #expect(replayed.root == t.root)
    }
  }
}
