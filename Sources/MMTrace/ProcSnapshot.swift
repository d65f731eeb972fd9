import Foundation
import MMCore

/// A directory of /proc files from a real machine (any of buddyinfo, pagetypeinfo, zoneinfo, meminfo,
/// vmstat, vmallocinfo), read as a starting state (zones, early busy areas) or for comparison.
public struct ProcSnapshot: Sendable {
  public struct Zone: Sendable, Equatable {
    public var name: String
    public var startPFN: UInt64
    public var spanned: UInt64
    public var present: UInt64
    public var managed: UInt64
  }

  public struct VmallocEntry: Sendable, Equatable {
    public var start: UInt64
    public var end: UInt64
    public var size: UInt64
    /// The last word of the line's kinds (vmalloc, vmap, ioremap, user, vm_map_ram, unpurged vm_area).
    public var kind: String
    public var caller: String?
    public var unpurged: Bool
  }

  public var zones: [Zone] = []
  public var buddyinfo: [String: [Int]] = [:]
  /// pagetypeinfo's free blocks: zone → type name → counts per order.
  public var pagetypes: [String: [String: [Int]]] = [:]
  public var directMap: [String: UInt64] = [:]
  public var vmstat: [String: UInt64] = [:]
  public var vmalloc: [VmallocEntry] = []
  /// vmallocinfo printed hashed pointers (kptr_restrict): sizes and kinds are real, addresses are not.
  public var vmallocHashed = false
  public var errors: [TraceError] = []
  public var filesRead: [String] = []

  public init(directory: String) {
    func read(_ name: String) -> [Substring]? {
      guard let data = FileManager.default.contents(atPath: (directory as NSString).appendingPathComponent(name)),
        let text = String(data: data, encoding: .utf8)
      else { return nil }
      filesRead.append(name)
      return text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
    }
    if let lines = read("zoneinfo") { parseZoneinfo(lines) }
    if let lines = read("buddyinfo") { parseBuddyinfo(lines) }
    if let lines = read("pagetypeinfo") { parsePagetypeinfo(lines) }
    if let lines = read("meminfo") {
      for l in lines where l.hasPrefix("DirectMap") {
        let w = l.split(separator: " ")
        if w.count >= 2, let v = UInt64(w[1]) { directMap[String(w[0].dropLast())] = v }
      }
    }
    if let lines = read("vmstat") {
      for l in lines {
        let w = l.split(separator: " ")
        if w.count == 2, w[0].hasPrefix("direct_map"), let v = UInt64(w[1]) { vmstat[String(w[0])] = v }
      }
    }
    if let lines = read("vmallocinfo") { parseVmallocinfo(lines) }
    if filesRead.isEmpty {
      errors.append(
        TraceError(
          file: directory, line: 0, column: 0,
          message: "no /proc files found (expected buddyinfo, pagetypeinfo, zoneinfo, meminfo, vmstat or vmallocinfo)"))
    }
  }

  mutating func parseZoneinfo(_ lines: [Substring]) {
    var current: Zone? = nil
    func flush() {
      if let z = current, z.spanned > 0 { zones.append(z) }
    }
    for (i, l) in lines.enumerated() {
      let w = l.split(separator: " ")
      if l.hasPrefix("Node "), w.count >= 4 {
        flush()
        current = Zone(name: String(w[3]), startPFN: 0, spanned: 0, present: 0, managed: 0)
      } else if var z = current, w.count >= 2, let v = UInt64(w[1]) {
        switch w[0] {
        case "spanned": z.spanned = v
        case "present": z.present = v
        case "managed": z.managed = v
        case "start_pfn:": z.startPFN = v
        default: break
        }
        current = z
      } else if w.first == "start_pfn:" {
        errors.append(TraceError(file: "zoneinfo", line: i + 1, column: 1, message: "start_pfn: needs a number"))
      }
    }
    flush()
  }

  mutating func parseBuddyinfo(_ lines: [Substring]) {
    for (i, l) in lines.enumerated() where !l.isEmpty {
      let w = l.split(separator: " ")
      guard w.count == 4 + BuddyConstants.orders, w[0] == "Node", w[2] == "zone" else {
        errors.append(
          TraceError(file: "buddyinfo", line: i + 1, column: 1, message: "expected 'Node N, zone NAME' and 11 counts"))
        continue
      }
      let counts = w[4...].compactMap { Int($0) }
      if counts.count == BuddyConstants.orders { buddyinfo[String(w[3])] = counts }
    }
  }

  mutating func parsePagetypeinfo(_ lines: [Substring]) {
    for l in lines where l.hasPrefix("Node ") && l.contains(", type ") {
      let w = l.split(separator: " ")
      guard let zi = w.firstIndex(of: "zone"), let ti = w.firstIndex(of: "type"), zi + 1 < w.count, ti + 1 < w.count
      else {
        continue
      }
      let zone = String(w[zi + 1].dropLast())
      let counts = w[(ti + 2)...].compactMap { Int($0.drop { $0 == ">" }) }
      if counts.count == BuddyConstants.orders { pagetypes[zone, default: [:]][String(w[ti + 1])] = counts }
    }
  }

  mutating func parseVmallocinfo(_ lines: [Substring]) {
    for (i, l) in lines.enumerated() where !l.isEmpty {
      let w = l.split(separator: " ")
      let range = w.first?.split(separator: "-") ?? []
      guard w.count >= 2, range.count == 2, let s = TraceValues.number(range[0]), let e = TraceValues.number(range[1]),
        let size = UInt64(w[1])
      else {
        errors.append(
          TraceError(file: "vmallocinfo", line: i + 1, column: 1, message: "expected 0xSTART-0xEND SIZE ..."))
        continue
      }
      let unpurged = l.hasSuffix("unpurged vm_area")
      let kinds: Set<Substring> = [
        "vmalloc", "vmap", "ioremap", "user", "vm_map_ram", "vpages", "dma-coherent", "sparse",
      ]
      let kind = unpurged ? "unpurged" : String(w.last { kinds.contains($0) } ?? "other")
      let caller = w.count > 2 && w[2].contains("+") ? String(w[2]) : nil
      vmalloc.append(VmallocEntry(start: s, end: e, size: size, kind: kind, caller: caller, unpurged: unpurged))
      // Real addresses have end - start == size; %pK hashes do not.
      if e &- s != size { vmallocHashed = true }
    }
  }

  /// The machine's zones (DMA, DMA32, Normal) as the snapshot gives them.
  public var zoneSpecs: [ZoneSpec] {
    // pfns below 2^40 only: a damaged zoneinfo cannot make the sum wrap.
    zones.compactMap { z in
      guard z.startPFN < InputLimits.pfnLimit, z.spanned < InputLimits.pfnLimit else { return nil }
      return ZoneType(rawValue: z.name).map { ZoneSpec($0, z.startPFN, z.startPFN + z.spanned) }
    }
  }

  /// Busy (not unpurged) vmalloc areas with real addresses, for a starting state.
  public var busyAreas: [Span] {
    vmallocHashed
      ? [] : vmalloc.filter { !$0.unpurged }.map { Span($0.start, $0.end) }.filter(KVAConfig.isValidEarlyBusy).sorted()
  }

  /// The snapshot beside a model: lines of "what / model / real" for the values both have.
  public func comparison(with machine: Machine) -> [String] {
    var out: [String] = []
    func row(_ what: String, _ model: String, _ real: String) {
      out.append(
        what.padding(toLength: 34, withPad: " ", startingAt: 0) + " model "
          + model.padding(toLength: 60, withPad: " ", startingAt: 0) + " real " + real)
    }
    for z in machine.memory.zones {
      if let real = buddyinfo[z.name] {
        row(
          "buddyinfo \(z.name)", z.nrFree.map(String.init).joined(separator: " "),
          real.map(String.init).joined(separator: " "))
      }
      if let rz = zones.first(where: { $0.name == z.name }) {
        row(
          "free pages \(z.name)", "\(z.freePages) of \(z.spannedPages)",
          "managed \(rz.managed) of \(rz.spanned) spanned")
      }
    }
    let dm = machine.directMap
    for (key, model) in [
      ("DirectMap4k", dm.directMap4k), ("DirectMap2M", dm.directMap2M), ("DirectMap1G", dm.directMap1G),
    ] {
      if let real = directMap[key] { row(key + " (kB)", "\(model)", "\(real)") }
    }
    for (key, model) in [
      ("direct_map_level2_splits", dm.level2Splits), ("direct_map_level3_splits", dm.level3Splits),
      ("direct_map_level2_collapses", dm.level2Collapses), ("direct_map_level3_collapses", dm.level3Collapses),
    ] {
      if let real = vmstat[key] { row(key, "\(model)", "\(real)") }
    }
    if !vmalloc.isEmpty {
      let busy = machine.kva.busyAreas
      let lazy = machine.kva.lazyAreas
      let realBusy = vmalloc.filter { !$0.unpurged }
      let realLazy = vmalloc.filter(\.unpurged)
      row(
        "vmalloc busy areas", "\(busy.count), \(busy.reduce(0) { $0 + $1.span.size }) bytes",
        "\(realBusy.count), \(realBusy.reduce(0) { $0 + $1.size }) bytes")
      row(
        "vmalloc lazy (unpurged) areas", "\(lazy.count), \(lazy.reduce(0) { $0 + $1.span.size }) bytes",
        "\(realLazy.count), \(realLazy.reduce(0) { $0 + $1.size }) bytes")
    }
    return out
  }
}
