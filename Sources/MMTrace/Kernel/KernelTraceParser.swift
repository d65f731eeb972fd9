import MMCore

/// Parses kernel trace lines of any of the three layouts, byte by byte (a trace has millions of lines).
/// Events mmscope does not model are skipped and counted; lines of a modelled event with missing or
/// malformed fields are errors with their column.
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
  /// Whether an event line came yet: prose after it is counted as skipped, not as header.
  var sawEvent = false

  public init(file: String) { self.file = file }

  static let modelled: [String] = [
    "alloc_vmap_area", "free_vmap_area_noflush", "purge_vmap_area_lazy", "mm_page_alloc", "mm_page_free",
    "mm_page_free_batched", "mm_page_alloc_zone_locked", "mm_page_pcpu_drain", "mm_page_alloc_extfrag",
  ]
  static let modelledBytes: [[UInt8]] = modelled.map { Array($0.utf8) }

  /// Every problem counts; the first thousand are kept with their place.
  public private(set) var errorCount = 0

  mutating func fail(_ line: Int, _ column: Int, _ message: String) {
    errorCount += 1
    if errors.count < 1000 { errors.append(TraceError(file: file, line: line, column: column, message: message)) }
  }

  /// Whether a line looks like a kernel trace event line of any layout (for format detection).
  public static func looksLikeEvent(_ line: Substring) -> Bool {
    let b = Array(line.utf8)
    return cpuField(b[...]) != nil && line.contains(": ")
  }

  static let space = UInt8(ascii: " ")
  static let tab = UInt8(ascii: "\t")
  static let colon = UInt8(ascii: ":")

  /// NR_CPUS on x86-64 at its largest: CPU numbers and counts beyond it cannot come from a kernel.
  static let maxCPUs = InputLimits.maxCPUs

  /// The `[NNN]` CPU field: where it starts and ends (exclusive), and its value.
  static func cpuField(_ b: ArraySlice<UInt8>) -> (start: Int, end: Int, cpu: Int)? {
    var i = b.startIndex
    while i < b.endIndex {
      if b[i] == UInt8(ascii: "["), i == b.startIndex || b[i - 1] == space {
        var j = i + 1
        var cpu = 0
        while j < b.endIndex, b[j] >= 48, b[j] <= 57 {
          cpu = cpu * 10 + Int(b[j] - 48)
          j += 1
          if cpu > 1_000_000 { return nil }
        }
        if j > i + 1, j < b.endIndex, b[j] == UInt8(ascii: "]") { return (i, j + 1, cpu) }
      }
      i += 1
    }
    return nil
  }

  /// A line given as text (tests, detection).
  public mutating func parse(_ line: Substring, number: Int) -> KernelEvent? {
    parse(bytes: Array(line.utf8)[...], number: number)
  }

  /// One line: an event, nil for headers, blank lines, skipped events and errors (recorded).
  public mutating func parse(bytes b: ArraySlice<UInt8>, number: Int) -> KernelEvent? {
    let base = b.startIndex
    func col(_ i: Int) -> Int { i - base + 1 }
    var i = base
    while i < b.endIndex && (b[i] == Self.space || b[i] == Self.tab) { i += 1 }
    if i == b.endIndex || b[i] == UInt8(ascii: "#") {
      headerLines += 1
      if let p = Self.find(b, Array("#P:".utf8), from: i), let n = Self.decimal(b, p + 3).map(\.value) {
        // A kernel has at most NR_CPUS (8192) CPUs; anything else is a damaged header.
        if n >= 1 && n <= UInt64(Self.maxCPUs) {
          headerCPUs = Int(n)
        } else {
          fail(number, col(p + 3), "#P:\(n) is not a CPU count in 1...\(Self.maxCPUs) (NR_CPUS)")
        }
      }
      return nil
    }
    guard let cpuField = Self.cpuField(b) else {
      // A modelled event's name with no [CPU] field before it: a damaged event line, not prose.
      if let name = Self.modelledBytes.first(where: { Self.find(b, $0 + [Self.colon], from: i) != nil }) {
        fail(
          number, col(i),
          "a \(String(decoding: name, as: UTF8.self)) line without its [CPU] field (expected like [000] before the timestamp)"
        )
        return nil
      }
      // trace-cmd's header ("version = 6", "cpus=2", "CPU 0 is empty") and other prose, counted.
      headerLines += 1
      if sawEvent { skipped["(lines that are not events)", default: 0] += 1 }
      return nil
    }
    sawEvent = true
    guard cpuField.cpu < Self.maxCPUs else {
      fail(number, col(cpuField.start + 1), "CPU \(cpuField.cpu) is not below NR_CPUS (\(Self.maxCPUs))")
      return nil
    }
    var taskEnd = cpuField.start
    while taskEnd > i && (b[taskEnd - 1] == Self.space || b[taskEnd - 1] == Self.tab) { taskEnd -= 1 }
    let task = String(decoding: b[i..<taskEnd], as: UTF8.self)
    // After the CPU: [flags] timestamp: event: fields
    var p = Self.skipSpaces(b, cpuField.end)
    var tokenEnd = Self.tokenEnd(b, p)
    var sawFlags = false
    if tokenEnd > p && b[tokenEnd - 1] != Self.colon && tokenEnd < b.endIndex {
      sawFlags = true
      p = Self.skipSpaces(b, tokenEnd)
      tokenEnd = Self.tokenEnd(b, p)
    }
    guard tokenEnd > p, b[tokenEnd - 1] == Self.colon, let ts = Self.double(b[p..<(tokenEnd - 1)]) else {
      fail(number, col(p), "expected a timestamp like 205.354126: here")
      return nil
    }
    let eventStart = Self.skipSpaces(b, tokenEnd)
    let eventEnd = Self.tokenEnd(b, eventStart)
    guard eventEnd > eventStart + 1, b[eventEnd - 1] == Self.colon else {
      fail(
        number, col(eventStart),
        eventStart == b.endIndex
          ? "expected an event name after the timestamp" : "expected 'event:' after the timestamp")
      return nil
    }
    // "name:" (ftrace, trace-cmd) or "subsystem:name:" (perf script).
    var nameStart = eventStart
    var perf = false
    var k = eventEnd - 2
    while k > eventStart {
      if b[k] == Self.colon {
        nameStart = k + 1
        perf = true
        break
      }
      k -= 1
    }
    let name = b[nameStart..<(eventEnd - 1)]
    if layout == nil { layout = perf ? .perfScript : sawFlags ? .ftrace : .traceCmd }
    guard let kind = Self.modelledBytes.firstIndex(where: { $0.elementsEqual(name) }) else {
      skipped[String(decoding: name, as: UTF8.self), default: 0] += 1
      return nil
    }
    var fields = Fields(bytes: b, start: eventEnd)
    guard let payload = payload(kind, &fields, number: number, col: col) else { return nil }
    return KernelEvent(payload: payload, cpu: cpuField.cpu, timestamp: ts, task: task, line: number)
  }

  // MARK: Bytes

  static func skipSpaces(_ b: ArraySlice<UInt8>, _ from: Int) -> Int {
    var i = from
    while i < b.endIndex && (b[i] == space || b[i] == tab) { i += 1 }
    return i
  }

  static func tokenEnd(_ b: ArraySlice<UInt8>, _ from: Int) -> Int {
    var i = from
    while i < b.endIndex && b[i] != space && b[i] != tab { i += 1 }
    return i
  }

  static func find(_ b: ArraySlice<UInt8>, _ needle: [UInt8], from: Int) -> Int? {
    guard needle.count <= b.endIndex - from else { return nil }
    var i = from
    while i + needle.count <= b.endIndex {
      if b[i..<(i + needle.count)].elementsEqual(needle) { return i }
      i += 1
    }
    return nil
  }

  static func decimal(_ b: ArraySlice<UInt8>, _ from: Int) -> (value: UInt64, end: Int)? {
    var i = from
    var v: UInt64 = 0
    while i < b.endIndex, b[i] >= 48, b[i] <= 57 {
      let (m, o1) = v.multipliedReportingOverflow(by: 10)
      let (a, o2) = m.addingReportingOverflow(UInt64(b[i] - 48))
      if o1 || o2 { return nil }
      v = a
      i += 1
    }
    return i > from ? (v, i) : nil
  }

  static func double(_ b: ArraySlice<UInt8>) -> Double? {
    guard let (whole, dot) = decimal(b, b.startIndex) else { return nil }
    if dot == b.endIndex { return Double(whole) }
    guard b[dot] == UInt8(ascii: "."), let (frac, end) = decimal(b, dot + 1), end == b.endIndex else { return nil }
    var scale = 1.0
    for _ in 0..<(end - dot - 1) { scale *= 10 }
    return Double(whole) + Double(frac) / scale
  }

  /// A number as the kernel prints it: `0x` hex, decimal, or a negative decimal (error values).
  static func number(_ v: ArraySlice<UInt8>) -> UInt64? {
    guard !v.isEmpty else { return nil }
    if v.count > 2 && v[v.startIndex] == 48 && (v[v.startIndex + 1] | 0x20) == UInt8(ascii: "x") {
      var r: UInt64 = 0
      for c in v.dropFirst(2) {
        let d: UInt8
        switch c {
        case 48...57: d = c - 48
        case 97...102: d = c - 87
        case 65...70: d = c - 55
        default: return nil
        }
        if r >> 60 != 0 { return nil }
        r = r << 4 | UInt64(d)
      }
      return r
    }
    if v[v.startIndex] == UInt8(ascii: "-") {
      guard let (m, end) = decimal(v, v.startIndex + 1), end == v.endIndex, m <= UInt64(Int64.max) else { return nil }
      return UInt64(bitPattern: -Int64(m))
    }
    guard let (r, end) = decimal(v, v.startIndex), end == v.endIndex else { return nil }
    return r
  }

  /// The `key=value` fields after the event name (and alloc_vmap_area's `va_start: N`).
  struct Fields {
    let bytes: ArraySlice<UInt8>
    var keys: [(key: Range<Int>, value: Range<Int>)] = []

    init(bytes: ArraySlice<UInt8>, start: Int) {
      self.bytes = bytes
      keys.reserveCapacity(8)
      var i = start
      while true {
        i = KernelTraceParser.skipSpaces(bytes, i)
        if i >= bytes.endIndex { break }
        let end = KernelTraceParser.tokenEnd(bytes, i)
        if let eq = bytes[i..<end].firstIndex(of: UInt8(ascii: "=")) {
          keys.append((i..<eq, (eq + 1)..<end))
        } else if bytes[end - 1] == KernelTraceParser.colon && end < bytes.endIndex {
          let v = KernelTraceParser.skipSpaces(bytes, end)
          let vEnd = KernelTraceParser.tokenEnd(bytes, v)
          keys.append((i..<(end - 1), v..<vEnd))
          i = vEnd
          continue
        }
        i = end
      }
    }

    func value(_ key: StaticString) -> Range<Int>? {
      let k = UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount)
      return keys.first { bytes[$0.key].elementsEqual(k) }?.value
    }
  }

  mutating func payload(
    _ kind: Int, _ f: inout Fields, number: Int, col: (Int) -> Int
  ) -> KernelEvent.Payload? {
    let name = Self.modelled[kind]
    var ok = true
    let b = f.bytes
    func num(_ key: StaticString) -> UInt64 {
      guard ok else { return 0 }
      guard let r = f.value(key) else {
        fail(
          number, col(b.startIndex + Self.skipSpaces(b, b.startIndex) - b.startIndex), "\(name) has no \(key)= field")
        ok = false
        return 0
      }
      guard let v = Self.number(b[r]) else {
        fail(number, col(r.lowerBound), "\(key)=\(String(decoding: b[r], as: UTF8.self)) is not a number")
        ok = false
        return 0
      }
      return v
    }
    func small(_ key: StaticString, _ range: ClosedRange<Int>) -> Int {
      let v = num(key)
      guard ok else { return 0 }
      guard v <= UInt64(range.upperBound) else {
        let r = f.value(key)!
        fail(
          number, col(r.lowerBound),
          "\(key)=\(String(decoding: b[r], as: UTF8.self)) is outside \(range.lowerBound)...\(range.upperBound)")
        ok = false
        return 0
      }
      return Int(v)
    }
    /// A value the kernel bounds: above `limit` is a damaged line.
    func bounded(_ key: StaticString, _ limit: UInt64, _ why: String) -> UInt64 {
      let v = num(key)
      guard ok, v >= limit, let r = f.value(key) else { return v }
      fail(number, col(r.lowerBound), "\(key)=\(String(decoding: b[r], as: UTF8.self)) is not below \(why)")
      ok = false
      return 0
    }
    let pfnWhy = "2^40 (x86-64's 52 physical address bits)"
    /// A block's pfn: below the pfn limit and aligned to its order, as every buddy block is.
    func block(_ pfn: UInt64, _ order: Int) {
      guard ok, pfn & ((1 << UInt64(order)) - 1) != 0, let r = f.value("pfn") else { return }
      fail(
        number, col(r.lowerBound),
        "pfn=\(String(decoding: b[r], as: UTF8.self)) is not aligned to order \(order) (a block starts at a multiple of its size)"
      )
      ok = false
    }
    let payload: KernelEvent.Payload
    switch name {
    case "alloc_vmap_area":
      let addr = num("va_start")
      // A failed request may have any size (the kernel traces it after the search fails); a placed
      // one must fit the address space, checked below.
      let size = num("size")
      let align = num("align")
      let failed = num("failed") != 0
      payload = .allocVmapArea(
        addr: addr, size: size, align: align, vstart: num("vstart"), vend: num("vend"), failed: failed)
      // A placed area lies inside the address space: start + size cannot wrap past 2^64.
      if ok && !failed && (size == 0 || addr.addingReportingOverflow(size).overflow), let r = f.value("size") {
        fail(
          number, col(r.lowerBound),
          size == 0 ? "size=0: an allocated area has a size" : "va_start + size runs past the end of the address space")
        ok = false
      }
    case "free_vmap_area_noflush":
      payload = .freeVmapArea(
        addr: num("va_start"), nrLazy: bounded("nr_lazy", InputLimits.maxLazyPages, "2^52 pages"),
        nrLazyMax: bounded("nr_lazy_max", InputLimits.maxLazyPages, "2^52 pages"))
    case "purge_vmap_area_lazy":
      payload = .purgeVmapArea(start: num("start"), end: num("end"), purged: small("num_purged", 0...Int(Int32.max)))
    case "mm_page_alloc":
      let failed = f.value("page").map { b[$0].elementsEqual("(null)".utf8) } ?? false
      let pfn = failed ? num("pfn") : bounded("pfn", InputLimits.pfnLimit, pfnWhy)
      let order = small("order", 0...10)
      if !failed { block(pfn, order) }
      payload = .pageAlloc(pfn: failed ? nil : pfn, order: order, migratetype: small("migratetype", 0...7))
    case "mm_page_free", "mm_page_free_batched":
      let batched = name == "mm_page_free_batched"
      let pfn = bounded("pfn", InputLimits.pfnLimit, pfnWhy)
      let order = batched ? 0 : small("order", 0...10)
      block(pfn, order)
      payload = .pageFree(pfn: pfn, order: order, batched: batched)
    case "mm_page_alloc_zone_locked":
      let pfn = bounded("pfn", InputLimits.pfnLimit, pfnWhy)
      let order = small("order", 0...10)
      block(pfn, order)
      payload = .pageAllocZoneLocked(
        pfn: pfn, order: order, migratetype: small("migratetype", 0...7), percpuRefill: num("percpu_refill") != 0)
    case "mm_page_pcpu_drain":
      let pfn = bounded("pfn", InputLimits.pfnLimit, pfnWhy)
      let order = small("order", 0...10)
      block(pfn, order)
      payload = .pagePcpuDrain(pfn: pfn, order: order, migratetype: small("migratetype", 0...7))
    default:
      payload = .pageAllocExtfrag(
        pfn: bounded("pfn", InputLimits.pfnLimit, pfnWhy), allocOrder: small("alloc_order", 0...10),
        fallbackOrder: small("fallback_order", 0...10), allocMigratetype: small("alloc_migratetype", 0...7),
        fallbackMigratetype: small("fallback_migratetype", 0...7))
    }
    return ok ? payload : nil
  }
}
