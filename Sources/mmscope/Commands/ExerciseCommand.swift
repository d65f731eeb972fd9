import ArgumentParser
import Foundation
import MMTrace

struct ExerciseCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "exercise",
    abstract: "Print an exercise sheet (starting state, operations, questions) or its answer key.",
    discussion: """
      Each exercise is drawn from a seed: the same seed gives the same sheet and the same key, so a
      teacher can hand out `--seed 7` and keep `--seed 7 --answers`. --mmtrace prints the exercise as a
      .mmtrace whose expect= items are the key (mmscope check verifies it; mmscope FILE steps through it).

      Examples:
        mmscope exercise --list
        mmscope exercise fits --seed 7
        mmscope exercise fits --seed 7 --answers
        mmscope exercise buddy --seed 3 --mmtrace
      """
  )

  @Argument(help: "The exercise (see --list).")
  var name: String?

  @Flag(name: .long, help: "List the exercises, one a line: the name, the lesson it practises, what it asks.")
  var list = false

  @Option(name: .long, help: "The seed the exercise is drawn from (default 1).")
  var seed: UInt64 = 1

  @Flag(name: .long, help: "Print the answer key instead of the sheet.")
  var answers = false

  @Flag(name: .long, help: "Print the exercise as a .mmtrace with the answers as expect= items.")
  var mmtrace = false

  func validate() throws {
    if list {
      guard name == nil, !answers, !mmtrace else {
        throw ValidationError("--list takes no exercise name or other flag")
      }
      return
    }
    guard let name else { throw ValidationError("name an exercise, or --list them") }
    guard ExerciseLibrary.named(name) != nil else {
      throw ValidationError(
        "unknown exercise '\(name)'; expected one of: \(ExerciseLibrary.all.map(\.name).joined(separator: ", "))")
    }
    guard !(answers && mmtrace) else { throw ValidationError("--answers and --mmtrace are two outputs: choose one") }
  }

  func run() throws {
    if list {
      let width = (ExerciseLibrary.all.map(\.name.count).max() ?? 0) + 2
      let lessonWidth = (ExerciseLibrary.all.map(\.lesson.count).max() ?? 0) + 2
      for e in ExerciseLibrary.all {
        print(
          e.name.padding(toLength: width, withPad: " ", startingAt: 0)
            + e.lesson.padding(toLength: lessonWidth, withPad: " ", startingAt: 0) + e.summary)
      }
      return
    }
    let exercise = ExerciseLibrary.named(name!)!
    let sheet = try exercise.sheet(seed: seed)
    print(answers ? sheet.answers : mmtrace ? sheet.mmtrace : sheet.text, terminator: "")
  }
}
