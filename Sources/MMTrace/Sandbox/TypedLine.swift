import MMCore

/// A line typed at the view's `:` prompt: an operation in the `.mmtrace` syntax (with short forms),
/// or a prompt command (`w FILE`, `export FILE`).
public enum TypedCommand: Sendable, Equatable {
  /// The operation, and the line as a file would hold it (short forms expanded).
  case operation(Operation, expect: Expectation?, line: String)
  /// `:w FILE`: save everything up to the current step as a `.mmtrace`.
  case write(String)
  /// `:export FILE`: the frame on screen as `.svg`, `.txt` or `.ans` (ANSI).
  case export(String)
}

/// A problem with a typed line: the column (1-based, in the text as typed) and what was expected.
public struct TypedLineError: Error, Sendable, Equatable, CustomStringConvertible {
  public var column: Int
  public var message: String
  public var description: String { "column \(column): \(message)" }

  public init(column: Int, message: String) {
    self.column = column
    self.message = message
  }
}

public enum TypedLine {
  /// What each operation takes, for completion: its keys (`size=`) and flags.
  static let arguments: [String: [String]] = [
    "vmalloc": ["size=", "align=", "vstart=", "vend=", "kind=", "cpu=", "as=", "noguard", "huge", "expect="],
    "alloc_vmap_area": ["size=", "align=", "vstart=", "vend=", "kind=", "cpu=", "as=", "at=", "failed", "expect="],
    "vfree": ["cpu=", "expect="],
    "purge": ["expect="],
    "alloc_pages": ["order=", "mt=", "zone=", "cpu=", "as=", "expect="],
    "free_pages": ["order=", "cpu=", "expect="],
    "set_memory": ["ro", "rw", "x", "nx", "np", "p", "rox", "4k", "pages="],
    "set_direct_map": ["invalid", "default", "pages="],
    "module_load": ["text=", "rodata=", "data=", "cpu="],
    "module_unload": [],
    "secretmem_alloc": ["pages="],
    "secretmem_free": [],
    "unmapped_alloc": ["order=", "as="],
    "unmapped_free": [],
    "unmapped_shrink": [],
    "prog_pack_alloc": ["size="],
    "prog_pack_free": [],
    "execmem_alloc": ["size=", "align="],
    "execmem_free": [],
  ]
  static let promptCommands = ["w", "export"]

  /// Words that name a value: `kind=`'s kinds, `mt=`'s migratetypes, `zone=`'s zones.
  static let values: [String: [String]] = [
    "kind=": ["vmalloc", "vmap", "ioremap", "module", "stack", "prog-pack", "vm_map_ram", "percpu", "unknown"],
    "mt=": ["unmovable", "movable", "reclaimable", "highatomic", "isolate"],
    "zone=": ["Normal", "DMA32", "DMA"],
  ]

  /// Parses a typed line. Short forms: a bare size after `vmalloc`/`alloc_vmap_area` is `size=`, a
  /// bare number after `alloc_pages`/`unmapped_alloc` is `order=`.
  public static func parse(_ text: String) -> Result<TypedCommand, TypedLineError> {
    let words = split(text)
    guard let head = words.first else {
      return .failure(TypedLineError(column: 1, message: "type an operation, or w FILE"))
    }
    if head.text == "w" || head.text == "write" || head.text == "export" {
      guard words.count == 2 else {
        return .failure(
          TypedLineError(
            column: (words.count > 2 ? words[2].column : head.column + head.text.count + 1),
            message: "expected '\(head.text) FILE' with one file name"))
      }
      let path = words[1].text
      if head.text == "export" {
        guard path.hasSuffix(".svg") || path.hasSuffix(".txt") || path.hasSuffix(".ans") else {
          return .failure(
            TypedLineError(column: words[1].column, message: "export writes FILE.svg, FILE.txt or FILE.ans (ANSI)"))
        }
        return .success(.export(path))
      }
      return .success(.write(path))
    }
    // Expand the short forms, remembering where text was inserted to map columns back.
    var expanded = ""
    var insertions: [(at: Int, length: Int)] = []
    for (i, w) in words.enumerated() {
      if !expanded.isEmpty { expanded += " " }
      var word = w.text
      if i == 1, !word.contains("="), word.first?.isNumber == true {
        let key: String? =
          switch head.text {
          case "vmalloc", "alloc_vmap_area": "size="
          case "alloc_pages", "unmapped_alloc": "order="
          default: nil
          }
        if let key {
          insertions.append((expanded.count + 1, key.count))
          word = key + word
        }
      }
      expanded += word
    }
    var parser = TraceParser(file: "typed")
    parser.parse(line: "mmtrace 1", number: 0)
    parser.parse(line: Substring(expanded), number: 1)
    let doc = parser.finish()
    if let e = parser.errors.first {
      // A column in the expanded line, back in the typed one (plus the typed line's leading spaces).
      var column = e.column
      for ins in insertions.reversed() where column > ins.at { column = max(ins.at, column - ins.length) }
      let lead = (words.first?.column ?? 1) - 1
      return .failure(TypedLineError(column: column + lead, message: e.message))
    }
    guard let line = doc.lines.first, let op = line.item.operation else {
      return .failure(TypedLineError(column: 1, message: "expected an operation (Tab lists them), or w FILE"))
    }
    return .success(.operation(op, expect: line.expect, line: TracePrinter.line(line)))
  }

  /// Tab completion of the word being typed (the last one): operation names first, then an
  /// operation's keys and the names of live allocations. Returns the completed text (the common
  /// prefix of every candidate) and the candidates.
  public static func complete(_ text: String, machine: Machine) -> (text: String, candidates: [String]) {
    let endsWithSpace = text.last == " "
    let words = split(text).map(\.text)
    let current = endsWithSpace ? "" : (words.last ?? "")
    let previous = endsWithSpace ? words : Array(words.dropLast())
    var pool: [String]
    if previous.isEmpty {
      pool = arguments.keys.sorted() + promptCommands
    } else if let key = values.keys.first(where: { current.hasPrefix($0) }) {
      pool = values[key]!.map { key + $0 }
    } else if promptCommands.contains(previous[0]) || previous[0] == "write" {
      pool = []
    } else {
      let op = previous[0]
      var args = arguments[op] ?? []
      // set_memory and set_direct_map take one attribute, then the area.
      let attributes = ["ro", "rw", "x", "nx", "np", "p", "rox", "4k", "invalid", "default"]
      if previous.count > 1 && attributes.contains(previous[1]) { args.removeAll { attributes.contains($0) } }
      if (op == "set_memory" || op == "set_direct_map") && previous.count == 1 {
        pool = args.filter { attributes.contains($0) }
      } else {
        let live = names(for: op, machine: machine)
        // An operation on a named allocation takes the name first: offer only names until one is given.
        let given = previous.dropFirst(op.hasPrefix("set_") ? 2 : 1).contains { !$0.contains("=") }
        if !live.isEmpty && !given {
          pool = live
        } else {
          pool = args.filter { a in !previous.contains { $0 == a || (a.hasSuffix("=") && $0.hasPrefix(a)) } }
          pool += given ? [] : live
        }
      }
    }
    let candidates = pool.filter { $0.hasPrefix(current) }
    guard !candidates.isEmpty else { return (text, []) }
    var common = candidates[0]
    for c in candidates.dropFirst() {
      while !c.hasPrefix(common) { common.removeLast() }
    }
    let base = endsWithSpace ? text : String(text.dropLast(current.count))
    // One candidate: complete it and start the next word (unless it takes a value after '=').
    let done = candidates.count == 1 && !common.hasSuffix("=")
    return (base + common + (done ? " " : ""), candidates)
  }

  /// A name the operation refers to that nothing live has at this state (the view says so at the
  /// prompt instead of running a step that is refused).
  public static func unknownName(in op: Operation, machine: Machine) -> String? {
    let name: String
    let kind: String
    switch op {
    case .vfree(.name(let n), _), .setMemory(_, .name(let n), _): (name, kind) = (n, "vfree")
    case .freePages(.name(let n), _, _): (name, kind) = (n, "free_pages")
    case .unmappedFree(.name(let n)): (name, kind) = (n, "unmapped_free")
    case .unloadModule(let n): (name, kind) = (n, "module_unload")
    case .secretmemFree(let n): (name, kind) = (n, "secretmem_free")
    case .progPackFree(let n): (name, kind) = (n, "prog_pack_free")
    case .execmemFree(let n): (name, kind) = (n, "execmem_free")
    default: return nil
    }
    return names(for: kind, machine: machine).contains(name) ? nil : name
  }

  /// Names an operation can refer to at this state.
  static func names(for op: String, machine: Machine) -> [String] {
    switch op {
    case "vfree", "set_memory", "set_direct_map": return machine.names.keys.sorted()
    case "free_pages": return machine.pageNames.filter { !$0.value.unmapped }.keys.sorted()
    case "unmapped_free": return machine.pageNames.filter { $0.value.unmapped }.keys.sorted()
    case "module_unload": return machine.modules.keys.sorted()
    case "secretmem_free": return machine.secretmem.keys.sorted()
    case "prog_pack_free": return machine.packAllocations.keys.sorted()
    case "execmem_free": return machine.execAllocations.keys.sorted()
    default: return []
    }
  }

  /// Words with their 1-based columns.
  static func split(_ text: String) -> [(text: String, column: Int)] {
    var out: [(String, Int)] = []
    var word = ""
    var start = 0
    for (i, c) in text.enumerated() {
      if c == " " || c == "\t" {
        if !word.isEmpty { out.append((word, start + 1)) }
        word = ""
      } else {
        if word.isEmpty { start = i }
        word.append(c)
      }
    }
    if !word.isEmpty { out.append((word, start + 1)) }
    return out
  }
}
