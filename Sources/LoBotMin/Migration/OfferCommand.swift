// `lobot migrate offer` (source, steps 10-11): acts on the factory's verdict. Untrusted (10b):
// the aDom resumes here. Trusted (10a): LoBot_S checks LoBot_D's vTPM quote itself (signed by
// the vTPM AIK it shares with LoBot_D, over the session's nonce) and seals the aDom's expected
// measurement and a confirmation secret to LoBot_D's storage key and PCRs 0-6 as quoted.
// The step itself is SessionSteps.offer (LoBotCore), performed by AgentParty; this is its command line.
import LoBotCore

enum MigrateOfferCommand {
    static let spec = CommandSpec(
        name: "migrate offer",
        summary: "Source: act on the factory's verdict; seal the aDom measurement (10-11).",
        help: """
            usage: lobot migrate offer --platform DIR --in VERDICT.msg --out DIR

            An untrusted verdict (10b) resumes the aDom here and ends the session. A trusted
            one (10a): checks LoBot_D's vTPM quote, seals the measurements of the aDom package
            (kernel, initrd, memory state, disk) with a confirmation secret to LoBot_D's
            PCRs 0-6, and writes the domain-offer message, encrypted to the destination.

            options:
              --platform DIR   the platform's LoBot directory (or $LOBOT_PLATFORM)
              --in FILE        the verdict message from the factory
              --out DIR        where to write the offer
            """,
        options: MigrationStep.options,
        run: run)

    static func run(_ arguments: ParsedArguments) throws(AgentError) {
        let message = try incomingMessage(arguments)
        var party = AgentParty(try MigrationStep(arguments))
        try core { () throws(LoBotError) in _ = try SessionSteps.offer(message, party: &party) }
    }
}
