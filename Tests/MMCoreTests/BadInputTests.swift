import Testing

@testable import MMCore

/// Refused requests: a clear error, and the state exactly as it was.
@Suite struct BadInputTests {
  /// A space with some history: busy, lazy and free areas.
  func populated(_ policy: VmallocPolicy) -> KVASpace {
    var kva = KVASpace(config: KVAConfig(cpus: 2, policy: policy))
    for i in 0..<6 { _ = kva.alloc(KVARequest(size: 0x1000 * UInt64(i + 1), cpu: i % 2)) }
    _ = kva.free(KernelConstants.vmallocStart)
    return kva
  }

  @Test(arguments: VmallocPolicy.allCases)
  func invalidRequestsChangeNothing(policy: VmallocPolicy) {
    var kva = populated(policy)
    let before = KVASnapshot(kva)
    let cases: [(KVARequest, KVAError)] = [
      (KVARequest(size: 0), .invalidSize(0)),
      (KVARequest(size: 0x1800), .invalidSize(0x1800)),
      (KVARequest(size: 0x1000, align: 0x3000), .invalidAlignment(0x3000)),
      (KVARequest(size: 0x1000, align: 0), .invalidAlignment(0)),
      (KVARequest(size: 0x1000, vstart: 0x20000, vend: 0x20000), .invalidWindow(vstart: 0x20000, vend: 0x20000)),
      (KVARequest(size: 0x1000, vstart: 0x30000, vend: 0x20000), .invalidWindow(vstart: 0x30000, vend: 0x20000)),
    ]
    for (req, want) in cases {
      let r = kva.alloc(req)
      #expect(r.error == want)
      #expect(r.error?.errno == "EINVAL")
      #expect(r.area == nil && r.purges.isEmpty)
      #expect(KVASnapshot(kva) == before, "\(req) changed the state")
    }
  }

  @Test(arguments: VmallocPolicy.allCases)
  func badFreesChangeNothing(policy: VmallocPolicy) {
    var kva = populated(policy)
    let before = KVASnapshot(kva)
    // Never allocated, below everything, at the very top, and the area freed above (a double free).
    for addr: UInt64 in [0x1234_5000, 0, UInt64.max, KernelConstants.vmallocStart] {
      let r = kva.free(addr)
      #expect(r.error == .notBusy(addr), "free \(addr.hex)")
      #expect(r.error?.description.contains("not inside a busy area") == true)
      #expect(KVASnapshot(kva) == before, "free \(addr.hex) changed the state")
    }
    #expect(kva.violations().isEmpty)
  }

  @Test func legacyLookupMatchesStartsOnly() {
    // The pre-5.2 lookup compared starts: an interior address is not a busy area there.
    var kva = KVASpace(config: KVAConfig(cpus: 1, policy: .legacy))
    let a = kva.alloc(KVARequest(size: 0x4000))
    let before = KVASnapshot(kva)
    #expect(kva.free(a.area!.start + 0x1000).error == .notBusy(a.area!.start + 0x1000))
    #expect(KVASnapshot(kva) == before)
  }
}

/// Requests near ULONG_MAX: the kernel's wrap-around checks, written out so nothing traps.
@Suite struct TopOfAddressSpaceTests {
  let top = UInt64.max

  @Test(arguments: VmallocPolicy.allCases)
  func windowEndingAtUlongMax(policy: VmallocPolicy) {
    var kva = KVASpace(config: KVAConfig(cpus: 1, policy: policy))
    // The free space ends at ULONG_MAX (exclusive): 0xffff bytes above 0x...ffff0000.
    let tooBig = kva.alloc(KVARequest(size: 0x10000, vstart: top - 0xffff, vend: top))
    #expect(tooBig.area == nil)
    #expect(tooBig.error == (policy == .current ? .noFit : .busy))
    let fits = kva.alloc(KVARequest(size: 0x8000, vstart: 0xffff_ffff_ffff_0000, vend: top))
    #expect(fits.area == Span(0xffff_ffff_ffff_0000, 0xffff_ffff_ffff_8000))
    if policy == .current { #expect(fits.fit == .NE) }
    #expect(kva.violations().isEmpty)
    // The last page below ULONG_MAX cannot be had: the area [.., ULONG_MAX) is one byte short.
    let last = kva.alloc(KVARequest(size: 0x1000, vstart: 0xffff_ffff_ffff_f000, vend: top))
    #expect(last.area == nil)
  }

  @Test(arguments: VmallocPolicy.allCases)
  func alignmentThatWrapsPastZero(policy: VmallocPolicy) {
    var kva = KVASpace(config: KVAConfig(cpus: 1, policy: policy))
    // ALIGN(0xffff...0000, 2^63) wraps to 0, below vstart: the current allocator's check finds no fit;
    // v5.1 and older only noticed in a BUG_ON after the search, which the model turns into a refusal.
    let before = KVASnapshot(kva)
    let r = kva.alloc(KVARequest(size: 0x1000, align: 1 << 63, vstart: 0xffff_ffff_ffff_0000, vend: top))
    #expect(r.area == nil)
    if policy == .legacy {
      #expect(r.error?.errno == "BUG")
      #expect(KVASnapshot(kva) == before)
    }
    // 2^63 itself is a valid aligned start inside [1, ULONG_MAX).
    let ok = kva.alloc(KVARequest(size: 0x1000, align: 1 << 63, vstart: 1, vend: top))
    #expect(ok.area?.start == 1 << 63)
    #expect(kva.violations().isEmpty)
  }

  @Test(arguments: VmallocPolicy.allCases)
  func sizeThatWrapsTheAddress(policy: VmallocPolicy) {
    var kva = KVASpace(config: KVAConfig(cpus: 1, policy: policy))
    _ = kva.alloc(KVARequest(size: 0x1000, vstart: 0x10000, vend: top))
    let r = kva.alloc(KVARequest(size: 0xffff_ffff_ffff_f000, vstart: 0x10000, vend: top))
    #expect(r.area == nil)
    // 2^63 aligned to 2^62 fits at 2^62; 0xc000... aligned to 2^63 cannot (its length wraps too).
    let half = kva.alloc(KVARequest(size: 0x8000_0000_0000_0000, align: 1 << 62, vstart: 0x10000, vend: top))
    #expect(half.area == Span(0x4000_0000_0000_0000, 0xc000_0000_0000_0000))
    let padded = kva.alloc(KVARequest(size: 0xc000_0000_0000_0000, align: 1 << 63, vstart: 0x10000, vend: top))
    #expect(padded.area == nil)
    #expect(kva.violations().isEmpty)
  }

  @Test func vmallocRoundingThatWrapsIsRefused() {
    var m = Machine(config: MachineConfig(cpus: 1))
    // More pages than the machine has: __vmalloc_node_range fails before any rounding.
    let r = m.apply(.vmalloc(VmallocRequest(size: UInt64.max - 10)))
    #expect(r.kva?.error == .exceedsTotalPages(size: UInt64.max - 10, pages: 2_097_152))
    let g = m.apply(.vmalloc(VmallocRequest(size: UInt64.max - 0xfff, vstart: 1, vend: UInt64.max)))
    #expect(g.kva?.error != nil)
    #expect(m.violations().isEmpty)
  }
}
