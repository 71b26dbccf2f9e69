// `lobot extend`: TPM_Extend of one PCR with a 20-byte digest, logged under a name.
import LoBotCore

enum ExtendCommand {
    static let spec = CommandSpec(
        name: "extend",
        summary: "Extend a PCR with a SHA-1 digest.",
        help: """
            usage: lobot extend --vtpm DIR --pcr N --digest HEX [--name TEXT]

            PCR[N] := SHA-1(PCR[N] || digest), recorded in the event log under TEXT.
            Prints the new value.

            options:
              --vtpm DIR     the vTPM (or $LOBOT_VTPM)
              --pcr N        PCR index, 0 to 23
              --digest HEX   40 hex digits
              --name TEXT    what the digest stands for, in the event log (default "extend")
            """,
        options: VTPMAccess.options + ["pcr", "digest", "name"],
        run: run)

    static func run(_ arguments: ParsedArguments) throws(AgentError) {
        let pcr = try arguments.pcr()
        let bytes = try arguments.hexBytes("digest", length: 20)
        let name = arguments.value("name") ?? "extend"
        let value = try VTPMAccess.with(arguments, mutating: true) { (vtpm) throws(LoBotError) in
            guard let digest = SHA1Digest(bytes) else { throw LoBotError.invalidArgument("digest must be 20 bytes") }
            return try vtpm.extend(pcr: pcr, digest: digest, name: name)
        }
        Console.out("PCR-\(PCRFormat.index(pcr)): \(value.hex)")
    }
}
