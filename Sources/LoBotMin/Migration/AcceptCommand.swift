// `lobot migrate accept` (destination, steps 1-4): takes the factory's open message, has the AIK
// certify the platform's bind and signing keys with the session nonce, and answers with them.
import LoBotCore
import LoBotPlatform

enum MigrateAcceptCommand {
    static let spec = CommandSpec(
        name: "migrate accept",
        summary: "Destination: accept a session the factory opened (steps 1-4).",
        help: """
            usage: lobot migrate accept --platform DIR --in OPEN.msg --out DIR

            Checks the factory's open message (signed by the factory CA, addressed to this
            platform, a session this platform has never seen), has the AIK certify the
            platform's bind and signing keys with the session's nonce, records the session
            (DIR/sessions/ID/journal: accepted) and writes the destination-keys message.

            options:
              --platform DIR   the platform's LoBot directory (or $LOBOT_PLATFORM)
              --in FILE        the open message from the factory
              --out DIR        where to write the answer
            """,
        options: MigrationStep.options,
        run: run)

    static func run(_ arguments: ParsedArguments) throws(AgentError) {
        let message = try incomingMessage(arguments)
        let step = try MigrationStep(arguments)
        try core { () throws(LoBotError) in
            let files = try step.firstMessage(message, .accept)
            let open = try OpenBody(bytes: message.body)
            guard open.destination == step.participant.name else { throw .invalidArgument("the session's destination is \(open.destination), not this platform") }
            guard !DomainDirectory(step.directory, name: open.domain.name).exists else {
                throw .alreadyExists("domain \(open.domain.name) on this platform")
            }
            let aik = try step.directory.aikBlob()
            let body = DestinationKeysBody(bindKey: try step.tpm.certifiedKey(keyBlob: try step.directory.bindBlob(), aikBlob: aik, nonce: message.nonce),
                                           signingKey: try step.tpm.certifiedKey(.signing, keyBlob: try step.directory.signingBlob(), aikBlob: aik,
                                                                                 nonce: message.nonce),
                                           aikCertificate: try step.directory.read(step.directory.aikCertificatePath, "AIK certificate"))
            try files.create()
            var journal = SessionJournal(role: .destination, state: .accepted, session: message.session, nonce: message.nonce, open: open)
            journal.peerSigningKey = open.sourceSigningKey
            try files.save(journal)
            Failpoint.hit("accept.saved")
            try step.deliver(try step.participant.message(.destinationKeys, journal: journal, to: factoryParty, body: body.bytes),
                             journal: journal, as: "04-destination-keys.msg")
        }
    }
}
