import MMCore

/// Short human forms of sizes and addresses for the panels and the explain pane.
public enum Units {
  /// "4 KiB", "1.5 MiB", "32 TiB": binary units, at most one decimal.
  public static func size(_ bytes: UInt64) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
    var v = Double(bytes)
    var i = 0
    while v >= 1024 && i < units.count - 1 {
      v /= 1024
      i += 1
    }
    if i == 0 { return "\(bytes) B" }
    var tenths = (v * 10).rounded()
    if tenths >= 10240 && i < units.count - 1 {
      // 1023.96 KiB rounds to 1024.0: say 1 MiB instead.
      tenths /= 1024
      i += 1
    }
    let one = tenths / 10
    return (one == one.rounded(.down) ? String(Int(one)) : String(one)) + " " + units[i]
  }

  /// `size`, with the exact byte count beside it when the short form rounds ("40 KiB (40959 B)").
  public static func exactSize(_ bytes: UInt64) -> String {
    let short = size(bytes)
    let units: [(String, UInt64)] = [("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30), ("TiB", 1 << 40)]
    for (name, unit) in units where short.hasSuffix(" " + name) {
      return bytes % unit == 0 && short == "\(bytes / unit) \(name)" ? short : "\(short) (\(bytes) B)"
    }
    return short
  }

  public static func span(_ s: Span) -> String { "[\(s.start.hex), \(s.end.hex))" }

  public static func pages(_ n: UInt64) -> String { n == 1 ? "1 page" : "\(n) pages" }
}
