// `lobot migrate finish` (source, after 13a/13b): the destination's launched message ends the
// aDom here for good -- its vTPM is retired in this platform's version store (no copy of its
// state opens here again), qemu is stopped and the domain's files are removed. launch-failed
// resumes the aDom here instead.
// The step itself is SessionSteps.finish (LoBotCore), performed by AgentParty; this is its command line.
import LoBotCore

enum MigrateFinishCommand {
    static let spec = CommandSpec(
        name: "migrate finish",
        summary: "Source: destroy the aDom here after its launch, or resume it (13a/13b).",
        help: """
            usage: lobot migrate finish --platform DIR --in LAUNCHED.msg --out DIR

            launched: retires the LoBot's vTPM on this platform, stops the paused aDom and
            removes it. launch-failed: resumes the aDom here.

            options:
              --platform DIR   the platform's LoBot directory (or $LOBOT_PLATFORM)
              --in FILE        the launched or launch-failed message
              --out DIR        unused by this step (kept for symmetry)
            """,
        options: MigrationStep.options,
        run: run)

    static func run(_ arguments: ParsedArguments) throws(AgentError) {
        let message = try incomingMessage(arguments)
        var party = AgentParty(try MigrationStep(arguments))
        try core { () throws(LoBotError) in _ = try SessionSteps.finish(message, party: &party) }
    }
}
