import ArgumentParser
import Foundation

/// Writing a command's output file, or standard output for "-".
enum OutputFile {
  static func write(_ text: String, to path: String) throws {
    if path == "-" {
      print(text, terminator: "")
      return
    }
    do {
      try text.write(toFile: path, atomically: true, encoding: .utf8)
    } catch {
      throw ValidationError("cannot write \(path): \(error.localizedDescription)")
    }
  }
}
