// `lobot verify-quote`: checks a quote's nonce and signature against an AIK public key, and
// optionally its PCR values against expected ones.
import LoBotCore

enum VerifyQuoteCommand {
    static let spec = CommandSpec(
        name: "verify-quote",
        summary: "Verify a quote's signature and nonce with an AIK public key.",
        help: """
            usage: lobot verify-quote --aik FILE --nonce HEX --quote FILE

            Rebuilds the TPM_QUOTE_INFO(2) from the quote's PCR values and the nonce, checks the
            AIK's signature over it, and prints the quoted PCR values. Exits 1 with one line if
            the nonce differs or the signature does not verify.

            options:
              --aik FILE     the AIK's TPM_PUBKEY
              --nonce HEX    the nonce the quote must carry, 40 hex digits
              --quote FILE   the quote
            """,
        options: ["aik", "nonce", "quote"],
        run: run)

    static func run(_ arguments: ParsedArguments) throws(AgentError) {
        let aikBytes = try Output.read(try arguments.required("aik"), maximum: 4096)
        let quoteBytes = try Output.read(try arguments.required("quote"), maximum: 4096)
        let nonce = TPMNonce(unchecked: try arguments.hexBytes("nonce", length: 20))
        let quote = try core { () throws(LoBotError) in
            let quote = try Quote(bytes: quoteBytes)
            try quote.verify(aik: try PubKey(bytes: aikBytes).rsaPublicKey(), expectedNonce: nonce)
            return quote
        }
        for (i, index) in quote.composite.selection.indices.enumerated() {
            Console.out("PCR-\(PCRFormat.index(index)): \(quote.composite.values[i].hex)")
        }
        Console.out("quote verified")
    }
}
