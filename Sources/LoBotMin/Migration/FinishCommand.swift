// `lobot migrate finish` (source, after 13a/13b): the destination's launched message ends the
// aDom here for good -- its vTPM is retired in this platform's version store (no copy of its
// state opens here again), qemu is stopped and the domain's files are removed. launch-failed
// resumes the aDom here instead.
import LoBotCore
import LoBotPlatform

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
        let step = try MigrationStep(arguments)
        try core { () throws(LoBotError) in
            var journal = try step.journal(for: message, step: .finish)
            try finish(step, message: message, journal: &journal)
        }
    }

    static func finish(_ step: MigrationStep, message: Envelope, journal: inout SessionJournal) throws(LoBotError) {
        try step.check(message, .finish, journal: journal)
        let domain = step.domain(journal)
        if message.type == .launchFailed {
            try SourceRollback.resume(step, domain: domain, journal: &journal)
            throw .refused("\(journal.open.destination) could not launch the aDom: \(try BytesBody(bytes: message.body).text) (13b); it resumed here")
        }
        try VersionStore(directory: step.directory, tpm: step.tpm).retire(id: journal.open.vtpmID.bytes)
        Failpoint.hit("finish.retired")
        DomainRuntime(directory: domain, config: journal.open.domain).stop(destroying: true)
        domain.destroy()
        journal.state = .finished
        try step.files(journal.session).save(journal)
        Console.out("\(journal.open.domain.name) now runs on \(journal.open.destination); its LoBot and aDom are gone from here")
    }
}
