// `lobot migrate release` (source, step 13): on the destination's proof that LoBot_D unsealed
// and the package matched, commits the hand-over (journal: released; from here a recovery rolls
// forward) and sends the domain key K, bound to the destination. On its refusal (13b) the aDom
// resumes here.
import LoBotCore
import LoBotPlatform

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
        let step = try MigrationStep(arguments)
        try core { () throws(LoBotError) in
            var journal = try step.journal(for: message, step: .release)
            try step.check(message, .release, journal: journal)
            let body = try BytesBody(bytes: message.body)
            if message.type == .domainRefused {
                try SourceRollback.resume(step, domain: step.domain(journal), journal: &journal)
                throw .refused("\(journal.open.destination) refused the aDom package: \(body.text) (13b); the aDom resumed here")
            }
            var confirmation = try step.participant.unbind(journal.boundConfirmation)
            defer { wipe(&confirmation) }
            let expected = try DomainSecret.proof(confirmation: confirmation, session: journal.session)
            guard expected == body.value else { throw .authentication(what: "domain-ready proof from \(journal.open.destination)") }
            journal.state = .released
            try step.files(journal.session).save(journal)
            Failpoint.hit("release.committed")
            try sendRelease(step, journal: journal)
        }
    }

    /// The release message: K, unbound from this TPM and encrypted to the destination's.
    static func sendRelease(_ step: MigrationStep, journal: SessionJournal) throws(LoBotError) {
        var key = try step.participant.unbind(journal.boundDomainKey)
        defer { wipe(&key) }
        try step.deliver(try step.participant.message(.release, journal: journal, to: journal.open.destination, body: BytesBody(key).bytes,
                                                      encryptTo: try step.peerBindKey(journal)),
                         journal: journal, as: "13-release.msg")
    }
}
