import ArgumentParser

@main
struct MMScope: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "mmscope",
    abstract: "See how Linux's kernel memory allocators work, step by step.",
    discussion: """
      mmscope models Linux v6.18's vmalloc address-space allocator (Rezki's augmented red-black tree, \
      lazy free and purge, vmap nodes) beside the pre-5.2 O(N) allocator, the buddy allocator and the \
      x86-64 direct map, and replays scenarios, its own .mmtrace files and real kernel traces.

      Examples:
        mmscope                         the terminal view on the built-in tour
        mmscope generate teach-fits -o teach.mmtrace
        mmscope teach.mmtrace           the terminal view on a trace
        mmscope scenarios
        mmscope stats --scenario fix_align_alloc_test --json
        mmscope dump --scenario teach-fits --at all-fits --what free-tree
        mmscope render --scenario teach-fits --at all-fits --size 120x40
        mmscope --scenario modules-rwx --vs unmapped-cache=on   two machines
        mmscope diff --scenario modules-rwx --vs unmapped-cache=on
      """,
    subcommands: [
      ViewCommand.self, ScenariosCommand.self, GenerateCommand.self, ImportCommand.self, CheckCommand.self,
      CompareCommand.self, RenderCommand.self, ExplainCommand.self, StatsCommand.self, DiffCommand.self,
      ContentionCommand.self, DumpCommand.self,
      SandboxCommand.self, QuizCommand.self, ExerciseCommand.self,
    ],
    defaultSubcommand: ViewCommand.self
  )
}
