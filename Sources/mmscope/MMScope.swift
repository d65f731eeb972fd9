import ArgumentParser

@main
struct MMScope: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "mmscope",
    abstract: "See how Linux's kernel memory allocators work, step by step.",
    discussion: """
      mmscope models Linux v6.18's vmalloc address-space allocator (Rezki's augmented red-black tree, \
      lazy free and purge, vmap nodes) beside the pre-5.2 O(N) allocator, and replays built-in scenarios.

      Examples:
        mmscope scenarios
        mmscope stats --scenario fix_align_alloc_test --json
        mmscope dump --scenario teach-fits --at all-fits --what free-tree
      """,
    subcommands: [
      ScenariosCommand.self, GenerateCommand.self, ImportCommand.self, CheckCommand.self, CompareCommand.self,
      RenderCommand.self,
      StatsCommand.self,
      DumpCommand.self,
    ]
  )
}
