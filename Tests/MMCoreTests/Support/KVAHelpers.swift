@testable import MMCore

/// Compact views of KVA state for exact assertions.
extension CurrentKVA {
  /// The free tree as the oracle dump prints it.
  var dump: [String] {
    free.preorder().map { d, n in "\(d) \(n.color == .red ? "R" : "B") \(n.start.hex) \(n.end.hex) \(n.subtreeMax)" }
  }
}

/// Everything observable about a KVA state, for "state unchanged" assertions.
struct KVASnapshot: Equatable {
  var free: [Span]
  var busy: [AreaView]
  var lazy: [AreaView]
  var pooled: [AreaView]
  var lazyPages: UInt64

  init(_ kva: KVASpace) {
    free = kva.freeAreas
    busy = kva.busyAreas
    lazy = kva.lazyAreas
    pooled = kva.pooledAreas
    lazyPages = kva.lazyPages
  }
}

extension KVARequest {
  /// A request inside the small teaching window [0x10000, 0x100000).
  static func small(_ size: UInt64, align: UInt64 = 0x1000) -> KVARequest {
    KVARequest(size: size, align: align, vstart: 0x10000, vend: 0x10_0000)
  }
}
