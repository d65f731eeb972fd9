/// Parses kernel trace lines of any of the three layouts. Events mmscope does not model are skipped and
/// counted; lines of a modelled event with missing or malformed fields are errors with their column.
public struct KernelTraceParser {
  public let file: String
  public private(set) var errors: [TraceError] = []
  /// Events seen but not modelled, by name.
  public private(set) var skipped: [String: Int] = [:]
  /// Header and comment lines passed over.
  public private(set) var headerLines = 0
  public private(set) var layout: KernelTraceLayout? = nil
  /// The CPU count an ftrace header gives (`#P:2`).
  public private(set) var headerCPUs: Int? = nil

  public init(file: String) { self.file = file }

  static let modelled: Set<String> = [
    "alloc_vmap_area", "free_vmap_area_noflush", "purge_vmap_area_lazy", "mm_page_alloc", "mm_page_free",
    "mm_page_free_batched", "mm_page_alloc_zone_locked", "mm_page_pcpu_drain", "mm_page_alloc_extfrag",
  ]

  mutating func fail(_ line: Int, _ column: Int, _ message: String) {
    if errors.count < 1000 { errors.append(TraceError(file: file, line: line, column: column, message: message)) }
  }

  /// Whether a line looks like a kernel trace event line of any layout (for format detection).
  public static func looksLikeEvent(_ line: Substring) -> Bool {
    cpuField(in: line) != nil && line.contains(": ")
  }

  /// The `[NNN]` CPU field: its range and value.
  static func cpuField(in line: Substring) -> (range: Range<Substring.Index>, cpu: Int)? {
    var i = line.startIndex
    while let open = line[i...].firstIndex(of: "[") {
      guard let close = line[open...].firstIndex(of: "]") else { return nil }
      let digits = line[line.index(after: open)..<close]
      if !digits.isEmpty && digits.allSatisfy(\.isNumber), let cpu = Int(digits),
        open == line.startIndex || line[line.index(before: open)] == " "
      {
        return (open..<line.index(after: close), cpu)
      }
      i = line.index(after: open)
    }
    return nil
  }

  /// One line: an event, nil for headers, blank lines, skipped events and errors (recorded).
  public mutating func parse(_ line: Substring, number: Int) -> KernelEvent? {
    let trimmed = line.drop { $0 == " " || $0 == "\t" }
    if trimmed.isEmpty || trimmed.hasPrefix("#") {
      headerLines += 1
      if let r = trimmed.range(of: "#P:"), let n = Int(trimmed[r.upperBound...].prefix { $0.isNumber }) {
        headerCPUs = n
      }
      return nil
    }
    guard let (cpuRange, cpu) = Self.cpuField(in: line) else {
      // trace-cmd's header ("version = 6", "cpus=2", "CPU 0 is empty") and other prose.
      headerLines += 1
      return nil
    }
    let left = line[..<cpuRange.lowerBound].trimmingSuffixSpaces()
    // After the CPU: [flags] timestamp: [subsystem:]event: fields
    var rest = line[cpuRange.upperBound...].drop { $0 == " " }
    var tokens = rest.split(separator: " ", maxSplits: 1)
    guard !tokens.isEmpty else {
      fail(number, col(line, cpuRange.upperBound), "expected a timestamp after the CPU field")
      return nil
    }
    var tsToken = tokens[0]
    var sawFlags = false
    if !tsToken.hasSuffix(":") && tokens.count == 2 {
      // irqs-off / need-resched / preempt flags, e.g. "....." or "d..1."
      sawFlags = true
      rest = tokens[1].drop { $0 == " " }
      tokens = rest.split(separator: " ", maxSplits: 1)
      tsToken = tokens.first ?? ""
    }
    guard tsToken.hasSuffix(":"), let ts = Double(tsToken.dropLast()) else {
      fail(number, col(line, tsToken.startIndex), "expected a timestamp like 205.354126: here")
      return nil
    }
    guard tokens.count == 2 else {
      fail(number, col(line, tsToken.endIndex), "expected an event name after the timestamp")
      return nil
    }
    let afterTS = tokens[1].drop { $0 == " " }
    // The event token: "name:" (ftrace, trace-cmd) or "subsystem:name:" (perf script).
    let eventToken = afterTS.prefix { $0 != " " }
    guard eventToken.hasSuffix(":"), eventToken.count > 1 else {
      fail(number, col(line, afterTS.startIndex), "expected 'event:' after the timestamp")
      return nil
    }
    var eventName = eventToken.dropLast()
    var perf = false
    if let c = eventName.lastIndex(of: ":") {
      eventName = eventName[eventName.index(after: c)...]
      perf = true
    }
    let fieldsStart = eventToken.endIndex
    let task = String(left.drop { $0 == " " })
    let detected: KernelTraceLayout = perf ? .perfScript : sawFlags ? .ftrace : .traceCmd
    if layout == nil { layout = detected }
    let name = String(eventName)
    guard Self.modelled.contains(name) else {
      skipped[name, default: 0] += 1
      return nil
    }
    let fields = afterTS[fieldsStart...]
    guard let payload = payload(name, fields, line: line, number: number) else { return nil }
    return KernelEvent(payload: payload, cpu: cpu, timestamp: ts, task: task, line: number)
  }

  func col(_ line: Substring, _ index: Substring.Index) -> Int { line.distance(from: line.startIndex, to: index) + 1 }

  /// `key=value` fields (and alloc_vmap_area's `va_start: N`), with each value's column.
  func fields(_ text: Substring, line: Substring) -> [String: (value: Substring, column: Int)] {
    var out: [String: (Substring, Int)] = [:]
    let parts = text.split(separator: " ", omittingEmptySubsequences: true)
    var i = 0
    while i < parts.count {
      let p = parts[i]
      if let eq = p.firstIndex(of: "=") {
        out[String(p[..<eq])] = (p[p.index(after: eq)...], col(line, p.index(after: eq)))
      } else if p.hasSuffix(":") && i + 1 < parts.count {
        out[String(p.dropLast())] = (parts[i + 1], col(line, parts[i + 1].startIndex))
        i += 1
      }
      i += 1
    }
    return out
  }

  mutating func payload(_ name: String, _ text: Substring, line: Substring, number: Int) -> KernelEvent.Payload? {
    let f = fields(text, line: line)
    var ok = true
    func num(_ key: String, hex: Bool? = nil) -> UInt64 {
      guard let (v, c) = f[key] else {
        fail(number, col(line, text.startIndex), "\(name) has no \(key)= field")
        ok = false
        return 0
      }
      let parsed: UInt64? =
        v.hasPrefix("0x")
        ? UInt64(v.dropFirst(2), radix: 16)
        : hex == true ? UInt64(v, radix: 16) : UInt64(v) ?? Int64(v).map { UInt64(bitPattern: $0) }
      guard let parsed else {
        fail(number, c, "\(key)=\(v) is not a number")
        ok = false
        return 0
      }
      return parsed
    }
    func small(_ key: String, _ range: ClosedRange<Int>) -> Int {
      let v = num(key)
      guard ok, v <= UInt64(range.upperBound) else {
        if ok, let (t, c) = f[key] {
          fail(number, c, "\(key)=\(t) is outside \(range.lowerBound)...\(range.upperBound)")
        }
        ok = false
        return 0
      }
      return Int(v)
    }
    let payload: KernelEvent.Payload
    switch name {
    case "alloc_vmap_area":
      payload = .allocVmapArea(
        addr: num("va_start"), size: num("size"), align: num("align"), vstart: num("vstart"), vend: num("vend"),
        failed: num("failed") != 0)
    case "free_vmap_area_noflush":
      payload = .freeVmapArea(addr: num("va_start"), nrLazy: num("nr_lazy"), nrLazyMax: num("nr_lazy_max"))
    case "purge_vmap_area_lazy":
      payload = .purgeVmapArea(start: num("start"), end: num("end"), purged: small("num_purged", 0...Int(Int32.max)))
    case "mm_page_alloc":
      let failed = f["page"]?.value == "(null)"
      let pfn = num("pfn")
      payload = .pageAlloc(
        pfn: failed ? nil : pfn, order: small("order", 0...10), migratetype: small("migratetype", 0...7),
        gfp: String(f["gfp_flags"]?.value ?? ""))
    case "mm_page_free", "mm_page_free_batched":
      let batched = name == "mm_page_free_batched"
      payload = .pageFree(pfn: num("pfn"), order: batched ? 0 : small("order", 0...10), batched: batched)
    case "mm_page_alloc_zone_locked":
      payload = .pageAllocZoneLocked(
        pfn: num("pfn"), order: small("order", 0...10), migratetype: small("migratetype", 0...7),
        percpuRefill: num("percpu_refill") != 0)
    case "mm_page_pcpu_drain":
      payload = .pagePcpuDrain(pfn: num("pfn"), order: small("order", 0...10), migratetype: small("migratetype", 0...7))
    default:
      payload = .pageAllocExtfrag(
        pfn: num("pfn"), allocOrder: small("alloc_order", 0...10), fallbackOrder: small("fallback_order", 0...10),
        allocMigratetype: small("alloc_migratetype", 0...7), fallbackMigratetype: small("fallback_migratetype", 0...7))
    }
    return ok ? payload : nil
  }
}

extension Substring {
  func trimmingSuffixSpaces() -> Substring {
    var s = self
    while s.last == " " || s.last == "\t" { s = s.dropLast() }
    return s
  }
}
