import Foundation

/// A lesson in `Recordings/`: a narrated `.mmtrace` whose first comment lines say what it is
/// (`# title:`, `# about:`, `# minutes:`, `# order:`, `# compare:`), which the lesson menu lists.
public struct Lesson: Sendable, Equatable {
  public var path: String
  public var title: String
  public var about: String
  public var minutes: Int?
  public var order: Int
  /// `# compare:`: machine options (as `--vs` takes them) the lesson is best seen against.
  public var compare: String? = nil

  /// The file's name, as a command line would give it.
  public var fileName: String { (path as NSString).lastPathComponent }
}

public enum LessonCatalog {
  /// The lesson header of a file, or nil when it has no `# title:` before its first item.
  public static func lesson(at path: String) -> Lesson? {
    guard let reader = try? LineReader(path: path) else { return nil }
    var fields: [String: String] = [:]
    // The header lines sit among the first comments; reading stops at the first item after them.
    while fields.count < 8, let line = try? reader.nextLine() {
      let text = line.trimmingCharacters(in: .whitespaces)
      if text.isEmpty || text == "mmtrace 1" { continue }
      guard text.hasPrefix("#") else { break }
      let body = text.dropFirst().trimmingCharacters(in: .whitespaces)
      guard let colon = body.firstIndex(of: ":") else { continue }
      let key = body[..<colon].lowercased()
      guard ["title", "about", "minutes", "order", "compare"].contains(key) else { continue }
      fields[key] = body[body.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
    guard let title = fields["title"], !title.isEmpty else { return nil }
    return Lesson(
      path: path, title: title, about: fields["about"] ?? "", minutes: fields["minutes"].flatMap { Int($0) },
      order: fields["order"].flatMap { Int($0) } ?? Int.max,
      compare: fields["compare"].flatMap { (try? MachineVariant.parse($0).get()) != nil ? $0 : nil })
  }

  /// The lessons of a directory (`.mmtrace` and `.mmtrace.gz` files with a header), in their order.
  public static func lessons(in directory: String) -> [Lesson] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    return
      names
      .filter { $0.hasSuffix(".mmtrace") || $0.hasSuffix(".mmtrace.gz") }
      .compactMap { lesson(at: (directory as NSString).appendingPathComponent($0)) }
      .sorted { ($0.order, $0.fileName) < ($1.order, $1.fileName) }
  }

  /// Where `Recordings/` is: `$MMSCOPE_RECORDINGS`, else `Recordings` in the working directory or in
  /// a directory above the executable (`swift run` runs `.build/debug/mmscope` inside the project).
  public static func locate(environment: [String: String], workingDirectory: String, executable: String) -> String? {
    if let dir = environment["MMSCOPE_RECORDINGS"], !dir.isEmpty { return isDirectory(dir) ? dir : nil }
    var candidates = [(workingDirectory as NSString).appendingPathComponent("Recordings")]
    var dir = ((executable as NSString).resolvingSymlinksInPath as NSString).deletingLastPathComponent
    while dir != "/" && !dir.isEmpty {
      candidates.append((dir as NSString).appendingPathComponent("Recordings"))
      dir = (dir as NSString).deletingLastPathComponent
    }
    return candidates.first(where: isDirectory)
  }

  static func isDirectory(_ path: String) -> Bool {
    var isDir: ObjCBool = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
  }
}
