// `lobot-factory verify-quote`: the factory's check of a platform or vTPM quote. With
// --platform, the AIK is the platform's enrolled one from the key database and the nonce must be
// one the factory issued to it, unused; the decision is logged. With --aik, any AIK public key
// file is used and nothing is recorded (offline checks, vTPM quotes, tpm-quote-tools files via
// --pcr-hash). A TPM 2.0 quote comes as tpm2_quote writes it (--message, --signature, --pcrs)
// with an AK from tpm2_createak -u, checked by LoBotCore's TPM2SignedQuote. --golden compares the quoted
// PCRs with signed golden values (a TPM 2.0 quote: the SHA-256 bank of bank golden values); --log
// replays a vTPM event log (TPM 2.0: a crypto-agile log's SHA-256 digests) against them. Every path
// checks the signature with the same code.
import FactoryKit
import ArgumentParser
import Foundation
import LoBotCore

struct VerifyQuoteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-quote",
        abstract: "Verify a quote's AIK signature and nonce, against golden values or an event log.")

    @OptionGroup var options: FactoryOptions

    @Option(name: .long, help: "The enrolled platform that quoted (its AIK comes from the key database).")
    var platform: String?

    @Option(name: .long, help: "An AIK public key file (TPM_PUBKEY, TPM key blob or tpm-quote-tools DER; TPM 2.0: TPM2B_PUBLIC from tpm2_createak -u).")
    var aik: String?

    @Option(name: .long, help: "The LoBot quote file.")
    var quote: String?

    @Option(name: .long, help: "A tpm-quote-tools PCR hash file (TPM_QUOTE_INFO2), with --signature.")
    var pcrHash: String?

    @Option(name: .long, help: "A tpm-quote-tools quote (the bare signature) with --pcr-hash, or tpm2_quote's -s file with --message.")
    var signature: String?

    @Option(name: .long, help: "A TPM 2.0 quote: tpm2_quote's -m file (TPMS_ATTEST), with --signature and --pcrs.")
    var message: String?

    @Option(name: .long, help: "tpm2_quote's -o file (or tpm2_pcrread -F values output) for the PCRs of --message.")
    var pcrs: String?

    @Option(name: .long, help: "The nonce the quote must carry (hex: 20 bytes for TPM 1.2, 1-64 bytes for TPM 2.0).")
    var nonce: String

    @Option(name: .long, help: "Golden values the quoted PCRs must equal (a name in the factory).")
    var golden: String?

    @Option(name: .long, help: "The quoting TPM's binary event log (TPM 2.0: crypto-agile), replayed against the quoted PCRs.")
    var log: String?

    func validate() throws {
        guard (platform == nil) != (aik == nil) else { throw ValidationError("Give exactly one of --platform and --aik.") }
        if message != nil || pcrs != nil {
            guard message != nil, pcrs != nil, signature != nil else { throw ValidationError("--message, --signature and --pcrs go together.") }
            guard quote == nil, pcrHash == nil else { throw ValidationError("Give --message without --quote and --pcr-hash.") }
            guard aik != nil else { throw ValidationError("A TPM 2.0 quote is checked with --aik.") }
            _ = try parseTPM2Nonce(nonce)
            return
        }
        guard (quote == nil) != (pcrHash == nil) else { throw ValidationError("Give exactly one of --quote, --pcr-hash and --message.") }
        guard (pcrHash == nil) == (signature == nil) else { throw ValidationError("--pcr-hash and --signature go together.") }
        guard pcrHash == nil || (log == nil && platform == nil) else {
            throw ValidationError("A tpm-quote-tools quote has no PCR values: use it with --aik, without --log.")
        }
        _ = try parseNonce(nonce)
    }

    /// TPM 2.0 qualifying data: 1-64 bytes of hex (TPM2B_DATA holds at most a SHA-512 digest).
    func parseTPM2Nonce(_ text: String) throws -> [UInt8] {
        guard let bytes = Hex.bytes(text), (1...64).contains(bytes.count) else {
            throw ValidationError("--nonce must be 2-128 hex digits (1-64 bytes) for a TPM 2.0 quote.")
        }
        return bytes
    }

    func run() throws {
        if let message, let signature, let pcrs, let aik {
            try runTPM2(message: message, signature: signature, pcrs: pcrs, aik: aik)
            return
        }
        let expected = try parseNonce(nonce)
        if let quote, let bytes = try? readInput(quote, maximum: 8192), TPM2QuoteEvidence.isLoBotQuote(bytes) {
            try runLoBotTPM2(try TPM2QuoteEvidence.load(lobotQuote: bytes), nonce: expected)
            return
        }
        let evidence = try QuoteEvidence.load(quote: quote, pcrHash: pcrHash, signature: signature, nonce: expected)
        let logBytes = try log.map { try readInput($0, maximum: 64 << 20) }
        if let platform {
            let factory = try options.open()
            try factory.decide(action: "verify-quote", subject: platform) { (db) throws(FactoryError) in
                try factory.database.consumeNonce(expected, owner: platform, purpose: "quote", in: db)
                try evidence.verify(aik: try factory.platformAIK(platform, in: db), nonce: expected)
                if let golden { try evidence.check(golden: try factory.golden(golden)) }
                return golden.map { "quote matches golden values \($0)" } ?? "quote signature and nonce verified"
            }
        } else if let aik {
            let key = try factoryCore { () throws(LoBotError) in try AIKPublicKey.read(try Files.read(aik, maximum: 8192)).rsaPublicKey() }
            try evidence.verify(aik: key, nonce: expected)
            if let golden { try evidence.check(golden: try options.open().golden(golden)) }
        }
        let report = try factoryCore { () throws(LoBotError) in
            try QuoteReport(evidence: evidence, log: try logBytes.map { (b) throws(LoBotError) in try EventLog(bytes: b) })
        }
        if options.json { print(report.json) } else { print(report.text) }
    }

    func runTPM2(message: String, signature: String, pcrs: String, aik: String) throws {
        let expected = try parseTPM2Nonce(nonce)
        let evidence = try TPM2QuoteEvidence.load(message: message, signature: signature, pcrs: pcrs)
        try evidence.verify(ak: try TPM2QuoteEvidence.readAK(aik), nonce: expected)
        if let golden { try evidence.check(golden: try options.open().bankGolden(golden)) }
        try report(evidence)
    }

    /// A LoBot quote file from a TPM 2.0 platform: with --platform, its enrolled AK and a nonce the
    /// factory issued to it (consumed, the decision logged), as for TPM 1.2; with --aik, any AK.
    func runLoBotTPM2(_ evidence: TPM2QuoteEvidence, nonce expected: TPMNonce) throws {
        if let platform {
            let factory = try options.open()
            try factory.decide(action: "verify-quote", subject: platform) { (db) throws(FactoryError) in
                try factory.database.consumeNonce(expected, owner: platform, purpose: "quote", in: db)
                try evidence.verify(ak: try factory.platformAK(platform, in: db), nonce: expected.value)
                if let golden { try evidence.check(golden: try factory.bankGolden(golden)) }
                return golden.map { "TPM 2.0 quote matches golden values \($0)" } ?? "TPM 2.0 quote signature and nonce verified"
            }
        } else if let aik {
            try evidence.verify(ak: try TPM2QuoteEvidence.readAK(aik), nonce: expected.value)
            if let golden { try evidence.check(golden: try options.open().bankGolden(golden)) }
        }
        try report(evidence)
    }

    func report(_ evidence: TPM2QuoteEvidence) throws {
        let logBytes = try log.map { try readInput($0, maximum: 64 << 20) }
        let report = try factoryCore { () throws(LoBotError) in
            try QuoteReport(tpm2: evidence, log: try logBytes.map { (b) throws(LoBotError) in try CryptoAgileEventLog(bytes: b) })
        }
        if options.json { print(report.json) } else { print(report.text) }
    }
}
