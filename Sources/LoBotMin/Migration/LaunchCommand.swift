// `lobot migrate launch` (destination, step 13a): with the released key, LoBot_D becomes the
// domain's LoBot here and the aDom starts -- restored from its memory state (a migration) or
// booted (a provisioning). Committing "launched" is the hand-over's commit point: before it a
// recovery here destroys, after it the aDom is this platform's. A failed launch destroys the
// copies here and tells the source to resume (13b).
// The step itself is SessionSteps.launch (LoBotCore), performed by AgentParty; this is its command line.
import LoBotCore

enum MigrateLaunchCommand {
    static let spec = CommandSpec(
        name: "migrate launch",
        summary: "Destination: launch the aDom with the released key (step 13a).",
        help: """
            usage: lobot migrate launch --platform DIR --in RELEASE.msg --out DIR

            Opens the release (the aDom's key, encrypted to this platform), makes LoBot_D the
            domain's LoBot (DIR/domains/NAME/lobot), decrypts the disk if it travelled, and
            starts qemu: with -incoming fed through a pipe from the sealed memory state, or a
            cold boot for a provisioning. Writes launched, or launch-failed after destroying
            everything of the aDom here.

            options:
              --platform DIR   the platform's LoBot directory (or $LOBOT_PLATFORM)
              --in FILE        the release message
              --out DIR        where to write the outcome
              --quiet          no progress line (on a terminal) and no summary line
            """,
        options: MigrationStep.options,
        flags: [StepProgress.flag],
        run: run)

    static func run(_ arguments: ParsedArguments) throws(AgentError) {
        let message = try incomingMessage(arguments)
        var party = AgentParty(try MigrationStep(arguments))
        StepProgress.begin(arguments)
        try core { () throws(LoBotError) in _ = try SessionSteps.launch(message, party: &party) }
        StepProgress.finish("checked and opened the aDom's files, and started it", always: false)
    }
}
