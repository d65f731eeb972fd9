@testable import MMCore

/// Runs a kernel-oracle `kva-*.ops` script against the engine and prints what the oracle printed,
/// line for line, in the oracle's format (fixtures/kernel-oracle/README.md).
enum KVAOracleRunner {
  static func parse(_ s: Substring) -> UInt64 {
    s.hasPrefix("0x") ? UInt64(s.dropFirst(2), radix: 16)! : UInt64(s)!
  }

  static func purgeLine(_ p: PurgeReport) -> String {
    p.areas == 0 ? "purge 0" : "purge start=\(p.start.hex) end=\(p.end.hex) num_purged=\(p.areas)"
  }

  static func dump(_ kva: CurrentKVA) -> [String] {
    var out = kva.free.preorder().map { d, n in
      "\(d) \(n.color == .red ? "R" : "B") \(n.start.hex) \(n.end.hex) \(n.subtreeMax)"
    }
    for (i, node) in kva.nodes.enumerated() {
      for (pages, spans) in node.pooledAreas {
        out.append("node \(i) pool \(pages): " + spans.map(\.start.hex).joined(separator: " "))
      }
    }
    out.append("end")
    return out
  }

  static func runCurrent(_ script: [String]) -> [String] {
    var out: [String] = []
    var kva = CurrentKVA(config: KVAConfig(cpus: 1, vmapNodes: 1))
    for line in script where !line.hasPrefix("#") {
      let w = line.split(separator: " ")
      switch w[0] {
      case "nodes":
        kva = CurrentKVA(config: KVAConfig(cpus: Int(w[2])!, vmapNodes: Int(w[1])!))
        out.append(line)
      case "alloc":
        let cpu = w.count > 6 ? Int(w[6])! : 0
        let r = kva.alloc(
          KVARequest(size: parse(w[1]), align: parse(w[2]), vstart: parse(w[3]), vend: parse(w[4]), cpu: cpu))
        out += r.purges.map(purgeLine)
        if let e = r.error {
          out.append("alloc \(e.errno)")
        } else if r.poolHit {
          out.append("alloc \(r.area!.start.hex) -- pool")
        } else {
          out.append("alloc \(r.area!.start.hex) \(r.fit!.rawValue)")
        }
      case "free":
        let r = kva.free(parse(w[1]))
        if r.error != nil {
          out.append("free EINVAL")
        } else {
          out.append("free \(r.area!.start.hex) nr_lazy=\(r.nrLazy)")
          out += r.purges.map(purgeLine)
        }
      case "purge":
        out.append(purgeLine(kva.purge(fullDecay: false)))
      case "dump":
        out += dump(kva)
      case "poolstat":
        for (i, node) in kva.nodes.enumerated() { out.append("node \(i) pooled \(node.pooled)") }
      default:
        out.append("?? \(line)")
      }
    }
    return out
  }

  static func runLegacy(_ script: [String]) -> [String] {
    var out: [String] = []
    var kva = LegacyKVA(config: KVAConfig(cpus: 1, vmapNodes: 1, policy: .legacy))
    for line in script where !line.hasPrefix("#") {
      let w = line.split(separator: " ")
      switch w[0] {
      case "cpus":
        kva = LegacyKVA(config: KVAConfig(cpus: Int(w[1])!, vmapNodes: 1, policy: .legacy))
      case "alloc":
        let r = kva.alloc(KVARequest(size: parse(w[1]), align: parse(w[2]), vstart: parse(w[3]), vend: parse(w[4])))
        out += r.purges.map { "purge \($0.areas)" }
        if let e = r.error {
          out.append("alloc \(e.errno)")
        } else {
          out.append("alloc \(r.area!.start.hex) walked=\(r.walkedCount)")
        }
      case "free":
        let r = kva.free(parse(w[1]))
        if r.error != nil {
          out.append("free EINVAL")
        } else {
          out.append("free \(r.area!.start.hex)")
          out += r.purges.map { "purge \($0.areas)" }
        }
      case "purge":
        out.append("purge \(kva.purge().areas)")
      case "dump":
        for a in kva.busy.inOrder { out.append("\(a.start.hex) \(a.end.hex) \(a.lazyFree ? "lazy" : "busy")") }
        out.append(
          "cache \((kva.freeCacheStart ?? 0).hex) hole=\(kva.cachedHoleSize) vstart=\(kva.cachedVstart.hex) align=\(kva.cachedAlign)"
        )
        out.append("end")
      default:
        out.append("?? \(line)")
      }
    }
    return out
  }
}
