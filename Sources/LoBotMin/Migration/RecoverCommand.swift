// `lobot migrate recover`: after a crash (or a lost message) at any step, brings this platform's
// side of a session to a final state from its journal alone, so that exactly one platform runs
// the aDom. The source before its release and the destination before its launch roll back; the
// destination with the release rolls forward; the source after its release follows the
// destination's outcome and, without one, waits (its aDom stays paused) and sends the release
// again.
import LoBotCore
import LoBotPlatform

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
        let step = try MigrationStep(arguments)
        StepProgress.begin(arguments)
        let waiting = try core { () throws(LoBotError) -> Bool in
            let files = step.files(session)
            guard files.exists else {
                Console.out("session \(session.hex) never reached this platform: nothing to do")
                return false
            }
            var journal = try files.journal()
            if journal.state.isFinal {
                Console.out("session \(session.hex) is \(journal.state.name) here")
                // The destination's outcome may have been lost with the crash: it is sent again.
                if journal.role == .destination {
                    let launched = journal.state == .launched
                    try step.sendOutcome(launched: launched, reason: launched ? "running on \(step.participant.name)" : "the destination rolled back",
                                         journal: journal)
                }
                return false
            }
            switch journal.role {
            case .source:
                if journal.state != .released {
                    try SourceRollback.resume(step, domain: step.domain(journal), journal: &journal)
                    return false
                }
                if let message {
                    if message.type == .launchFailed {
                        try step.check(message, [.launchFailed], journal: journal)
                        try SourceRollback.resume(step, domain: step.domain(journal), journal: &journal)
                    } else {
                        try MigrateFinishCommand.finish(step, message: message, journal: &journal)
                    }
                    return false
                }
                try MigrateReleaseCommand.sendRelease(step, journal: journal)
                Console.out("released to \(journal.open.destination): waiting for its launched or launch-failed message")
                return true
            case .destination where journal.state == .accepted && !Self.holdsLoBotD(files):
                // LoBot_D never arrived: no copy of it and no package here (a receive killed after
                // installing it leaves its files, and takes the path below). The session only ends
                // here, so that a late lobot-package is refused; its vTPM is retired in the version
                // store if this platform has one (a receive may have adopted it before it was killed).
                try DestinationRollback.destroy(step, journal: &journal, package: nil)
                let sent = try step.sendOutcome(launched: false, reason: "the destination ended the session before LoBot_D arrived",
                                                journal: journal, quietly: true)
                Console.out("session \(session.hex): nothing to recover here, LoBot_D never arrived; the session is ended "
                            + "(launch-failed for \(journal.open.source): \(sent))")
                return false
            case .destination:
                let kept = Files.join(files.path, "release.msg")
                var release = message
                if release == nil, Files.exists(kept) { release = try Messages.read(kept) }
                if journal.state == .ready, let release {
                    try MigrateLaunchCommand.launch(step, message: release, journal: &journal)
                    return false
                }
                let domain = step.domain(journal)
                DomainRuntime(directory: domain, config: journal.open.domain).stop(destroying: true)
                if domain.exists, journal.state == .ready { domain.destroy() }
                try DestinationRollback.destroy(step, journal: &journal, package: nil)
                try step.sendOutcome(launched: false, reason: "the destination rolled back", journal: journal)
                return false
            }
        }
        if waiting { throw .failed(.tpmRule("waiting for the destination's outcome")) }
        StepProgress.finish("checked and opened the aDom's files, and started it", always: false)
    }

    /// Whether any of LoBot_D is staged in the session: its state, a pending state or its bound MSK.
    static func holdsLoBotD(_ files: SessionFiles) -> Bool {
        let staged = VTPMDirectory(Files.join(files.path, "lobot"))
        return staged.holdsState || Files.exists(staged.boundKeyPath)
    }
}
