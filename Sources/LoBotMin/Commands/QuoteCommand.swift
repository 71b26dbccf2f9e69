// `lobot quote`: signs the selected PCRs and a caller's nonce with the vTPM's AIK.
import LoBotCore

enum QuoteCommand {
    static let spec = CommandSpec(
        name: "quote",
        summary: "Quote PCRs with a nonce, signed by the vTPM's AIK.",
        help: """
            usage: lobot quote --vtpm DIR --pcrs LIST --nonce HEX --out FILE [--form quote|quote2]

            Writes a LoBot quote file: the PCR composite, the nonce and an RSA-2048 PKCS#1 v1.5
            SHA-1 signature by the AIK over TPM_QUOTE_INFO (form quote, as TPM_Quote) or
            TPM_QUOTE_INFO2 (form quote2, as TPM_Quote2). Verify it with lobot verify-quote.

            options:
              --vtpm DIR      the vTPM (or $LOBOT_VTPM)
              --pcrs LIST     PCRs to quote, e.g. 0-7
              --nonce HEX     the verifier's 20-byte nonce, 40 hex digits
              --out FILE      where to write the quote
              --form FORM     quote (default) or quote2
            """,
        options: VTPMAccess.options + ["pcrs", "nonce", "out", "form"],
        run: run)

    static func run(_ arguments: ParsedArguments) throws(AgentError) {
        let selection = try arguments.selection()
        let nonce = TPMNonce(unchecked: try arguments.hexBytes("nonce", length: 20))
        let out = try arguments.required("out")
        let form: Quote.Form
        switch arguments.value("form") ?? "quote" {
        case "quote": form = .quote
        case "quote2": form = .quote2
        case let other: throw arguments.usage("--form must be quote or quote2, not \"\(other)\"")
        }
        let quote = try VTPMAccess.with(arguments, mutating: false) { (vtpm) throws(LoBotError) in
            try vtpm.quote(selection: selection, nonce: nonce, form: form)
        }
        try Output.write(out, quote.bytes)
        Console.out("quote of PCRs \(PCRList.describe(selection.indices)) written to \(out)")
    }
}
