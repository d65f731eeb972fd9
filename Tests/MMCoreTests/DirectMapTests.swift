import Testing

@testable import MMCore

/// Splits, in-place rewrites and collapses with exact counters, worked by hand.
@Suite struct DirectMapTests {
  let gib: UInt64 = 262_144  // pages

  @Test func bootMapsWithTheLargestLeavesThatFit() {
    // 2 GiB + 3 MiB + 8 KiB: two 1 GiB leaves, one 2 MiB leaf, 256 + 2 PTEs.
    let map = DirectMap(memoryPages: 2 * gib + 768 + 2)
    #expect(map.leaves == [.pud: 2, .pmd: 1, .pte: 258])
    #expect(map.directMap1G == 2_097_152 && map.directMap2M == 2048 && map.directMap4k == 1032)
    #expect(map.lookup(5)?.level == .pud && map.lookup(2 * gib + 10)?.level == .pmd)
    #expect(map.lookup(2 * gib + 600)?.level == .pte && map.lookup(2 * gib + 770) == nil)
    #expect(map.violations().isEmpty)
    let noGB = DirectMap(memoryPages: gib, gbpages: false)
    #expect(noGB.leaves == [.pud: 0, .pmd: 512, .pte: 0])
  }

  @Test func partialChangeSplitsBothLevels() {
    // set_memory_ro on 3 pages inside the first gigabyte: 1G -> 512 x 2M, then that 2M -> 512 x 4K.
    var map = DirectMap(memoryPages: 2 * gib)
    let r = map.changeAttributes(pfn: 0x1001, count: 3, AttrChange.Named.ro.change)
    #expect(r.splits == [.init(pfn: 0, level: .pud), .init(pfn: 0x1000, level: .pmd)])
    #expect(map.level3Splits == 1 && map.level2Splits == 1)
    #expect(map.leaves == [.pud: 1, .pmd: 511, .pte: 512])
    #expect(map.lookup(0x1001)?.attrs == [.present, .nx])
    #expect(map.lookup(0x1000)?.attrs == .kernel && map.lookup(0x1004)?.attrs == .kernel)
    #expect(map.violations().isEmpty)
    // The same pages again: the PTEs change, nothing splits.
    let again = map.changeAttributes(pfn: 0x1000, count: 512, AttrChange.Named.rw.change)
    #expect(again.splits.isEmpty && again.ptesChanged == 512)
  }

  @Test func unchangedProtectionKeepsTheLargePage() {
    var map = DirectMap(memoryPages: gib)
    // NX on pages that are already NX: no split, whatever the alignment.
    let r = map.changeAttributes(pfn: 7, count: 1, AttrChange.Named.nx.change)
    #expect(r.splits.isEmpty && r.keptLarge == 1 && map.level3Splits == 0)
  }

  @Test func wholeLargePageIsRewrittenInPlace() {
    var map = DirectMap(memoryPages: gib, gbpages: false)
    let r = map.changeAttributes(pfn: 512, count: 512, AttrChange.Named.invalid.change)
    #expect(r.splits.isEmpty && r.rewrittenLarge == 1)
    #expect(map.lookup(600)?.level == .pmd && map.lookup(600)?.attrs == [.nx])
    // Mapping back one page of it splits (the request covers 1 of 512 pages).
    let back = map.changeAttributes(pfn: 600, count: 1, AttrChange.Named.default.change)
    #expect(back.splits == [.init(pfn: 512, level: .pmd)] && map.level2Splits == 1)
  }

  @Test func roxCollapsesAWholeIdenticalRange() {
    var map = DirectMap(memoryPages: gib, gbpages: false)
    _ = map.changeAttributes(pfn: 1024, count: 1, AttrChange.Named.ro.change)
    #expect(map.level2Splits == 1)
    // set_memory_rox over the whole 2 MiB: all 512 PTEs become identical (RO, X): one 2 MiB leaf again.
    let r = map.changeAttributes(pfn: 1024, count: 512, AttrChange.Named.rox.change)
    #expect(r.collapses == [.init(pfn: 1024, level: .pmd)])
    #expect(map.level2Collapses == 1 && map.leaves == [.pud: 0, .pmd: 512, .pte: 0])
    #expect(map.lookup(1100)?.attrs == [.present])
    #expect(map.violations().isEmpty)
  }

  @Test func fourKBitForbidsCollapse() {
    var map = DirectMap(memoryPages: gib, gbpages: false)
    _ = map.changeAttributes(pfn: 0, count: 1, AttrChange.Named.fourK.change)
    #expect(map.level2Splits == 1)
    _ = map.changeAttributes(pfn: 0, count: 512, AttrChange.Named.fourK.change)
    let r = map.changeAttributes(pfn: 0, count: 512, AttrChange.Named.rox.change)
    #expect(r.collapses.isEmpty && map.level2Collapses == 0)
  }

  @Test func collapseClimbsToOneGigabyte() {
    var map = DirectMap(memoryPages: gib)
    _ = map.changeAttributes(pfn: 0, count: 1, AttrChange.Named.ro.change)
    #expect(map.level3Splits == 1 && map.level2Splits == 1)
    let r = map.changeAttributes(pfn: 0, count: gib, AttrChange.Named.rox.change)
    // Rewriting the 511 remaining 2 MiB leaves in place, then collapsing the split one: all 512 PMDs are
    // identical, so the gigabyte collapses too.
    #expect(r.collapses == [.init(pfn: 0, level: .pmd), .init(pfn: 0, level: .pud)])
    #expect(map.level2Collapses == 1 && map.level3Collapses == 1 && map.leaves == [.pud: 1, .pmd: 0, .pte: 0])
  }

  @Test func outsideRAMIsRefusedUnchanged() {
    var map = DirectMap(memoryPages: gib)
    let r = map.changeAttributes(pfn: gib - 1, count: 2, AttrChange.Named.ro.change)
    #expect(r.error != nil && map.level3Splits == 0 && map.lookup(gib - 1)?.attrs == .kernel)
    #expect(map.changeAttributes(pfn: 0, count: 0, AttrChange.Named.ro.change).error != nil)
  }

  @Test func aliasChangesDropNX() {
    #expect(AttrChange.Named.x.change.forAlias == AttrChange())
    #expect(AttrChange.Named.rox.change.forAlias == AttrChange(clear: .rw))
  }
}
