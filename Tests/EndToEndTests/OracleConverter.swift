import Foundation

/// Turns a kernel-oracle example (Tests/Fixtures/kernel-oracle: `NAME.ops` and the kernel's
/// `NAME.expected`) into a `.mmtrace` with `expect=` on every operation and a bookmark at every dump,
/// plus what each dump must print, so `mmscope check` and `mmscope dump --at BOOKMARK` check every
/// line the kernel printed.
struct OracleConverter {
  /// A dump the kernel printed: the bookmark before it and its lines in the oracle's format.
  struct Dump: Equatable {
    var bookmark: String
    var lines: [String]
  }

  var mmtrace: [String] = ["mmtrace 1"]
  var dumps: [Dump] = []
  /// `init N` of the buddy examples: what `stats --json` reports as `buddy.boot_blocks`.
  var bootBlocks: Int?
  var operations = 0

  enum Kind { case current, legacy, buddy }

  static let migratetypes = ["unmovable", "movable", "reclaimable", "highatomic"]

  init(name: String, ops: [String], expected: [String]) {
    let kind: Kind = name.hasPrefix("buddy") ? .buddy : name.contains("legacy") ? .legacy : .current
    var out = expected.filter { !$0.isEmpty }[...]
    func take() -> String { out.popFirst() ?? "" }
    /// The purge lines the kernel printed before the next line (a purge-and-retry, or after a free).
    /// `leave` purge lines stay for the operations after (an explicit `purge` prints its own).
    func purges(leaving leave: Int = 0) -> [String] {
      var items: [String] = []
      while out.prefix(while: { $0.hasPrefix("purge ") }).count > leave, let l = out.first {
        out.removeFirst()
        items += Self.purgeItems(l)
      }
      return items
    }
    // Whether a purge line after a free is the free's (it passed lazy_max_pages) or the next
    // operation's: the lazy pages decide, as they decide in the kernel.
    var lazyMax = 8192
    var lazyPages = 0
    var sizes: [String: Int] = [:]
    var zone: (String, String)? = nil
    var blocks: [String] = []
    var cpus = "1"
    let lines = ops.filter { !$0.hasPrefix("#") && !$0.isEmpty }
    for (index, line) in lines.enumerated() {
      let w = line.split(separator: " ").map(String.init)
      let nextIsPurge = index + 1 < lines.count && lines[index + 1] == "purge"
      switch (kind, w[0]) {
      case (.current, "nodes"):
        _ = take()  // the oracle echoes the line
        lazyMax = 8192 * (Int.bitWidth - Int(w[2])!.leadingZeroBitCount)
        mmtrace.append("machine cpus=\(w[2]) vmap-nodes=\(w[1] == "1" ? "off" : w[1])")
      case (.legacy, "cpus"):
        cpus = w[1]
        lazyMax = 8192 * (Int.bitWidth - Int(w[1])!.leadingZeroBitCount)
      case (.buddy, "zone"):
        zone = (w[1], w[2])
      case (.buddy, "setblock"):
        blocks.append("\(w[1]):\(Self.migratetypes[Int(w[2])!])")
      case (.buddy, "init"):
        bootBlocks = Int(take().split(separator: " ")[1])
        let (s, e) = zone!
        let pages = UInt64(e.dropFirst(2), radix: 16)!
        let memory = max(UInt64(16), (pages * 4096 + (1 << 20) - 1) >> 20)
        mmtrace.append(
          "machine memory=\(memory)M zones=Normal:\(s)-\(e) pcp=off fallback=off"
            + (blocks.isEmpty ? "" : " pageblocks=" + blocks.joined(separator: ",")))
      case (.current, "alloc"), (.legacy, "alloc"):
        if kind == .legacy && mmtrace.count == 1 { mmtrace.append("machine cpus=\(cpus) policy=legacy") }
        let items = purges()
        if !items.isEmpty { lazyPages = 0 }
        let result = take().split(separator: " ").map(String.init)
        if result[1].hasPrefix("0x") { sizes[result[1]] = Int(w[1].dropFirst(2), radix: 16)! / 4096 }
        var op = "alloc_vmap_area size=\(w[1]) align=\(w[2]) vstart=\(w[3]) vend=\(w[4])"
        if w.count > 6 { op += " cpu=\(w[6])" }
        var expect = items
        if result[1].hasPrefix("0x") {
          expect.insert(result[1], at: 0)
          if kind == .legacy {
            expect.append(result[2].replacingOccurrences(of: "=", with: ":"))
          } else {
            expect.append(result[2] == "--" ? "pool" : result[2])
          }
        } else {
          expect.insert(result[1], at: 0)
        }
        emit(op, expect)
      case (.current, "free"), (.legacy, "free"):
        if kind == .legacy && mmtrace.count == 1 { mmtrace.append("machine cpus=\(cpus) policy=legacy") }
        let result = take().split(separator: " ").map(String.init)
        var expect: [String] = []
        if result[1] == "EINVAL" {
          expect = ["EINVAL"]
        } else {
          expect = ["ok"] + (kind == .current ? [result[2].replacingOccurrences(of: "nr_lazy=", with: "lazy:")] : [])
          lazyPages = kind == .current ? Int(result[2].dropFirst(8))! : lazyPages + (sizes[result[1]] ?? 0)
          if lazyPages > lazyMax {
            expect += purges(leaving: nextIsPurge ? 1 : 0)
            lazyPages = 0
          }
          // A free that purged nothing says so too (the oracle prints no purge line then).
          if !expect.contains(where: { $0.hasPrefix("purged:") }) { expect.append("purged:0") }
        }
        emit("vfree \(w[1])", expect)
      case (.current, "purge"), (.legacy, "purge"):
        if kind == .legacy && mmtrace.count == 1 { mmtrace.append("machine cpus=\(cpus) policy=legacy") }
        emit("purge", Self.purgeItems(take()))
        lazyPages = 0
      case (.buddy, "alloc"):
        let result = take().split(separator: " ")[1]
        emit("alloc_pages order=\(w[1]) mt=\(Self.migratetypes[Int(w[2])!])", [String(result)])
      case (.buddy, "free"):
        let r = take().split(separator: " ").map(String.init)
        emit(
          "free_pages \(w[1])",
          r[1] == "EINVAL" ? ["EINVAL"] : ["merged:\(r[3])", "order:\(r[5])", r[6]])
      case (_, "dump"), (_, "poolstat"):
        if kind == .legacy && mmtrace.count == 1 { mmtrace.append("machine cpus=\(cpus) policy=legacy") }
        let name = "\(w[0])\(dumps.count + 1)"
        mmtrace.append("bookmark \(name)")
        var lines: [String] = []
        if w[0] == "poolstat" {
          while let l = out.first, l.hasPrefix("node ") && l.contains(" pooled ") { lines.append(take()) }
        } else {
          while let l = out.first, l != "end" { lines.append(take()) }
          _ = take()
        }
        dumps.append(Dump(bookmark: name, lines: lines))
      default:
        mmtrace.append("# not converted: \(line)")
      }
    }
  }

  mutating func emit(_ op: String, _ expect: [String]) {
    operations += 1
    mmtrace.append(op + " expect=" + expect.joined(separator: ","))
  }

  /// `purge start=0xS end=0xE num_purged=N` (current), `purge N` (legacy) or `purge 0`.
  static func purgeItems(_ line: String) -> [String] {
    let w = line.split(separator: " ")
    guard w.count == 4 else { return ["purged:\(w[1])"] }
    let value = { (i: Int) in w[i].split(separator: "=")[1] }
    return ["purged:\(value(3))", "range:\(value(1))-\(value(2))"]
  }

  var text: String { mmtrace.joined(separator: "\n") + "\n" }
}
