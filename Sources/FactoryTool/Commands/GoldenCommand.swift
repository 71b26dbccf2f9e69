// `lobot-factory golden`: golden values, recorded from a known-good platform's verified quote and
// signed by the factory; `golden show` prints one.
import FactoryKit
import ArgumentParser
import LoBotCore

struct GoldenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "golden",
        abstract: "Record or show golden PCR values.",
        subcommands: [Record.self, RecordTPM2.self, PredictHost.self, Show.self])

    struct Record: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record golden values from a known-good platform's quote.")

        @OptionGroup var options: FactoryOptions

        @Option(name: .long, help: "The name of the golden values.")
        var name: String

        @Option(name: .long, help: "The known-good platform that quoted.")
        var platform: String

        @Option(name: .long, help: "Its LoBot quote (TPM 1.2, or TPM 2.0: then golden values of the SHA-256 bank).")
        var quote: String

        @Option(name: .long, help: "The nonce the factory issued for it (purpose golden).")
        var nonce: String

        @Option(name: .long, help: "Which quoted PCRs to record (default: all quoted).")
        var pcrs: String?

        func validate() throws {
            guard Factory.isValidName(name) else { throw ValidationError("--name must be 1-64 letters, digits, '.', '_' or '-'.") }
        }

        func run() throws {
            let factory = try options.open()
            let expected = try parseNonce(nonce)
            let bytes = try readInput(quote, maximum: 8192)
            if TPM2QuoteEvidence.isLoBotQuote(bytes) {
                let evidence = try TPM2QuoteEvidence.load(lobotQuote: bytes)
                let only = try pcrs.map { (text) throws(FactoryError) in try factoryCore { () throws(LoBotError) in try PCRList.parse(text) } }
                try factory.decide(action: "golden-record", subject: name) { (db) throws(FactoryError) in
                    try factory.database.consumeNonce(expected, owner: platform, purpose: "golden", in: db)
                    try evidence.verify(ak: try factory.platformAK(platform, in: db), nonce: expected.value)
                    let record = try factory.writeTPM2Golden(name: name, evidence: evidence, only: only)
                    return "SHA-256 bank golden values from \(platform): PCRs \(PCRList.describe(record.banks[0].pcrs.map { $0.index }))"
                }
                try options.emit("golden values \(name) recorded from \(platform)", ["name": name, "platform": platform])
                return
            }
            let evidence = try QuoteEvidence.load(quote: quote, pcrHash: nil, signature: nil, nonce: expected)
            guard let quoted = evidence.quote?.composite else { throw FactoryError.invalidInput("no PCR values in the quote") }
            try factory.decide(action: "golden-record", subject: name) { (db) throws(FactoryError) in
                try factory.database.consumeNonce(expected, owner: platform, purpose: "golden", in: db)
                try evidence.verify(aik: try factory.platformAIK(platform, in: db), nonce: expected)
                var record = try factoryCore { () throws(LoBotError) in
                    let indices = try pcrs.map { (text) throws(LoBotError) in try PCRList.parse(text) } ?? quoted.selection.indices
                    var values: [SHA1Digest] = []
                    for index in indices {
                        guard let value = quoted.value(of: index) else { throw LoBotError.invalidArgument("PCR \(index) was not quoted") }
                        values.append(value)
                    }
                    return GoldenRecord(name: name, values: try PCRComposite(selection: try PCRSelection(indices), values: values))
                }
                try factoryCore { () throws(LoBotError) in try record.sign(with: factory.signer) }
                try writeOutput(factory.goldenPath(name), record.bytes)
                return "golden values from \(platform): PCRs \(PCRList.describe(record.values.selection.indices))"
            }
            try options.emit("golden values \(name) recorded from \(platform)", ["name": name, "platform": platform])
        }
    }

    struct PredictHost: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "predict-host",
            abstract: "Predict the vTPM PCRs 0-5 of a LoBot_D run as a host process by this agent binary.")

        @OptionGroup var options: FactoryOptions

        @Option(name: .long, help: "The name of the golden values.")
        var name: String

        @Option(name: .long, help: "The lobot binary the platforms run.")
        var agent: String

        func validate() throws {
            guard Factory.isValidName(name) else { throw ValidationError("--name must be 1-64 letters, digits, '.', '_' or '-'.") }
        }

        func run() throws {
            let factory = try options.open()
            let bytes = try readInput(agent, maximum: 64 << 20)
            try factory.decide(action: "golden-predict-host", subject: name) { (_) throws(FactoryError) in
                var record = try factoryCore { () throws(LoBotError) in
                    GoldenRecord(name: name, values: try BootMeasurements.identityComposite(
                        try BootMeasurements.hostEvents(agent: try Digest.sha256(bytes))))
                }
                try factoryCore { () throws(LoBotError) in try record.sign(with: factory.signer) }
                try writeOutput(factory.goldenPath(name), record.bytes)
                return "host-mode LoBot golden values from \(agent)"
            }
            try options.emit("golden values \(name) predicted for host-mode LoBot \(agent)", ["name": name])
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print golden values, their signature checked.")

        @OptionGroup var options: FactoryOptions

        @Option(name: .long, help: "The name of the golden values.")
        var name: String

        func run() throws {
            let factory = try options.open()
            var lines: [String] = []
            var pcrs: [[String: Any]] = []
            if (try? readInput(factory.goldenPath(name), maximum: 64 << 10))?.starts(with: Array("LBGB".utf8)) == true {
                // Bank golden values (a guest TPM's launch): one line per bank and PCR.
                let record = try factory.bankGolden(name)
                for bank in record.banks {
                    for pcr in bank.pcrs {
                        let hex = Hex.string(pcr.value)
                        lines.append("\(bank.bank.shortName):\(pcr.index < 10 ? "0" : "")\(pcr.index): \(hex)")
                        pcrs.append(["bank": bank.bank.shortName, "pcr": pcr.index, "value": hex])
                    }
                }
            } else {
                let record = try factory.golden(name)
                for (i, index) in record.values.selection.indices.enumerated() {
                    lines.append("PCR-\(index < 10 ? "0" : "")\(index): \(record.values.values[i].hex)")
                    pcrs.append(["pcr": index, "value": record.values.values[i].hex])
                }
            }
            try options.emit(lines.joined(separator: "\n"), ["name": name, "pcrs": pcrs])
        }
    }
}
