// `lobot-factory verify-quote`: the factory's check of a platform or vTPM quote. With
// --platform, the AIK is the platform's enrolled one from the key database and the nonce must be
// one the factory issued to it, unused; the decision is logged. With --aik, any AIK public key
// file is used and nothing is recorded (offline checks, vTPM quotes, tpm-quote-tools files via
// --pcr-hash). --golden compares the quoted PCRs with signed golden values; --log replays a vTPM
// event log against them. Every path checks the signature with the same code.
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
            try factory.decide(action: "verify-quote", subject: platform) { db in
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

/// A quote as the factory receives it: a LoBot quote (PCR values included) or a tpm-quote-tools
/// pair (TPM_QUOTE_INFO2 and signature: only the composite hash).
struct QuoteEvidence {
    let quote: Quote?
    let info2: QuoteInfo2?
    let signature: [UInt8]

    static func load(quote: String?, pcrHash: String?, signature: String?, nonce: TPMNonce) throws -> QuoteEvidence {
        if let quote {
            let parsed = try factoryCore { () throws(LoBotError) in try Quote(bytes: try Files.read(quote, maximum: 8192)) }
            return QuoteEvidence(quote: parsed, info2: nil, signature: parsed.signature)
        }
        guard let pcrHash, let signature else { throw FactoryError("no quote given") }
        var info = try factoryCore { () throws(LoBotError) in try QuoteInfo2(bytes: try Files.read(pcrHash, maximum: 4096)) }
        // tpm-quote-tools leaves externalData unset in the hash file; the verifier puts the nonce in.
        info.externalData = nonce
        return QuoteEvidence(quote: nil, info2: info, signature: try readInput(signature, maximum: 4096))
    }

    /// The nonce and the AIK's signature, through `Quote.verify` for LoBot quotes and the same
    /// signature primitive over the TPM_QUOTE_INFO2 bytes for tpm-quote-tools ones.
    func verify(aik: RSAPublicKey, nonce: TPMNonce) throws {
        try factoryCore { () throws(LoBotError) in
            if let quote {
                try quote.verify(aik: aik, expectedNonce: nonce)
            } else if let info2 {
                try Quote.verifySignature(signature, over: info2.bytes, aik: aik)
            }
        }
    }

    /// Compares with golden values: each golden PCR (LoBot quote), or the composite hash over
    /// the golden selection (tpm-quote-tools quote).
    func check(golden: GoldenRecord) throws {
        try factoryCore { () throws(LoBotError) in
            if let quote {
                try golden.check(quote.composite)
            } else if let info2 {
                guard info2.infoShort.pcrSelection.indices == golden.values.selection.indices,
                    info2.infoShort.digestAtRelease == (try golden.values.compositeHash())
                else { throw LoBotError.pcrMismatch("the quoted composite hash differs from golden values \(golden.name)") }
            }
        }
    }
}

extension Factory {
    /// A golden record by name, its factory signature checked.
    func golden(_ name: String) throws -> GoldenRecord {
        let path = goldenPath(name)
        guard FileManager.default.fileExists(atPath: path) else { throw FactoryError("no golden values named \(name)") }
        let bytes = try readInput(path, maximum: 64 << 10)
        return try factoryCore { () throws(LoBotError) in
            let record = try GoldenRecord(bytes: bytes)
            try record.verifySignature(try signer.publicKey())
            return record
        }
    }
}
