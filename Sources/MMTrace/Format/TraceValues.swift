/// Number and size syntax shared by the trace formats: decimal, 0x hex, and K/M/G/T suffixes.
public enum TraceValues {
  public static func number(_ s: Substring) -> UInt64? {
    if s.hasPrefix("0x") || s.hasPrefix("0X") { return UInt64(s.dropFirst(2), radix: 16) }
    return UInt64(s)
  }

  /// A size: a number, optionally with K, M, G or T (binary units).
  public static func size(_ s: Substring) -> UInt64? {
    let units: [Character: UInt64] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
    if let last = s.last, let unit = units[Character(last.uppercased())], let n = number(s.dropLast()) {
      let (v, o) = n.multipliedReportingOverflow(by: unit)
      return o ? nil : v
    }
    return number(s)
  }

  /// The shortest exact size text: "12K", "2M", or the number.
  public static func sizeText(_ v: UInt64) -> String {
    for (unit, name) in [(UInt64(1) << 40, "T"), (1 << 30, "G"), (1 << 20, "M"), (1 << 10, "K")]
    where v >= unit && v % unit == 0 {
      return "\(v / unit)\(name)"
    }
    return String(v)
  }
}
