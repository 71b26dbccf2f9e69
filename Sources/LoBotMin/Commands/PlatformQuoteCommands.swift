// `lobot platform quote`, `pcrs` and `extend`: the platform TPM's PCRs, and quotes of them by
// the enrolled AIK, in LoBot's quote format or as tpm-quote-tools files.
import LoBotCore
import LoBotPlatform

enum PlatformQuoteCommand {
    static let spec = CommandSpec(
        name: "platform quote",
        summary: "Quote the platform TPM's PCRs with the enrolled AIK.",
        help: """
            usage: lobot platform quote --platform DIR --pcrs LIST --nonce HEX --out FILE
                                        [--form quote|quote2] [--tpm-quote-tools DIR]
                                        [--tpm2-tools DIR]

            Writes a LoBot quote of the selected PCRs (TPM_Quote, or TPM_Quote2 with --form
            quote2) signed by the AIK in DIR/aik.blob. With --tpm-quote-tools, also writes the
            files tpm_verifyquote reads into that directory: aik.der, pcrhash, nonce, quote
            (and pcrvals); this implies --form quote2.
            On a TPM 2.0 platform the quote is TPM2_Quote of the SHA-256 bank, and
            --tpm2-tools writes what tpm2_checkquote reads into DIR: ak.pub, quote.msg,
            quote.sig and quote.pcrs (--form and --tpm-quote-tools are TPM 1.2's).

            options:
              --platform DIR          the platform's LoBot directory (or $LOBOT_PLATFORM)
              --pcrs LIST             PCRs to quote, e.g. 0-15
              --nonce HEX             the verifier's 20-byte nonce, 40 hex digits
              --out FILE              where to write the LoBot quote
              --form FORM             quote (default) or quote2
              --tpm-quote-tools DIR   also write tpm-quote-tools files here
              --tpm2-tools DIR        also write tpm2-tools files here (TPM 2.0)
            """,
        options: PlatformAccess.options + ["pcrs", "nonce", "out", "form", "tpm-quote-tools", "tpm2-tools"],
        run: run)

    static func run(_ arguments: ParsedArguments) throws(AgentError) {
        let directory = try PlatformAccess.directory(arguments)
        let indices = try arguments.selection().indices
        let nonce = TPMNonce(unchecked: try arguments.hexBytes("nonce", length: 20))
        let out = try arguments.required("out")
        let toolsDirectory = arguments.value("tpm-quote-tools")
        if PlatformAccess.isTPM2 {
            guard arguments.value("form") == nil, toolsDirectory == nil else {
                throw arguments.usage("--form and --tpm-quote-tools are for TPM 1.2 quotes; this platform's TPM is a TPM 2.0")
            }
            let quote = try PlatformTPM2Commands.quote(directory: directory, indices: indices, nonce: nonce.value)
            try Output.write(out, quote.bytes)
            if let tools = arguments.value("tpm2-tools") { try PlatformTPM2Commands.writeToolFiles(quote, directory: directory, into: tools) }
            Console.out("platform quote of SHA-256 PCRs \(PCRList.describe(indices)) written to \(out)")
            return
        }
        guard arguments.value("tpm2-tools") == nil else { throw arguments.usage("--tpm2-tools is for TPM 2.0 quotes; this platform's TPM is a TPM 1.2") }
        let form: Quote.Form
        switch arguments.value("form") ?? (toolsDirectory == nil ? "quote" : "quote2") {
        case "quote" where toolsDirectory == nil: form = .quote
        case "quote2": form = .quote2
        case let other: throw arguments.usage("--form must be quote2 with --tpm-quote-tools, quote or quote2 otherwise, not \"\(other)\"")
        }
        let quote = try PlatformAccess.with { (tpm) throws(LoBotError) in
            let aik = try directory.aikBlob()
            return form == .quote
                ? try tpm.quote(aikBlob: aik, indices: indices, nonce: nonce)
                : try tpm.quote2(aikBlob: aik, indices: indices, nonce: nonce)
        }
        try Output.write(out, quote.bytes)
        if let toolsDirectory {
            try core { () throws(LoBotError) in
                try Files.makeDirectory(toolsDirectory, permissions: 0o755, existingOK: true)
                guard case .tpm12(let aik) = try directory.aikPublicKey() else { throw LoBotError.invalidArgument("the platform's AIK is a TPM 2.0's") }
                let der = try encodeTSSPublicKeyDER(aik)
                try Files.writeAtomically(Files.join(toolsDirectory, "aik.der"), der, permissions: 0o644)
                try Files.writeAtomically(Files.join(toolsDirectory, "pcrhash"), try quote.signedBytes(), permissions: 0o644)
                try Files.writeAtomically(Files.join(toolsDirectory, "nonce"), nonce.value, permissions: 0o644)
                try Files.writeAtomically(Files.join(toolsDirectory, "quote"), quote.signature, permissions: 0o644)
                var values = ""
                for (i, index) in quote.composite.selection.indices.enumerated() {
                    values += "\(index)=\(quote.composite.values[i].hex)\n"
                }
                try Files.writeAtomically(Files.join(toolsDirectory, "pcrvals"), Array(values.utf8), permissions: 0o644)
            }
        }
        Console.out("platform quote of PCRs \(PCRList.describe(indices)) written to \(out)")
    }
}

enum PlatformPCRsCommand {
    static let spec = CommandSpec(
        name: "platform pcrs",
        summary: "Print the platform TPM's PCR values.",
        help: """
            usage: lobot platform pcrs [--pcrs LIST]

            options:
              --pcrs LIST   e.g. 0-7 (default 0-23)
            """,
        options: ["pcrs"],
        run: run)

    static func run(_ arguments: ParsedArguments) throws(AgentError) {
        let indices = try arguments.selection(default: "0-23").indices
        if PlatformAccess.isTPM2 {
            let values = try PlatformAccess.withTPM2 { (tpm) throws(LoBotError) in try tpm.readPCRs(indices) }
            for (pcr, value) in values { Console.out("PCR-\(PCRFormat.index(pcr)): \(Hex.string(value))") }
            return
        }
        let values = try PlatformAccess.with { (tpm) throws(LoBotError) in
            var values: [SHA1Digest] = []
            for index in indices { values.append(try tpm.readPCR(index)) }
            return values
        }
        for (i, index) in indices.enumerated() { Console.out("PCR-\(PCRFormat.index(index)): \(values[i].hex)") }
    }
}

enum PlatformExtendCommand {
    static let spec = CommandSpec(
        name: "platform extend",
        summary: "Extend a platform TPM PCR with a digest (SHA-1; SHA-256 on a TPM 2.0).",
        help: """
            usage: lobot platform extend --pcr N --digest HEX

            Extends the PCR of a TPM 1.2 (SHA-1) or of a TPM 2.0's SHA-256 bank, and prints its
            new value.

            options:
              --pcr N        PCR index, 0 to 23
              --digest HEX   40 hex digits (TPM 1.2) or 64 (TPM 2.0)
            """,
        options: ["pcr", "digest"],
        run: run)

    static func run(_ arguments: ParsedArguments) throws(AgentError) {
        let pcr = try arguments.pcr()
        if PlatformAccess.isTPM2 {
            let digest = try arguments.hexBytes("digest", length: 32)
            let value = try PlatformAccess.withTPM2 { (tpm) throws(LoBotError) -> [UInt8] in
                try tpm.extend(pcr: pcr, digest: digest)
                return try tpm.readPCRs([pcr])[0].value
            }
            Console.out("PCR-\(PCRFormat.index(pcr)): \(Hex.string(value))")
            return
        }
        let digest = SHA1Digest(unchecked: try arguments.hexBytes("digest", length: 20))
        let value = try PlatformAccess.with { (tpm) throws(LoBotError) in try tpm.extend(pcr, with: digest) }
        Console.out("PCR-\(PCRFormat.index(pcr)): \(value.hex)")
    }
}
