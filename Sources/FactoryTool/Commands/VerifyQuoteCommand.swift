// `lobot-factory verify-quote`: the factory's check of a platform or vTPM quote. With
// --platform, the AIK is the platform's enrolled one from the key database and the nonce must be
// one the factory issued to it, unused; the decision is logged. With --aik, any AIK public key
// file is used and nothing is recorded (offline checks, vTPM quotes, tpm-quote-tools files via
// --pcr-hash). --golden compares the quoted PCRs with signed golden values; --log replays a vTPM
// event log against them. Every path checks the signature with the same code.
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

    @Option(name: .long, help: "An AIK public key file (TPM_PUBKEY, TPM key blob or tpm-quote-tools DER).")
    var aik: String?

    @Option(name: .long, help: "The LoBot quote file.")
    var quote: String?

    @Option(name: .long, help: "A tpm-quote-tools PCR hash file (TPM_QUOTE_INFO2), with --signature.")
    var pcrHash: String?

    @Option(name: .long, help: "A tpm-quote-tools quote (the bare signature), with --pcr-hash.")
    var signature: String?

    @Option(name: .long, help: "The nonce the quote must carry (40 hex digits).")
    var nonce: String

    @Option(name: .long, help: "Golden values the quoted PCRs must equal (a name in the factory).")
    var golden: String?

    @Option(name: .long, help: "The quoting vTPM's binary event log, replayed against the quoted PCRs.")
    var log: String?

    func validate() throws {
        guard (platform == nil) != (aik == nil) else { throw ValidationError("Give exactly one of --platform and --aik.") }
        guard (quote == nil) != (pcrHash == nil) else { throw ValidationError("Give exactly one of --quote and --pcr-hash.") }
        guard (pcrHash == nil) == (signature == nil) else { throw ValidationError("--pcr-hash and --signature go together.") }
        guard pcrHash == nil || (log == nil && platform == nil) else {
            throw ValidationError("A tpm-quote-tools quote has no PCR values: use it with --aik, without --log.")
        }
        _ = try parseNonce(nonce)
    }

    func run() throws {
        let expected = try parseNonce(nonce)
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
}

