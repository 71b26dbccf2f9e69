// `lobot platform bind-key` and `unbind`: the platform's TPM-resident bind key, certified by the
// AIK (the "SRK public key" of LSM step 4), and decryption with it.
import LoBotCore
import LoBotPlatform

enum PlatformBindKeyCommand {
    static let spec = CommandSpec(
        name: "platform bind-key",
        summary: "Create (once) and certify the platform's bind and signing keys with a nonce.",
        help: """
            usage: lobot platform bind-key --platform DIR --nonce HEX --out FILE --signing-out FILE

            Creates a non-migratable 2048-bit bind key under the SRK the first time
            (DIR/bind.blob), then has the AIK certify it with the verifier's nonce
            (TPM_CertifyKey; TPM2_Certify on a TPM 2.0, whose keys are made under a storage
            primary). Writes the certified key: the public key, the TPM's certification and
            the AIK's signature. Does the same for the platform's signing key
            (DIR/signing.blob), which signs every protocol message the platform sends. Both go
            to lobot-factory register-bind-key (--certified, --signing).

            options:
              --platform DIR       the platform's LoBot directory (or $LOBOT_PLATFORM)
              --nonce HEX          the verifier's 20-byte nonce, 40 hex digits
              --out FILE           where to write the certified bind key
              --signing-out FILE   where to write the certified signing key
            """,
        options: PlatformAccess.options + ["nonce", "out", "signing-out"],
        run: run)

    static func run(_ arguments: ParsedArguments) throws(AgentError) {
        let directory = try PlatformAccess.directory(arguments)
        let nonce = TPMNonce(unchecked: try arguments.hexBytes("nonce", length: 20))
        let out = try arguments.required("out")
        let signingOut = try arguments.required("signing-out")
        if PlatformAccess.isTPM2 {
            let (bind, signing) = try PlatformTPM2Commands.certifiedKeys(directory: directory, nonce: nonce.value)
            try Output.write(out, bind)
            Console.out("certified bind key written to \(out)")
            try Output.write(signingOut, signing)
            Console.out("certified signing key written to \(signingOut)")
            return
        }
        let (bind, signing) = try PlatformAccess.with { (tpm) throws(LoBotError) in
            let aik = try directory.aikBlob()
            func certify(_ kind: PlatformKey, _ path: String, create: () throws(LoBotError) -> [UInt8]) throws(LoBotError) -> CertifiedKey {
                if !Files.exists(path) { try Files.writeAtomically(path, try create()) }
                return try tpm.certifiedKey(kind, keyBlob: try Files.read(path, maximum: 64 << 10), aikBlob: aik, nonce: nonce)
            }
            let bind = try certify(.bind, directory.bindBlobPath) { () throws(LoBotError) in try tpm.createBindKey() }
            let signing = try certify(.signing, directory.signingBlobPath) { () throws(LoBotError) in try tpm.createSigningKey() }
            return (bind, signing)
        }
        try Output.write(out, bind.bytes)
        Console.out("certified bind key written to \(out)")
        try Output.write(signingOut, signing.bytes)
        Console.out("certified signing key written to \(signingOut)")
    }
}

enum PlatformUnbindCommand {
    static let spec = CommandSpec(
        name: "platform unbind",
        summary: "Decrypt a blob bound to the platform's bind key.",
        help: """
            usage: lobot platform unbind --platform DIR --in FILE --out FILE

            options:
              --platform DIR   the platform's LoBot directory (or $LOBOT_PLATFORM)
              --in FILE        the bound blob (TPM 1.2: TPM_BOUND_DATA under RSA-OAEP
                               "TCPA"; TPM 2.0: RSA-OAEP-SHA256, label "LOBOT BIND")
              --out FILE       where to write the data (mode 0600)
            """,
        options: PlatformAccess.options + ["in", "out"],
        run: run)

    static func run(_ arguments: ParsedArguments) throws(AgentError) {
        let directory = try PlatformAccess.directory(arguments)
        let blob = try Output.read(try arguments.required("in"), maximum: 4096)
        let out = try arguments.required("out")
        var data = try PlatformAccess.withRoot(directory) { (tpm) throws(LoBotError) in try tpm.unbind(blob, platform: directory) }
        defer { wipe(&data) }
        try Output.write(out, data, secret: true)
        Console.out("unbound \(data.count) bytes to \(out)")
    }
}
