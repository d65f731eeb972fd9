/// Word-wraps text to `width` columns.
func wrap(_ text: String, width: Int) -> [String] {
  guard width > 0 else { return [] }
  var lines: [String] = []
  var line = ""
  for word in text.split(separator: " ", omittingEmptySubsequences: true) {
    if line.isEmpty {
      line = String(word)
    } else if line.count + 1 + word.count <= width {
      line += " " + word
    } else {
      lines.append(line)
      line = String(word)
    }
    while line.count > width {
      lines.append(String(line.prefix(width)))
      line = String(line.dropFirst(width))
    }
  }
  if !line.isEmpty { lines.append(line) }
  return lines
}
