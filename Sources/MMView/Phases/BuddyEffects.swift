import MMCore

/// The free-list changes a buddy report describes, in the order the kernel made them: an
/// allocation takes its block off a list, then each split puts an upper half on one; a free takes
/// each buddy it merges with off its list, then puts the result on one. Per-CPU list traffic
/// changes no buddy list. Used to draw the counts as they stood at a phase.
public enum BuddyEffects {
  public struct Change: Sendable, Equatable {
    public var zone: String
    public var order: Int
    public var delta: Int
  }

  public static func of(_ b: BuddyReport) -> [Change] {
    guard b.error == nil, b.source != .pcp else { return [] }
    switch b.operation {
    case .alloc:
      guard let taken = b.takenOrder else { return [] }
      return [Change(zone: b.zone, order: taken, delta: -1)]
        + b.splits.map { Change(zone: b.zone, order: $0.order, delta: 1) }
    case .free:
      guard let result = b.resultOrder else { return [] }
      return b.merges.map { Change(zone: b.zone, order: $0.order, delta: -1) }
        + [Change(zone: b.zone, order: result, delta: 1)]
    }
  }

  /// The changes not yet made at a phase that has made `events` changes of report `index`.
  public static func pending(_ reports: [BuddyReport], index: Int, events: Int) -> [Change] {
    var out: [Change] = []
    for (i, b) in reports.enumerated() where i >= index {
      let all = of(b)
      out += i == index ? Array(all.dropFirst(min(events, all.count))) : all
    }
    return out
  }

  /// The change a phase has just made, if any.
  public static func current(_ reports: [BuddyReport], index: Int, events: Int) -> Change? {
    guard index < reports.count, events > 0 else { return nil }
    let all = of(reports[index])
    return events <= all.count ? all[events - 1] : nil
  }
}
