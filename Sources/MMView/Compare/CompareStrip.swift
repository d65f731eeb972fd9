import MMCore
import MMTrace

/// The strip under the two sides: this step's work and the running totals for each, the search work of
/// recent steps as sparklines, and where the sides placed something differently.
enum CompareStrip {
  /// One column: its heading and how to read it from a step's work.
  struct Column: Sendable {
    var title: String
    var value: @Sendable (StepWork) -> UInt64
    var bytes = false
  }

  static let columns: [Column] = [
    Column(title: "visited") { UInt64($0.visited) },
    Column(title: "walked") { UInt64($0.walked) },
    Column(title: "pool") { UInt64($0.poolHits) },
    Column(title: "splits") { UInt64($0.buddySplits) },
    Column(title: "descs") { UInt64($0.descriptors) },
    Column(title: "dm.split") { UInt64($0.directMapSplits) },
    Column(title: "locks") { UInt64($0.lockAcquisitions) },
    Column(title: "exec") { UInt64($0.execWork) },
    Column(title: "metadata", value: { $0.metadataBytes }, bytes: true),
  ]

  static let sparks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

  static func draw(
    _ b: inout Buffer, _ r: Rect, run: ComparedRun, labels: (a: String, b: String), step: Int, _ theme: Theme
  ) {
    let differing = run.differenceCount
    // The box ends a row above the strip: the screen's last row holds the summary line, because a
    // terminal cannot draw its bottom-right cell (the box's corner) without scrolling.
    let box = Rect(x: r.x, y: r.y, width: r.width, height: r.height - 1)
    b.border(
      box, title: "b = a with \(labels.b)  ·  a: \(labels.a)", style: theme.border, titleStyle: theme.label.emboldened)
    let inner = box.inset(1)
    let labelWidth = 8
    // Columns that fit, those where either side did something first; metadata always last.
    let fit = max(1, (inner.width - labelWidth) / 9)
    let counts = columns.dropLast()
    let all = run.totals(upTo: run.steps)
    let used = counts.filter { c in c.value(all.a) > 0 || c.value(all.b) > 0 }
    let unused = counts.filter { c in !used.contains { $0.title == c.title } }
    let chosen = Set((used + unused).prefix(fit - 1).map(\.title))
    let shown = counts.filter { chosen.contains($0.title) } + [columns.last!]
    var y = inner.y
    var header = String(repeating: " ", count: labelWidth)
    for c in shown { header += pad(c.title, 9) }
    b.put(inner.x, y, header, theme.label, clip: inner)
    // The key that changes what the halves show, where the columns leave room for it.
    let hint = "v: panels shown"
    if inner.width - header.count >= hint.count + 2 { b.put(inner.maxX - hint.count, y, hint, theme.label) }
    y += 1
    let now = step - 1
    for (name, work) in [("a step", run.workA), ("b step", run.workB)] {
      var line = name.padding(toLength: labelWidth, withPad: " ", startingAt: 0)
      for c in shown {
        line += pad(now >= 0 && now < work.count ? number(c.value(work[now]), bytes: c.bytes) : "-", 9)
      }
      b.put(inner.x, y, line, .plain, clip: inner)
      y += 1
    }
    let totals = run.totals(upTo: step)
    for (name, total) in [("a total", totals.a), ("b total", totals.b)] {
      var line = name.padding(toLength: labelWidth, withPad: " ", startingAt: 0)
      // Counts are summed up to the step; metadata bytes are what is held at it (`adding` keeps it).
      for c in shown { line += pad(number(c.value(total), bytes: c.bytes), 9) }
      b.put(inner.x, y, line, theme.black, clip: inner)
      y += 1
    }
    // Search work of the steps up to this one, one column a step, on one scale for both sides.
    let cols = inner.width - labelWidth
    let first = max(0, step - cols)
    let window = first..<max(first, min(step, run.steps))
    let peak = window.reduce(1) { m, i in
      max(m, i < run.workA.count ? run.workA[i].searchWork : 0, i < run.workB.count ? run.workB[i].searchWork : 0)
    }
    for (name, work) in [("a work", run.workA), ("b work", run.workB)] {
      guard y < inner.maxY else { break }
      b.put(inner.x, y, name, theme.label, clip: inner)
      for (k, i) in window.enumerated() {
        let v = i < work.count ? work[i].searchWork : 0
        let glyph: Character = v == 0 ? " " : sparks[min(7, (v * 8 - 1) / peak)]
        b.put(
          inner.x + labelWidth + k, y, String(glyph), run.differs(at: i) ? theme.highlight : theme.free, clip: inner)
      }
      y += 1
    }
    let summary = differenceLine(run, step: step, differing: differing)
    b.put(
      r.x + 1, r.maxY - 1, fitted(summary, width: r.width - 2), differing > 0 ? theme.changed : .plain,
      clip: Rect(x: r.x + 1, y: r.maxY - 1, width: r.width - 2, height: 1))
  }

  /// What this step did differently, or how many steps did.
  static func differenceLine(_ run: ComparedRun, step: Int, differing: Int) -> String {
    let i = step - 1
    if i >= 0 && run.differs(at: i) {
      return "step \(step) differs: a \(DiffReport.outcome(run.workA, i)), b \(DiffReport.outcome(run.workB, i))"
    }
    if differing == 0 { return "both sides placed every step alike (search work: a vs b above)" }
    let first = run.differences(limit: 1).first.map { ", first step \($0 + 1)" } ?? ""
    return "\(differing) of \(run.steps) steps placed differently\(first) (highlighted above)"
  }

  static func pad(_ s: String, _ n: Int) -> String { String(repeating: " ", count: max(0, n - s.count)) + s }

  /// At most 8 characters: 1234567, 12.3M; bytes as 8.0 MiB.
  static func number(_ v: UInt64, bytes: Bool) -> String {
    if bytes { return Units.size(v).replacingOccurrences(of: "iB", with: "") }
    if v < 10_000_000 { return String(v) }
    let units: [(UInt64, String)] = [(1_000_000_000_000, "T"), (1_000_000_000, "G"), (1_000_000, "M")]
    for (u, s) in units where v >= u {
      let x = Double(v) / Double(u)
      return (x >= 100 ? String(Int(x)) : String(Double(Int(x * 10)) / 10)) + s
    }
    return String(v)
  }
}

extension Rect {
  /// The rectangle one column narrower on each side (keeps its rows).
  func insetX() -> Rect { Rect(x: x + 1, y: y, width: width - 2, height: height) }
}
