import MMCore

/// One frame inside an operation: what the kernel did at that point, in words, and what the panels
/// should draw for it. A list of phases is built from the engine's reports (`PhaseBuilder`); the
/// view only moves through the list (VisuAlgo's shape: an operation is a list of small states).
public struct Phase: Sendable, Equatable {
  public enum Kind: String, Sendable {
    case request, pool, search, cut, tree, rebalance, propagate, lazy, purge, release, buddy, split, merge
    case directMap = "direct map"
    case result
  }
  public var kind: Kind
  /// One or two plain sentences with the numbers that decided this phase.
  public var text: String
  /// The kernel function this phase happens in, to read beside mm/vmalloc.c and friends.
  public var function: String
  /// The free tree to draw: the tree before the operation with this many recorded tree steps
  /// applied; nil draws the tree after the operation.
  public var treeSteps: Int?
  /// How many of the report's search steps are marked (from `searchFrom`); nil: the last search's.
  public var searchShown: Int?
  public var searchFrom = 0
  /// Tree nodes (by range, as drawn in this phase) to highlight, and whose `subtree_max_size`
  /// this phase changed (marked `*`).
  public var highlight: [Span] = []
  public var changed: [Span] = []
  /// The node the tree panel centres on.
  public var focus: Span?
  /// The address space and the physical panels show the machine before the operation.
  public var showsBefore = false
  /// The buddy report (index into `StepReport.buddy`) this phase is about, and how many of that
  /// report's free-list changes (`BuddyEffects.of`) are done at this phase; the panel draws the
  /// counts as they stood then (nil: as the operation left them).
  public var buddy: Int?
  public var buddyEvents: Int?
  /// The direct-map split (index into `DirectMapReport.splits`) this phase is about.
  public var split: Int?
  /// How many of the operation's direct-map splits are done at this phase (the panel's counters
  /// are drawn as they stood then); nil: as the operation left them.
  public var directMapSplitsDone: Int?

  public init(_ kind: Kind, _ function: String, _ text: String) {
    self.kind = kind
    self.function = function
    self.text = text
  }

  /// "3. [search] find_vmap_lowest_match: …", the line `mmscope explain` prints.
  public func line(number: Int) -> String {
    "\(number). [\(kind.rawValue)] " + (function.isEmpty ? "" : "\(function): ") + text
  }
}
