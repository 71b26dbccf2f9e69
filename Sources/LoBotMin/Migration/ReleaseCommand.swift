// `lobot migrate release` (source, step 13): on the destination's proof that LoBot_D unsealed
// and the package matched, commits the hand-over (journal: released; from here a recovery rolls
// forward) and sends the domain key K, bound to the destination. On its refusal (13b) the aDom
// resumes here.
// The step itself is SessionSteps.release (LoBotCore), performed by AgentParty; this is its command line.
import LoBotCore

enum MigrateReleaseCommand {
    static let spec = CommandSpec(
        name: "migrate release",
        summary: "Source: release the aDom to the destination, or resume it (step 13).",
        help: """
            usage: lobot migrate release --platform DIR --in DOMAIN-READY.msg --out DIR

            domain-ready: checks the proof (only LoBot_D could unseal the confirmation
            secret), records the release, and writes the release message carrying the aDom's
            key, encrypted to the destination. The aDom stays paused here until the
            destination reports the launch (lobot migrate finish). domain-refused (13b):
            resumes the aDom here.

            options:
              --platform DIR   the platform's LoBot directory (or $LOBOT_PLATFORM)
              --in FILE        the domain-ready or domain-refused message
              --out DIR        where to write the release
            """,
        options: MigrationStep.options,
        run: run)

    static func run(_ arguments: ParsedArguments) throws(AgentError) {
        let message = try incomingMessage(arguments)
        var party = AgentParty(try MigrationStep(arguments))
        try core { () throws(LoBotError) in _ = try SessionSteps.release(message, party: &party) }
    }
}
