import MMCore
import MMTrace

/// `mmscope contention --view`: the contention table as a chart. For each CPU count, a bar per side of
/// throughput (on one scale) and of the share of time spent spinning (out of 100%), and the speed-up.
public enum ContentionChart {
  public static func render(
    _ report: ContentionReport, width: Int, height: Int, color: Bool = true, interactive: Bool = false
  ) -> Buffer {
    let theme = Theme(color: color)
    var b = Buffer(width: width, height: height)
    let rowsNeeded = 2 * report.rows.count + 6
    guard width >= 60, height >= min(rowsNeeded, 12) else {
      let msg = "the chart needs at least 60x\(min(rowsNeeded, 12)) (this is \(width)x\(height))"
      for (i, l) in wrap(msg, width: max(width, 1)).prefix(height).enumerated() { b.put(0, i, l, theme.error) }
      return b
    }
    let r = Rect(x: 0, y: 0, width: width, height: height)
    b.border(
      r, title: "lock contention: throughput and time spinning by CPU count" + (interactive ? "  (q quits)" : ""),
      style: theme.border)
    let inner = r.inset(1)
    // Columns: "cpus s " (7), throughput bar and number, spin bar and percent, speed-up (8).
    let label = 7
    let number = 8
    let speed = 9
    let room = inner.width - label - 2 * number - speed - 2
    let throughputWidth = max(8, room * 3 / 5)
    let spinWidth = max(6, room - throughputWidth)
    let peak = report.rows.flatMap { [$0.a.throughput, $0.b.throughput] }.max() ?? 1
    var y = inner.y
    b.put(inner.x, y, "cpus", theme.label)
    b.put(inner.x + label, y, "throughput (operations per ms)", theme.label)
    b.put(inner.x + label + throughputWidth + number + 1, y, "time spinning", theme.label)
    b.put(inner.maxX - speed + 1, y, "speed-up", theme.label)
    y += 1
    let rowsFit = (inner.maxY - y - 3) / 2
    for row in report.rows.prefix(max(0, rowsFit)) {
      for (k, side) in [("a", row.a), ("b", row.b)].enumerated() {
        var x = inner.x
        b.put(x, y, k == 0 ? String(format: "%4d", side.1.cpus) : "", .plain)
        b.put(x + 5, y, side.0, theme.focusedBorder)
        x += label
        bar(
          &b, x, y, fraction: side.1.throughput / max(peak, 1), width: throughputWidth,
          k == 0 ? theme.free : theme.label)
        x += throughputWidth
        b.put(x, y, pad(ContentionReport.rate(side.1.throughput), number), .plain)
        x += number + 1
        bar(&b, x, y, fraction: side.1.spinShare, width: spinWidth, theme.error)
        x += spinWidth
        b.put(x, y, pad(ContentionReport.percent(side.1.spinShare), number), .plain)
        if k == 0 { b.put(inner.maxX - speed, y, pad(String(format: "%.2fx", row.speedUp), speed), theme.black) }
        y += 1
      }
    }
    if report.rows.count > rowsFit {
      b.put(
        inner.x, y, "(\(report.rows.count - max(0, rowsFit)) more CPU counts: a taller terminal shows them)",
        theme.label)
      y += 1
    }
    for line in ["a: \(report.aName)", "b: \(report.bName)", "workload: \(report.workload)"] where y < inner.maxY {
      b.put(inner.x, y, fitted(line, width: inner.width), theme.label, clip: inner)
      y += 1
    }
    return b
  }

  static func pad(_ s: String, _ n: Int) -> String { String(repeating: " ", count: max(0, n - s.count)) + s }

  /// A horizontal bar in eighths of a cell.
  static func bar(_ b: inout Buffer, _ x: Int, _ y: Int, fraction: Double, width: Int, _ style: Style) {
    let eighths = Int((max(0, min(1, fraction)) * Double(width * 8)).rounded())
    let partial: [Character] = [" ", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
    var text = String(repeating: "█", count: eighths / 8)
    if eighths % 8 > 0 { text.append(partial[eighths % 8]) }
    b.put(x, y, text, style)
  }
}
