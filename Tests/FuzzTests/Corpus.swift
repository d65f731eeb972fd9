import CZlib
import Foundation
import MMCore
import MMTrace

/// The fuzz inputs: mutations of real v6.18 trace lines (three layouts) and of `.mmtrace` files,
/// `.mmtrace` files of well-formed operations with boundary arguments, and cut gzip files.
struct Corpus {
  static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures/fuzz")

  struct Seed {
    var name: String
    var lines: [[UInt8]]
    /// Header lines kept in front of the chosen window.
    var keepFirst: Int
    var mmtrace: Bool
  }

  let seeds: [Seed]

  init() throws {
    func lines(_ file: String) throws -> [[UInt8]] {
      let data = try Data(contentsOf: Corpus.dir.appendingPathComponent(file))
      return data.split(separator: 10, omittingEmptySubsequences: false).map { Array($0) }
    }
    var s = [
      Seed(name: "ftrace.txt", lines: try lines("ftrace-seed.txt"), keepFirst: 12, mmtrace: false),
      Seed(name: "perf.txt", lines: try lines("perf-seed.txt"), keepFirst: 0, mmtrace: false),
      Seed(name: "tracecmd.txt", lines: try lines("tracecmd-seed.txt"), keepFirst: 3, mmtrace: false),
      Seed(name: "ops.mmtrace", lines: try lines("mmtrace-seed.mmtrace"), keepFirst: 2, mmtrace: true),
      Seed(name: "recorded.mmtrace", lines: try lines("mmtrace-recorded-seed.mmtrace"), keepFirst: 2, mmtrace: true),
    ]
    // Scenarios as `mmscope generate` writes them, kept short.
    for name in ["tour", "teach-fits", "buddy-classroom", "modules-rwx", "bpf-programs", "secretmem"] {
      guard let sc = ScenarioLibrary.named(name) else { continue }
      let text = TracePrinter.text(TraceDocument(script: sc.script(ScenarioOptions(seed: 1, steps: 40))))
      let l = text.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0.utf8) }
      s.append(Seed(name: "\(name).mmtrace", lines: l, keepFirst: 2, mmtrace: true))
    }
    seeds = s
  }

  /// Input number `i` of the run seeded with `seed`: its file name (the extension says the format
  /// it imitates; detection goes by content) and bytes.
  func input(_ i: Int, seed: UInt64) -> (name: String, bytes: [UInt8]) {
    var m = Mutator(seed: seed &* 0x9e37_79b9 &+ UInt64(i))
    switch m.below(20) {
    case 0, 1, 2:
      return ("ops.mmtrace", Array(Self.operations(&m).utf8))
    case 3:
      let s = m.pick(seeds.filter { !$0.mmtrace })
      return (s.name + ".gz", Self.cutGzip(m.file(from: s.lines, keepFirst: s.keepFirst, mmtrace: false), &m))
    case 4:
      return ("frees.txt", Array(Self.unknownFrees(&m).utf8))
    default:
      let s = m.pick(seeds)
      return (s.name, m.file(from: s.lines, keepFirst: s.keepFirst, mmtrace: s.mmtrace))
    }
  }

  /// A `.mmtrace` file of well-formed operations whose arguments are boundary values.
  static func operations(_ m: inout Mutator) -> String {
    // Templates: each N becomes a boundary value.
    let machines = [
      "machine memory=N", "machine cpus=N", "machine memory=16T", "machine memory=64T cpus=8192",
      "machine zones=DMA:N-N", "machine early-busy=N-N", "machine pageblocks=N:movable", "machine vmap-nodes=N",
      "machine memory=16M", "",
    ]
    let ops = [
      "vmalloc size=N as=a", "vmalloc size=N align=N vstart=N vend=N", "alloc_vmap_area size=N align=N at=N",
      "alloc_vmap_area size=N failed", "vfree N", "vfree a cpu=N", "purge", "purge kernel=N", "alloc_pages order=N",
      "alloc_pages order=0 at=N", "alloc_pages order=N at=N", "free_pages N order=N", "free_pages N",
      "set_memory ro N pages=N", "set_memory x a pages=N", "set_direct_map invalid N pages=N",
      "module_load m text=N rodata=N data=N", "module_unload m", "secretmem_alloc k pages=N", "secretmem_free k",
      "unmapped_alloc order=N as=u", "unmapped_free N", "unmapped_shrink", "prog_pack_alloc p size=N",
      "prog_pack_free p", "execmem_alloc e size=N align=N", "execmem_free e", "vmalloc size=4K expect=N",
      "bookmark bN",
    ]
    func fill(_ t: String, _ m: inout Mutator) -> String {
      t.split(separator: "N", omittingEmptySubsequences: false).map(String.init)
        .reduce(into: (text: "", first: true)) { acc, part in
          if !acc.first { acc.text += m.number(suffixes: true) }
          acc.text += part
          acc.first = false
        }.text
    }
    var lines = ["mmtrace 1", fill(m.pick(machines), &m)]
    for _ in 0..<(1 + m.below(12)) { lines.append(fill(m.pick(ops), &m)) }
    return lines.joined(separator: "\n") + "\n"
  }

  /// Frees of addresses the trace never allocated, with nr_lazy growing and shrinking at random:
  /// the importer's learning of pre-existing areas.
  static func unknownFrees(_ m: inout Mutator) -> String {
    var out: [String] = []
    var lazy: UInt64 = UInt64(m.below(100))
    for i in 0..<(2 + m.below(30)) {
      let addr: UInt64 =
        m.chance(4) ? m.pick(Mutator.boundaries) : 0xffff_c900_0000_0000 + UInt64(m.below(64)) * 0x1000
      if m.chance(6) { lazy = m.pick(Mutator.boundaries) } else { lazy &+= UInt64(m.below(6)) }
      out.append(
        "  kworker-1 [000] ..... \(100 + i).000000: free_vmap_area_noflush: va_start=0x\(String(addr, radix: 16)) nr_lazy=\(lazy) nr_lazy_max=16384"
      )
    }
    return out.joined(separator: "\n") + "\n"
  }

  /// `bytes` gzip-compressed and, most of the time, cut short.
  static func cutGzip(_ bytes: [UInt8], _ m: inout Mutator) -> [UInt8] {
    let z = gzip(bytes)
    return m.chance(4) ? z : Array(z.prefix(max(2, m.below(z.count))))
  }

  static func gzip(_ bytes: [UInt8]) -> [UInt8] {
    var s = z_stream()
    precondition(mmscope_deflate_init_gzip(&s, 6) == Z_OK)
    defer { deflateEnd(&s) }
    var input = bytes
    var out = [UInt8](repeating: 0, count: Int(deflateBound(&s, uLong(bytes.count))) + 64)
    let n = input.withUnsafeMutableBufferPointer { inp in
      out.withUnsafeMutableBufferPointer { o in
        s.next_in = inp.baseAddress
        s.avail_in = uInt(inp.count)
        s.next_out = o.baseAddress
        s.avail_out = uInt(o.count)
        _ = deflate(&s, Z_FINISH)
        return o.count - Int(s.avail_out)
      }
    }
    return Array(out.prefix(n))
  }
}
