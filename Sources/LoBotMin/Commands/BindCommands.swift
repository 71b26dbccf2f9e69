// `lobot bind` and `lobot unbind`: TPM 1.2 bind encryption (TPM_BOUND_DATA, RSA-OAEP "TCPA"),
// byte-compatible with Tspi_Data_Bind / TPM_UnBind.
import LoBotCore

enum BindCommand {
    static let spec = CommandSpec(
        name: "bind",
        summary: "Encrypt a small file to a bind key (TPM_PUBKEY).",
        help: """
            usage: lobot bind --pubkey FILE --in FILE --out FILE

            Encrypts the input (at most 209 bytes for a 2048-bit key) to the bind key in the
            TPM_PUBKEY file, as Tspi_Data_Bind does, so that the TPM or vTPM holding the key can
            unbind it.

            options:
              --pubkey FILE   the bind key's TPM_PUBKEY (e.g. from lobot pubkey --key bind)
              --in FILE       data to bind
              --out FILE      where to write the blob
            """,
        options: ["pubkey", "in", "out"],
        run: run)

    static func run(_ arguments: ParsedArguments) throws(AgentError) {
        let keyBytes = try Output.read(try arguments.required("pubkey"), maximum: 4096)
        var data = try Output.read(try arguments.required("in"), maximum: 4096)
        defer { wipe(&data) }
        let out = try arguments.required("out")
        let blob = try core { () throws(LoBotError) in
            try BoundData.bind(data, to: try PubKey(bytes: keyBytes).rsaPublicKey())
        }
        try Output.write(out, blob)
        Console.out("bound \(data.count) bytes to \(out)")
    }
}

enum UnbindCommand {
    static let spec = CommandSpec(
        name: "unbind",
        summary: "Decrypt a blob bound to this vTPM's bind key.",
        help: """
            usage: lobot unbind --vtpm DIR --in FILE --out FILE

            options:
              --vtpm DIR    the vTPM (or $LOBOT_VTPM)
              --in FILE     the bound blob
              --out FILE    where to write the data (mode 0600)
            """,
        options: VTPMAccess.options + ["in", "out"],
        run: run)

    static func run(_ arguments: ParsedArguments) throws(AgentError) {
        let blob = try Output.read(try arguments.required("in"), maximum: 4096)
        let out = try arguments.required("out")
        var data = try VTPMAccess.with(arguments, mutating: false) { (vtpm) throws(LoBotError) in try vtpm.unbind(blob) }
        defer { wipe(&data) }
        try Output.write(out, data, secret: true)
        Console.out("unbound \(data.count) bytes to \(out)")
    }
}
