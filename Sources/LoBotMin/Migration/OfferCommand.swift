// `lobot migrate offer` (source, steps 10-11): acts on the factory's verdict. Untrusted (10b):
// the aDom resumes here. Trusted (10a): LoBot_S checks LoBot_D's vTPM quote itself (signed by
// the vTPM AIK it shares with LoBot_D, over the session's nonce) and seals the aDom's expected
// measurement and a confirmation secret to LoBot_D's storage key and PCRs 0-6 as quoted.
import LoBotCore
import LoBotPlatform

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
        let step = try MigrationStep(arguments)
        try core { () throws(LoBotError) in
            var journal = try step.journal(for: message, step: .offer)
            try step.check(message, .offer, journal: journal)
            let verdict = try VerdictBody(bytes: message.body)
            let domain = step.domain(journal)
            guard verdict.trusted, let quote = verdict.vtpmQuote else {
                try SourceRollback.resume(step, domain: domain, journal: &journal)
                throw .refused("the factory does not trust \(journal.open.destination): \(verdict.reason) (10b); the aDom resumed here")
            }
            let session = try domain.lobot.openOnPlatform(step.directory, tpm: step.tpm)
            try quote.verify(aik: try session.vtpm.publicKey(.identity).rsaPublicKey(), expectedNonce: journal.open.vtpmNonce)
            let storage = try session.vtpm.publicKey(.storage).rsaPublicKey()
            _ = consume session
            let selection = try PCRSelection(Array(0...6))
            var values: [SHA1Digest] = []
            for index in 0...6 {
                guard let value = quote.composite.value(of: index) else { throw .invalidArgument("LoBot_D's quote does not cover PCR \(index)") }
                values.append(value)
            }
            var confirmation = try SecureRandom.bytes(32)
            defer { wipe(&confirmation) }
            var secret = DomainSecret(confirmation: confirmation, files: journal.files).bytes
            defer { wipe(&secret) }
            let sealed = try SealedBlob.seal(secret, to: storage, selection: selection,
                                             digestAtRelease: try PCRComposite(selection: selection, values: values).compositeHash())
            journal.boundConfirmation = try step.bindToSelf(confirmation)
            let offer = try step.participant.message(.domainOffer, journal: journal, to: journal.open.destination,
                                                     body: DomainOfferBody(sealed: sealed).bytes, encryptTo: try step.peerBindKey(journal))
            Failpoint.hit("offer.sealed")
            journal.state = .offered
            try step.files(journal.session).save(journal)
            try step.deliver(offer, journal: journal, as: "11-domain-offer.msg")
        }
    }
}

/// The source taking its aDom back (10b, 13b, or recovery before the release).
enum SourceRollback {
    static func resume(_ step: MigrationStep, domain: DomainDirectory, journal: inout SessionJournal) throws(LoBotError) {
        let runtime = DomainRuntime(directory: domain, config: journal.open.domain)
        if runtime.isRunning, try runtime.status() != "running" { try runtime.resume() }
        journal.state = .resumed
        try step.files(journal.session).save(journal)
        Console.out("\(journal.open.domain.name) runs here again")
    }
}
