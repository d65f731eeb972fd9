import MMCore

/// Machine options applied to a script that already has a machine: `--vs policy=legacy`, or
/// `--policy legacy` on a trace file. The operations stay the same; what the machine is changes.
public struct MachineVariant: Sendable, Equatable, CustomStringConvertible {
  public enum Exec: String, Sendable, CaseIterable {
    case progPack = "prog-pack"
    case execmem
  }

  public var cpus: Int?
  /// nil: as the script has it (derived from the CPUs if it was); 1: off; otherwise a count.
  public var vmapNodes: VmapNodes?
  public var policy: VmallocPolicy?
  public var memoryBytes: UInt64?
  public var unmappedCache: Bool?
  public var perCPULists: Bool?
  public var gbpages: Bool?
  public var memdesc: Bool?
  public var exec: Exec?

  public enum VmapNodes: Sendable, Equatable {
    case on, off
    case count(Int)
  }

  public init() {}

  /// The keys `parse` takes, for help and errors.
  public static let keys = [
    "policy", "vmap-nodes", "cpus", "memory", "unmapped-cache", "pcp", "gbpages", "memdesc", "exec",
  ]

  /// `key=value` settings separated by commas or spaces, e.g. `policy=legacy` or
  /// `vmap-nodes=off,cpus=32`. The error names the setting and what it expects.
  public static func parse(_ text: String) -> Result<MachineVariant, ParseError> {
    var v = MachineVariant()
    let parts = text.split(whereSeparator: { $0 == "," || $0 == " " })
    guard !parts.isEmpty else { return .failure(ParseError("give at least one KEY=VALUE, e.g. policy=legacy")) }
    for part in parts {
      let kv = part.split(separator: "=", maxSplits: 1)
      guard kv.count == 2 else {
        return .failure(ParseError("'\(part)' is not KEY=VALUE; keys: \(keys.joined(separator: ", "))"))
      }
      let key = String(kv[0])
      let value = String(kv[1])
      func onOff() -> Bool? { value == "on" ? true : value == "off" ? false : nil }
      func bad(_ expected: String) -> Result<MachineVariant, ParseError> {
        .failure(ParseError("'\(key)=\(value)': \(key) expects \(expected)"))
      }
      switch key {
      case "policy":
        guard let p = VmallocPolicy(rawValue: value) else { return bad("current or legacy") }
        v.policy = p
      case "vmap-nodes":
        if value == "on" {
          v.vmapNodes = .on
        } else if value == "off" {
          v.vmapNodes = .off
        } else if let n = Int(value), (1...KernelConstants.maxVmapNodes).contains(n) {
          v.vmapNodes = .count(n)
        } else {
          return bad("on, off or a count in 1...\(KernelConstants.maxVmapNodes)")
        }
      case "cpus":
        guard let n = Int(value), (1...InputLimits.maxCPUs).contains(n) else {
          return bad("a CPU count in 1...\(InputLimits.maxCPUs)")
        }
        v.cpus = n
      case "memory":
        guard let bytes = TraceValues.size(Substring(value)), bytes >= InputLimits.minMemory,
          bytes <= InputLimits.maxMemory, bytes % KernelConstants.pageSize == 0
        else {
          return bad(
            "whole pages from \(TraceValues.sizeText(InputLimits.minMemory)) to \(TraceValues.sizeText(InputLimits.maxMemory)), e.g. 8G"
          )
        }
        v.memoryBytes = bytes
      case "unmapped-cache", "pcp", "gbpages", "memdesc":
        guard let b = onOff() else { return bad("on or off") }
        switch key {
        case "unmapped-cache": v.unmappedCache = b
        case "pcp": v.perCPULists = b
        case "gbpages": v.gbpages = b
        default: v.memdesc = b
        }
      case "exec":
        guard let e = Exec(rawValue: value) else { return bad("prog-pack or execmem") }
        v.exec = e
      default:
        return .failure(ParseError("unknown setting '\(key)'; keys: \(keys.joined(separator: ", "))"))
      }
    }
    return .success(v)
  }

  public struct ParseError: Error, Sendable, CustomStringConvertible {
    public var description: String
    init(_ d: String) { description = d }
  }

  public var isEmpty: Bool { self == MachineVariant() }

  /// Whether the variant changes how the KVA allocator places areas, which makes recorded placements
  /// meaningless.
  public var changesPlacement: Bool { cpus != nil || vmapNodes != nil || policy != nil }

  public var description: String {
    var parts: [String] = []
    if let policy { parts.append("policy=\(policy.rawValue)") }
    if let vmapNodes {
      switch vmapNodes {
      case .on: parts.append("vmap-nodes=on")
      case .off: parts.append("vmap-nodes=off")
      case .count(let n): parts.append("vmap-nodes=\(n)")
      }
    }
    if let cpus { parts.append("cpus=\(cpus)") }
    if let memoryBytes { parts.append("memory=\(TraceValues.sizeText(memoryBytes))") }
    if let unmappedCache { parts.append("unmapped-cache=\(unmappedCache ? "on" : "off")") }
    if let perCPULists { parts.append("pcp=\(perCPULists ? "on" : "off")") }
    if let gbpages { parts.append("gbpages=\(gbpages ? "on" : "off")") }
    if let memdesc { parts.append("memdesc=\(memdesc ? "on" : "off")") }
    if let exec { parts.append("exec=\(exec.rawValue)") }
    return parts.joined(separator: " ")
  }

  /// The machine with these settings over `config`'s.
  public func applied(to config: MachineConfig) -> MachineConfig {
    var c = config
    let wasDerived = config.kva.vmapNodes == KVAConfig(cpus: config.kva.cpus).vmapNodes
    let cpus = self.cpus ?? config.kva.cpus
    let nodes: Int? =
      switch vmapNodes {
      case .on: nil
      case .off: 1
      case .count(let n): n
      case nil: wasDerived ? nil : config.kva.vmapNodes
      }
    var kva = KVAConfig(
      cpus: cpus, vmapNodes: nodes, policy: policy ?? config.kva.policy, earlyBusy: config.kva.earlyBusy)
    kva.autoPurge = config.kva.autoPurge
    c.kva = kva
    if let memoryBytes {
      var m = MemoryConfig(
        bytes: memoryBytes, gbpages: config.memory.gbpages, perCPULists: config.memory.perCPULists,
        unmappedCache: config.memory.unmappedCache)
      m.fallback = config.memory.fallback
      m.memdesc = config.memory.memdesc
      m.pageblockTypes = config.memory.pageblockTypes.filter { $0.key < m.pages }
      c.memory = m
    }
    if let unmappedCache { c.memory.unmappedCache = unmappedCache }
    if let perCPULists { c.memory.perCPULists = perCPULists }
    if let gbpages { c.memory.gbpages = gbpages }
    if let memdesc { c.memory.memdesc = memdesc }
    return c
  }

  /// The script on the varied machine. Recorded placements (`at=`) and recorded failures belong to the
  /// recorded kernel: when the variant changes placement they are dropped, and each area the trace
  /// freed by address gets a name so its free still finds it wherever the engine puts it. `expect=`
  /// items are kept when `keepExpectations` (the user's own source) and dropped for a compare side.
  public func applied(to script: Script, keepExpectations: Bool = true) -> Script {
    if isEmpty && keepExpectations { return script }
    var out = script
    out.config = applied(to: script.config)
    if !keepExpectations { out.expectations = [:] }
    var dropped = 0
    var live: [UInt64: String] = [:]
    var items: [ScriptItem] = []
    items.reserveCapacity(script.items.count)
    for item in script.items {
      guard case .operation(let op) = item else {
        items.append(item)
        continue
      }
      var new = op
      switch op {
      case .allocVmapArea(var req, let kind, let name) where changesPlacement && (req.at != nil || req.recordedFailure):
        if let at = req.at {
          dropped += 1
          let label = name ?? "va_\(String(at, radix: 16))"
          live[at] = label
          req.at = nil
          new = .allocVmapArea(req, kind: kind, name: label)
        } else {
          req.recordedFailure = false
          new = .allocVmapArea(req, kind: kind, name: name)
        }
      case .vfree(.address(let a), let cpu) where changesPlacement:
        if let label = live.removeValue(forKey: a) { new = .vfree(.name(label), cpu: cpu) }
      case .setMemory(let change, .address(let a), let pages) where changesPlacement:
        if let label = live[a] { new = .setMemory(change, .name(label), pages: pages) }
      case .progPackAlloc(let size, let name) where exec == .execmem:
        new = .execmemAlloc(size: size, align: ProgPack.chunkSize, name: name)
      case .progPackFree(let name) where exec == .execmem:
        new = .execmemFree(name: name)
      case .execmemAlloc(let size, _, let name) where exec == .progPack:
        new = .progPackAlloc(size: size, name: name)
      case .execmemFree(let name) where exec == .progPack:
        new = .progPackFree(name: name)
      default:
        break
      }
      items.append(.operation(new))
    }
    out.items = items
    if dropped > 0 {
      out.notes.append(
        "\(dropped) recorded placement(s) (at=) ignored: they belong to the recorded kernel, and \(description) "
          + "places areas itself")
    }
    return out
  }
}
