// `lobot guest-tpm selftest`: shows that the guest TPM engine linked into this binary works, for
// both families (manufacture, start, Startup, GetRandom), without a platform or a domain. The
// end-to-end check of the static musl build (GuestTPMAgentTests in Tests/LoBotCoreTests/GuestTPM).
import LoBotCore
import LoBotGuestTPM

enum GuestTPMSelfTestCommand {
    static let spec = CommandSpec(
        name: "guest-tpm selftest",
        summary: "Check the guest TPM engine (libtpms): a TPM 2.0 and a TPM 1.2.",
        help: """
            usage: lobot guest-tpm selftest

            Manufactures a TPM 2.0 and a TPM 1.2 in memory with the guest TPM engine (libtpms),
            starts each, sends TPM2_Startup / TPM_Startup and TPM2_GetRandom / TPM_GetRandom, and
            prints one line per family: its PCR banks, how long the manufacture took, and the random
            bytes. Nothing is written.
            """,
        run: run)

    static func run(_ arguments: ParsedArguments) throws(AgentError) {
        for family in [GuestTPMFamily.tpm20, .tpm12] {
            let result = try core { () throws(LoBotError) in try GuestTPMSelfCheck.run(family) }
            var banks = ""
            for bank in result.banks { banks += (banks.isEmpty ? "" : ",") + bank.shortName }
            Console.out(
                "TPM \(family.name): ok, banks \(banks), manufactured in \(result.manufactureMilliseconds) ms, "
                    + "random \(Hex.string(result.randomBytes))")
        }
    }
}
