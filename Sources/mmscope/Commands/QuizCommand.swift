import ArgumentParser
import Foundation
import MMTerminal
import MMTrace
import MMView

struct QuizCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "quiz",
    abstract: "Predict, then reveal: the view asks about each operation's result before it runs.",
    discussion: """
      Before each operation with a question, the view shows the state before it and asks: where will the
      area land (type the address, or pick a free run with the address cursor and press Enter), which fit
      type, from which free list a block comes, whether it splits or merges, how many areas a purge
      releases, how many direct-map pages split. Then the operation runs, the answers are marked with the
      reason, and its phases can be walked with . and ,. Esc ends the quiz with the score.

      Examples:
        mmscope quiz Recordings/vmalloc-fits.mmtrace
        mmscope quiz --scenario buddy-classroom --only buddy
        mmscope quiz Recordings/direct-map.mmtrace --only directmap
      """
  )

  @OptionGroup var source: SourceOptions
  @OptionGroup var at: AtOption

  @Option(
    name: .long,
    help: "The questions to ask, comma-separated: alloc, free, buddy, directmap (default: all of them).")
  var only: String?

  func topics() throws -> Set<QuizQuestion.Topic> {
    guard let only else { return Set(QuizQuestion.Topic.allCases) }
    var out = Set<QuizQuestion.Topic>()
    for word in only.split(separator: ",") {
      guard let t = QuizQuestion.Topic(rawValue: word.trimmingCharacters(in: .whitespaces)) else {
        throw ValidationError("--only: '\(word)' is not a topic; expected alloc, free, buddy or directmap")
      }
      out.insert(t)
    }
    guard !out.isEmpty else { throw ValidationError("--only needs at least one topic") }
    return out
  }

  func validate() throws { _ = try topics() }

  func run() throws {
    try ViewCommand.requireTerminal()
    let (script, problems) = try source.scriptKeepingValid()
    let name = source.file.map { ($0 as NSString).lastPathComponent } ?? "scenario \(source.scenario!)"
    let session = try ViewCommand.startSession()
    defer { TerminalSession.restore() }
    var opened = ViewCommand.Opened(script: script, source: name)
    opened.quiz = try topics()
    opened.startStep = at.at == nil ? 0 : try at.step(in: script)
    if problems > 0 { opened.startMessage = "\(problems) bad lines left out; mmscope check lists them" }
    ViewCommand.show(opened, in: session, crashAfterFirstFrame: false)
  }
}
