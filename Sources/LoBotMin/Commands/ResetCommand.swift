// `lobot reset`: TPM_PCR_Reset, allowed only for the PCRs TPM 1.2 lets that locality reset.
import LoBotCore

enum ResetCommand {
    static let spec = CommandSpec(
        name: "reset",
        summary: "Reset a resettable PCR.",
        help: """
            usage: lobot reset --vtpm DIR --pcr N [--locality L]

            Resets PCR[N] to zero if TPM 1.2 (PC client) allows it from locality L: PCRs 16
            and 23 from any locality, 17-22 only from the localities of a dynamic launch,
            0-15 never.

            options:
              --vtpm DIR      the vTPM (or $LOBOT_VTPM)
              --pcr N         PCR index, 0 to 23
              --locality L    0 to 4 (default 0)
            """,
        options: VTPMAccess.options + ["pcr", "locality"],
        run: run)

    static func run(_ arguments: ParsedArguments) throws(AgentError) {
        let pcr = try arguments.pcr()
        let locality = UInt8(try arguments.integer("locality", in: 0...4) ?? 0)
        try VTPMAccess.with(arguments, mutating: true) { (vtpm) throws(LoBotError) in
            try vtpm.reset(pcr: pcr, locality: locality)
        }
        Console.out("PCR-\(PCRFormat.index(pcr)): \(SHA1Digest.zero.hex)")
    }
}
