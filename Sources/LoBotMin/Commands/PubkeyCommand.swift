// `lobot pubkey`: exports the public half of one of the vTPM's keys as TPM_PUBKEY.
import LoBotCore

enum PubkeyCommand {
    static let spec = CommandSpec(
        name: "pubkey",
        summary: "Export a vTPM public key (TPM_PUBKEY).",
        help: """
            usage: lobot pubkey --vtpm DIR --key ek|srk|aik|bind --out FILE

            Writes the key's public half as a TPM 1.2 TPM_PUBKEY structure: the AIK to verify
            quotes, the SRK to seal to this vTPM, the bind key to bind to it.

            options:
              --vtpm DIR    the vTPM (or $LOBOT_VTPM)
              --key NAME    ek, srk, aik or bind
              --out FILE    where to write it
            """,
        options: VTPMAccess.options + ["key", "out"],
        run: run)

    static func run(_ arguments: ParsedArguments) throws(AgentError) {
        let role: VTPM.KeyRole
        switch try arguments.required("key") {
        case "ek": role = .endorsement
        case "srk": role = .storage
        case "aik": role = .identity
        case "bind": role = .bind
        case let other: throw arguments.usage("--key must be ek, srk, aik or bind, not \"\(other)\"")
        }
        let out = try arguments.required("out")
        let key = try VTPMAccess.with(arguments, mutating: false) { (vtpm) throws(LoBotError) in try vtpm.publicKey(role) }
        try Output.write(out, key.bytes)
        Console.out("\(role.name) public key written to \(out)")
    }
}
