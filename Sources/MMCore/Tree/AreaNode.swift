/// Index of a node in an `AreaTree`'s storage; `noNode` stands for the C code's NULL.
public typealias NodeID = Int32

/// The null node index.
public let noNode: NodeID = -1

/// A red-black node colour, numbered as lib/rbtree.c numbers them.
public enum RBColor: UInt8, Sendable {
  case red = 0
  case black = 1
}

/// One `struct vmap_area`: a half-open address range `[start, end)` linked into an
/// address-ordered red-black tree and an address-ordered list at the same time.
public struct AreaNode: Sendable, Equatable {
  public internal(set) var start: UInt64
  public internal(set) var end: UInt64
  /// The largest free size in this node's subtree (augmented trees only).
  public internal(set) var subtreeMax: UInt64
  public internal(set) var left: NodeID
  public internal(set) var right: NodeID
  public internal(set) var parent: NodeID
  public internal(set) var color: RBColor
  /// Address-ordered list neighbours (the kernel's `va->list`).
  public internal(set) var prev: NodeID
  public internal(set) var next: NodeID
  /// The vmap-node id encoded as the kernel encodes it in `va->flags`: 0 = none, id + 1 otherwise.
  public internal(set) var vnID: UInt32
  /// Who owns a busy area (an index into the owner table), or 0.
  public internal(set) var owner: UInt32
  /// The pre-5.2 allocator's `VM_LAZY_FREE`: freed, still in the busy list, waiting for a purge.
  public internal(set) var lazyFree: Bool

  /// `va_size()`.
  @inline(__always) public var size: UInt64 { end &- start }

  init(start: UInt64, end: UInt64) {
    self.start = start
    self.end = end
    subtreeMax = 0
    left = noNode
    right = noNode
    parent = noNode
    color = .red
    prev = noNode
    next = noNode
    vnID = 0
    owner = 0
    lazyFree = false
  }
}
