import ArgumentParser
import Foundation

extension MMScope {
  /// ParsableCommand's own `main()`, except for a `ValidationError` thrown from a subcommand's `run()`
  /// (a bad `--at` is only known once the source is read): swift-argument-parser reports those with
  /// the top-level usage, as it no longer knows which subcommand ran; here they get that subcommand's
  /// usage, as the errors found while parsing do. Exit status 64 either way.
  static func main() {
    var command: ParsableCommand
    do {
      command = try parseAsRoot()
    } catch {
      exit(withError: error)
    }
    do {
      try command.run()
    } catch let error as ValidationError {
      let subcommand = type(of: command)
      let usage = usageString(for: subcommand).replacingOccurrences(of: "\n", with: "\n       ")
      let name = subcommand == MMScope.self ? "mmscope" : "mmscope \(subcommand._commandName)"
      let text = "Error: \(error.message)\nUsage: \(usage)\n  See '\(name) --help' for more information.\n"
      FileHandle.standardError.write(Data(text.utf8))
      exit(withError: ExitCode.validationFailure)
    } catch {
      exit(withError: error)
    }
  }
}
