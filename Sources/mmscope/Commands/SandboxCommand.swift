import ArgumentParser
import Foundation
import MMTerminal
import MMTrace

struct SandboxCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sandbox",
    abstract: "The terminal view on an empty machine, with the : prompt ready for typed operations.",
    discussion: """
      Type one .mmtrace operation a line (short forms: vmalloc 16K, alloc_pages 3); Tab completes operation
      and area names; Enter runs it as the next step; :w FILE saves everything typed as a .mmtrace.

      Examples:
        mmscope sandbox
        mmscope sandbox --cpus 4 --memory 1G
        mmscope sandbox --policy legacy
      """
  )

  @OptionGroup var machine: MachineOptions

  func run() throws {
    try ViewCommand.requireTerminal()
    let script = SandboxScenario.scenario.script(machine.scenarioOptions)
    let session = try ViewCommand.startSession()
    defer { TerminalSession.restore() }
    ViewCommand.show(
      ViewCommand.Opened(script: script, source: "sandbox", openPrompt: true), in: session,
      crashAfterFirstFrame: false)
  }
}
