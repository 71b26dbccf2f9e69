// `lobot-factory verify-quote`: checks a vTPM (or platform) quote's signature and nonce and,
// with the quoting vTPM's event log, replays the log and explains each quoted PCR.
import ArgumentParser
import LoBotCore

struct VerifyQuote: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-quote",
        abstract: "Verify a quote's AIK signature and nonce, and replay its event log."
    )

    @Option(name: .long, help: "The AIK public key (TPM_PUBKEY) that signed the quote.")
    var aik: String

    @Option(name: .long, help: "The 20-byte nonce the quote must carry, as 40 hex digits.")
    var nonce: String

    @Option(name: .long, help: "The quote file.")
    var quote: String

    @Option(name: .long, help: "The quoting vTPM's binary event log, replayed against the quoted PCRs.")
    var log: String?

    @Flag(name: .long, help: "Print the result as JSON.")
    var json = false

    func validate() throws {
        guard let bytes = Hex.bytes(nonce), bytes.count == 20 else {
            throw ValidationError("--nonce must be 40 hex digits.")
        }
    }

    func run() throws {
        let expected = TPMNonce(unchecked: Hex.bytes(nonce) ?? [])
        let aikBytes = try readInput(aik)
        let quoteBytes = try readInput(quote)
        let logBytes = try log.map { (path) throws(FactoryError) in try readInput(path, maximum: 64 << 20) }
        let report = try core { () throws(LoBotError) in
            let parsed = try Quote(bytes: quoteBytes)
            try parsed.verify(aik: try PubKey(bytes: aikBytes).rsaPublicKey(), expectedNonce: expected)
            return try QuoteReport(quote: parsed, log: try logBytes.map { (b) throws(LoBotError) in try EventLog(bytes: b) })
        }
        print(json ? report.json : report.text)
    }
}
