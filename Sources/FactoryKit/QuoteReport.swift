// What the factory says about a verified quote: which TPM family made it, each quoted PCR, and
// when an event log is given, the events that produced it and whether the replay matches.
import LoBotCore

package struct QuoteReport {
    /// The TPM family and bank a quote came from, as the report names it.
    package static let tpm12 = "TPM 1.2"
    package static let tpm2SHA256 = "TPM 2.0, SHA-256 bank"

    package struct Entry {
        package let pcr: Int
        package let value: String
        package let events: [String]
    }

    package let entries: [Entry]
    package let selection: [Int]
    package let replayMatches: Bool?
    package let family: String

    package init(evidence: QuoteEvidence, log: EventLog?) throws(LoBotError) {
        guard let quote = evidence.quote else {
            // A tpm-quote-tools quote carries only the composite hash.
            let info = evidence.info2?.infoShort
            try self.init(family: Self.tpm12, quoted: [(-1, info?.digestAtRelease.value ?? [])], replayed: nil, hasLog: false,
                          selection: info?.pcrSelection.indices ?? []) { _ in [] }
            return
        }
        let replayed = try log?.replay().values.map { $0.value }
        try self.init(
            family: Self.tpm12, quoted: quote.composite.selection.indices.enumerated().map { ($1, quote.composite.values[$0].value) },
            replayed: replayed, hasLog: log != nil
        ) { index in
            (log?.events ?? []).filter { $0.pcr == index }.map { event in
                switch event.kind {
                case .measurement(let sha256): return "measure \(Hex.string(sha256)) \(event.name)"
                case .extend(let digest): return "extend \(digest.hex) \(event.name)"
                case .reset: return "reset"
                }
            }
        }
    }

    /// A verified TPM 2.0 quote's SHA-256 PCRs, and the replay of a crypto-agile log's SHA-256
    /// digests compared with them.
    package init(tpm2 evidence: TPM2QuoteEvidence, log: CryptoAgileEventLog?) throws(LoBotError) {
        let sha256 = DigestAlgorithm.sha256.tpmAlgorithmID
        let quoted = evidence.quote.quoted(evidence.pcrs).filter { $0.bank == sha256 }.map { ($0.pcr, $0.value) }
        try self.init(family: Self.tpm2SHA256, quoted: quoted, replayed: try log?.replay(.sha256), hasLog: log != nil) { index in
            (log?.events ?? []).filter { Int($0.pcr) == index && $0.type != CryptoAgileEventLog.noAction }.map { event in
                "extend \(Hex.string(event.digest(.sha256) ?? [])) type 0x\(Hex.string(UInt(event.type)))"
            }
        }
    }

    /// The one comparison of quoted PCR values with a log's replay (PCR values from zero, indexed
    /// by PCR), for both families: every quoted PCR must equal its replayed value.
    init(
        family: String, quoted: [(pcr: Int, value: [UInt8])], replayed: [[UInt8]]?, hasLog: Bool, selection: [Int]? = nil,
        events: (Int) -> [String]
    ) throws(LoBotError) {
        self.family = family
        self.selection = selection ?? quoted.map { $0.pcr }
        var entries: [Entry] = []
        var matches = true
        for item in quoted {
            if let replayed, item.pcr >= replayed.count || replayed[item.pcr] != item.value { matches = false }
            entries.append(Entry(pcr: item.pcr, value: Hex.string(item.value), events: events(item.pcr)))
        }
        self.entries = entries
        self.replayMatches = hasLog ? matches : nil
        if replayMatches == false {
            throw .pcrMismatch("the event log does not replay to the quoted PCR values")
        }
    }

    package var text: String {
        var lines: [String] = ["quote by a \(family)"]
        if entries.count == 1, entries[0].pcr == -1 {
            return "quote by a \(family)\ncomposite hash of PCRs \(PCRList.describe(selection)): \(entries[0].value)\nquote verified"
        }
        for entry in entries {
            lines.append("PCR-\(entry.pcr < 10 ? "0" : "")\(entry.pcr): \(entry.value)")
            for event in entry.events { lines.append("    \(event)") }
        }
        lines.append(replayMatches == true ? "quote verified; event log replays to the quoted PCRs" : "quote verified")
        return lines.joined(separator: "\n")
    }

    package var json: String {
        if entries.count == 1, entries[0].pcr == -1 {
            return "{\"verified\":true,\"family\":\(JSON.string(family)),\"composite_hash\":\(JSON.string(entries[0].value)),\"pcrs\":[\(selection.map(String.init).joined(separator: ","))]}"
        }
        let pcrs = entries.map { entry in
            let events = entry.events.map { JSON.string($0) }.joined(separator: ",")
            return "{\"pcr\":\(entry.pcr),\"value\":\(JSON.string(entry.value)),\"events\":[\(events)]}"
        }
        let replay = replayMatches.map { $0 ? "true" : "false" } ?? "null"
        return "{\"verified\":true,\"family\":\(JSON.string(family)),\"replay_matches\":\(replay),\"pcrs\":[\(pcrs.joined(separator: ","))]}"
    }
}

/// Minimal JSON string quoting for the factory's `--json` output.
package enum JSON {
    package static func string(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
