// `lobot seal` and `lobot unseal`: data bound to this vTPM and to PCR values.
import LoBotCore

enum SealCommand {
    static let spec = CommandSpec(
        name: "seal",
        summary: "Seal a file to the current values of some PCRs.",
        help: """
            usage: lobot seal --vtpm DIR --pcrs LIST --in FILE --out FILE

            Encrypts FILE so that only this vTPM, with the selected PCRs at their current
            values, can unseal it (AES-256-GCM under a key wrapped to the vTPM's storage key).

            options:
              --vtpm DIR    the vTPM (or $LOBOT_VTPM)
              --pcrs LIST   PCRs the data is sealed to, e.g. 0-6
              --in FILE     data to seal (at most 64 MiB)
              --out FILE    where to write the sealed blob
            """,
        options: VTPMAccess.options + ["pcrs", "in", "out"],
        run: run)

    static func run(_ arguments: ParsedArguments) throws(AgentError) {
        let selection = try arguments.selection()
        let input = try arguments.required("in")
        let out = try arguments.required("out")
        var data = try Output.read(input, maximum: SealedBlob.maximumPayload)
        defer { wipe(&data) }
        let blob = try VTPMAccess.with(arguments, mutating: false) { (vtpm) throws(LoBotError) in
            try vtpm.seal(data, selection: selection)
        }
        try Output.write(out, blob.bytes)
        Console.out("sealed to PCRs \(PCRList.describe(selection.indices)): \(out)")
    }
}

enum UnsealCommand {
    static let spec = CommandSpec(
        name: "unseal",
        summary: "Unseal a blob if the PCRs still hold the sealed values.",
        help: """
            usage: lobot unseal --vtpm DIR --in FILE --out FILE

            Writes the sealed data to FILE (mode 0600) if the blob was sealed to this vTPM,
            is unaltered, and the PCRs it names hold the values it was sealed to.

            options:
              --vtpm DIR    the vTPM (or $LOBOT_VTPM)
              --in FILE     the sealed blob
              --out FILE    where to write the data
            """,
        options: VTPMAccess.options + ["in", "out"],
        run: run)

    static func run(_ arguments: ParsedArguments) throws(AgentError) {
        let input = try arguments.required("in")
        let out = try arguments.required("out")
        let bytes = try Output.read(input, maximum: SealedBlob.maximumPayload + 4096)
        var data = try VTPMAccess.with(arguments, mutating: false) { (vtpm) throws(LoBotError) in
            try vtpm.unseal(try SealedBlob(bytes: bytes))
        }
        defer { wipe(&data) }
        try Output.write(out, data, secret: true)
        Console.out("unsealed \(data.count) bytes to \(out)")
    }
}
