// `lobot migrate recover`: after a crash (or a lost message) at any step, brings this platform's
// side of a session to a final state from its journal alone, so that exactly one platform runs
// the aDom. The source before its release and the destination before its launch roll back; the
// destination with the release rolls forward; the source after its release follows the
// destination's outcome and, without one, waits (its aDom stays paused) and sends the release
// again.
// The step itself is SessionSteps.recover (LoBotCore), performed by AgentParty; this is its command line.
import LoBotCore

enum MigrateRecoverCommand {
    static let spec = CommandSpec(
        name: "migrate recover",
        summary: "Finish or roll back an interrupted session on this platform.",
        help: """
            usage: lobot migrate recover --platform DIR --session ID [--in MESSAGE] --out DIR

            source, before the release: resumes the aDom here. source, released: with the
            destination's launched or launch-failed message (--in), finishes or resumes;
            without, writes the release again and waits (exit status 1).
            destination, before the launch: with the release (--in, or the one kept when a
            launch was interrupted), launches; without, destroys LoBot_D and the package and
            writes launch-failed for the source. A final session is left as it is; the
            destination sends its outcome (launched or launch-failed) again. A session that
            never reached this platform, or whose LoBot_D never arrived here, has nothing to
            recover: one line says so (exit status 0).

            options:
              --platform DIR   the platform's LoBot directory (or $LOBOT_PLATFORM)
              --session ID     the session id (32 hex digits)
              --in FILE        the peer's latest message, if any
              --out DIR        where to write any message
              --quiet          no progress line (on a terminal) and no summary line
            """,
        options: MigrationStep.options + ["session"],
        flags: [StepProgress.flag],
        run: run)

    static func run(_ arguments: ParsedArguments) throws(AgentError) {
        let session = SessionID(unchecked: try arguments.hexBytes("session", length: SessionID.length))
        let message = arguments.value("in") == nil ? nil : try incomingMessage(arguments)
        var party = AgentParty(try MigrationStep(arguments))
        StepProgress.begin(arguments)
        let waiting = try core { () throws(LoBotError) in try SessionSteps.recover(session, message: message, party: &party) == .waiting }
        if waiting { throw .failed(.tpmRule("waiting for the destination's outcome")) }
        StepProgress.finish("checked and opened the aDom's files, and started it", always: false)
    }
}
