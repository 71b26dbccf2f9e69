// `lobot-factory golden record-tpm2`: golden values of the SHA-256 bank, recorded from a
// known-good TPM 2.0 quote as tpm2_quote writes it and its AK (tpm2_createak -u), verified by the
// same check as verify-quote; `verify-quote --golden NAME` then compares TPM 2.0 quotes with them.
import FactoryKit
import ArgumentParser
import LoBotCore

extension GoldenCommand {
    struct RecordTPM2: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "record-tpm2",
            abstract: "Record SHA-256 bank golden values from a known-good TPM 2.0 quote.")

        @OptionGroup var options: FactoryOptions

        @Option(name: .long, help: "The name of the golden values.")
        var name: String

        @Option(name: .long, help: "The AK that quoted (TPM2B_PUBLIC from tpm2_createak -u).")
        var aik: String

        @Option(name: .long, help: "The quote: tpm2_quote's -m file (TPMS_ATTEST).")
        var message: String

        @Option(name: .long, help: "Its signature: tpm2_quote's -s file.")
        var signature: String

        @Option(name: .long, help: "Its PCRs: tpm2_quote's -o file (or tpm2_pcrread -F values output).")
        var pcrs: String

        @Option(name: .long, help: "The nonce the quote must carry (2-128 hex digits).")
        var nonce: String

        @Option(name: .long, help: "Which quoted SHA-256 PCRs to record (default: all quoted).")
        var only: String?

        func validate() throws {
            guard Factory.isValidName(name) else { throw ValidationError("--name must be 1-64 letters, digits, '.', '_' or '-'.") }
            guard let bytes = Hex.bytes(nonce), (1...64).contains(bytes.count) else {
                throw ValidationError("--nonce must be 2-128 hex digits (1-64 bytes) for a TPM 2.0 quote.")
            }
        }

        func run() throws {
            let factory = try options.open()
            let evidence = try TPM2QuoteEvidence.load(message: message, signature: signature, pcrs: pcrs)
            let indices = try only.map { (text) throws(FactoryError) in try factoryCore { () throws(LoBotError) in try PCRList.parse(text) } }
            let record = try factory.recordTPM2Golden(
                name: name, evidence: evidence, ak: try TPM2QuoteEvidence.readAK(aik), nonce: Hex.bytes(nonce) ?? [], only: indices)
            let recorded = record.values(.sha256)?.pcrs.map { $0.index } ?? []
            try options.emit("golden values \(name) recorded: sha256 PCRs \(PCRList.describe(recorded))", ["name": name, "bank": "sha256", "pcrs": recorded])
        }
    }
}
