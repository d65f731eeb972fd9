import Foundation

let sizeUnits: Set<String> = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "kB", "pages", "page"]

/// Word-wraps text to `width` columns.
func wrap(_ text: String, width: Int) -> [String] {
  guard width > 0 else { return [] }
  var lines: [String] = []
  var line = ""
  // A number and its unit ("16 EiB", "12 KiB") stay on one line.
  var words: [String] = []
  for w in text.split(separator: " ", omittingEmptySubsequences: true) {
    if sizeUnits.contains(w.trimmingCharacters(in: .punctuationCharacters)), let last = words.last,
      last.last?.isNumber == true
    {
      words[words.count - 1] = last + " " + w
    } else {
      words.append(String(w))
    }
  }
  for word in words {
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

/// `text` shortened to `width` columns at a space, ending with "…", so no number or word is cut
/// in the middle; unchanged when it fits.
func fitted(_ text: String, width: Int) -> String {
  guard text.count > width else { return text }
  guard width > 1 else { return width == 1 ? "…" : "" }
  let head = text.prefix(width - 1)
  if let space = head.lastIndex(of: " ") {
    return String(head[..<space]).trimmingTrailingSpaces + " …"
  }
  return "…"
}

extension String {
  var trimmingTrailingSpaces: String {
    var s = self
    while s.last == " " { s.removeLast() }
    return s
  }
}
