import MMCore

/// Structure-aware mutations of trace text, as an attacker or a careless user makes them: numbers
/// replaced by boundary values in another base, fields dropped, duplicated or swapped, bytes flipped,
/// NUL, invalid UTF-8 and CR inserted, lines cut, names and lines made very long.
struct Mutator {
  var rng: SeededRandom

  init(seed: UInt64) { rng = SeededRandom(seed: seed) }

  /// The numbers that break arithmetic: around 2^31, 2^32, 2^40 (pfn limit), 2^52 (physical address
  /// limit), 2^63, 2^64, the top of the address space, and page-boundary neighbours.
  static let boundaries: [UInt64] = [
    0, 1, 2, 7, 10, 11, 4095, 4096, 4097, 0x1ff, 0x200, 0x201,
    1 << 31 - 1, 1 << 31, 1 << 31 + 1, 1 << 32 - 1, 1 << 32, 1 << 32 + 1,
    1 << 40 - 1, 1 << 40, 1 << 46, 1 << 52, 0x8000_0000_0000, 0x8000_0000_0000_0000 - 1,
    0x8000_0000_0000_0000, 0x8000_0000_0000_0001, UInt64.max - 4095, UInt64.max - 1, UInt64.max,
    0xffff_c900_0000_0000, 0xffff_e8ff_ffff_ffff, 0xffff_8880_0000_0000, 0xffff_ffff_ffff_f000,
  ]

  mutating func chance(_ oneIn: UInt64) -> Bool { rng.next() % oneIn == 0 }
  mutating func pick<T>(_ a: [T]) -> T { a[Int(rng.next() % UInt64(a.count))] }
  mutating func below(_ n: Int) -> Int { n <= 0 ? 0 : Int(rng.next() % UInt64(n)) }

  /// A boundary value, sometimes nudged, written as decimal, hex, negative or with a size suffix.
  mutating func number(suffixes: Bool) -> String {
    var v = pick(Self.boundaries)
    if chance(4) { v = v &+ UInt64(below(3)) &- 1 }
    switch below(suffixes ? 6 : 5) {
    case 0: return "0x" + String(v, radix: 16)
    case 1: return "-" + String(v % (1 << 63))
    case 2: return String(UInt64.max) + String(below(10))  // one digit past 2^64
    case 3: return "0x" + String(repeating: "f", count: 17 + below(8))
    case 4: return String(v)
    default: return String(v >> 10) + pick(["K", "M", "G", "T"])
    }
  }

  /// Byte ranges of the numbers in a line (decimal, or 0x hex).
  static func numberRanges(_ b: [UInt8]) -> [Range<Int>] {
    var out: [Range<Int>] = []
    var i = 0
    func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
    func isHex(_ c: UInt8) -> Bool { isDigit(c) || (c | 0x20 >= 97 && c | 0x20 <= 102) }
    while i < b.count {
      if isDigit(b[i]) && (i == 0 || !isHex(b[i - 1])) {
        var j = i + 1
        if b[i] == 48, j < b.count, b[j] | 0x20 == UInt8(ascii: "x") {
          j += 1
          while j < b.count && isHex(b[j]) { j += 1 }
        } else {
          while j < b.count && isDigit(b[j]) { j += 1 }
        }
        out.append(i..<j)
        i = j
      } else {
        i += 1
      }
    }
    return out
  }

  /// Byte ranges of the space-separated fields of a line.
  static func fieldRanges(_ b: [UInt8]) -> [Range<Int>] {
    var out: [Range<Int>] = []
    var i = 0
    while i < b.count {
      while i < b.count && (b[i] == 32 || b[i] == 9) { i += 1 }
      let s = i
      while i < b.count && b[i] != 32 && b[i] != 9 { i += 1 }
      if i > s { out.append(s..<i) }
    }
    return out
  }

  /// One mutation of one line.
  mutating func mutate(line: [UInt8], mmtrace: Bool) -> [UInt8] {
    var b = line
    switch below(12) {
    case 0, 1, 2, 3:
      let nums = Self.numberRanges(b)
      if let r = nums.isEmpty ? nil : pick(nums) {
        b.replaceSubrange(r, with: Array(number(suffixes: mmtrace).utf8))
      }
    case 4:
      let f = Self.fieldRanges(b)
      if let r = f.isEmpty ? nil : pick(f) { b.removeSubrange(r) }
    case 5:
      let f = Self.fieldRanges(b)
      if let r = f.isEmpty ? nil : pick(f) { b.insert(contentsOf: [32] + b[r], at: r.upperBound) }
    case 6:
      let f = Self.fieldRanges(b)
      if f.count >= 2 {
        let x = below(f.count)
        let y = below(f.count)
        let (lo, hi) = (f[min(x, y)], f[max(x, y)])
        if lo != hi {
          let a = Array(b[lo])
          let c = Array(b[hi])
          b.replaceSubrange(hi, with: a)
          b.replaceSubrange(lo, with: c)
        }
      }
    case 7:
      if !b.isEmpty { b[below(b.count)] ^= UInt8(1 << below(8)) }
    case 8:
      let junk: [[UInt8]] = [[0], [0xff, 0xfe], [0xc3], [13], [13, 10], [0xe2, 0x80], [9], Array("=".utf8)]
      b.insert(contentsOf: pick(junk), at: below(b.count + 1))
    case 9:
      b = Array(b.prefix(below(b.count + 1)))
    case 10:
      // A very long name or value, now and then a very long line.
      let f = Self.fieldRanges(b)
      let n = chance(50) ? 300_000 : 5_000
      if let r = f.isEmpty ? nil : pick(f) {
        b.insert(contentsOf: [UInt8](repeating: UInt8(ascii: "a") + UInt8(below(26)), count: n), at: r.upperBound)
      }
    default:
      // Hex and decimal swapped: a hex number's digits read as decimal and the other way round.
      let nums = Self.numberRanges(b)
      if let r = nums.isEmpty ? nil : pick(nums) {
        let s = b[r]
        if s.count > 2, s[s.startIndex + 1] | 0x20 == UInt8(ascii: "x") {
          b.replaceSubrange(r, with: Array(s.dropFirst(2)))
        } else {
          b.replaceSubrange(r, with: Array("0x".utf8) + s)
        }
      }
    }
    return b
  }

  /// A file made of `lines` (some kept as they are, a few mutated, some dropped or repeated), and
  /// now and then cut at a random byte.
  mutating func file(from lines: [[UInt8]], keepFirst: Int, mmtrace: Bool) -> [UInt8] {
    var out: [[UInt8]] = Array(lines.prefix(keepFirst))
    var body = Array(lines.dropFirst(keepFirst))
    if body.count > 40 {
      let start = below(body.count - 20)
      body = Array(body[start..<min(body.count, start + 5 + below(40))])
    }
    var chosen: [[UInt8]] = []
    for l in body where !chance(5) {
      chosen.append(l)
      if chance(15) { chosen.append(l) }
    }
    out += chosen
    for _ in 0..<(1 + below(3)) where !out.isEmpty {
      let i = below(out.count)
      out[i] = mutate(line: out[i], mmtrace: mmtrace)
    }
    var bytes = Array(out.joined(separator: [10]))
    if chance(3) { bytes.append(10) }
    if chance(12) { bytes = Array(bytes.prefix(below(bytes.count + 1))) }
    if chance(40) { bytes = bytes.flatMap { $0 == 10 ? [13, 10] : [$0] } }
    return bytes
  }
}
