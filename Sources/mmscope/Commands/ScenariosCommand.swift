import ArgumentParser
import Foundation
import MMTrace

struct ScenariosCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "scenarios",
    abstract: "List the built-in scenarios, one line each: the name, then what it shows.",
    discussion: "Example:\n  mmscope scenarios"
  )

  func run() {
    let width = ScenarioLibrary.all.map(\.name.count).max() ?? 0
    for s in ScenarioLibrary.all {
      print(s.name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + s.summary)
    }
  }
}
