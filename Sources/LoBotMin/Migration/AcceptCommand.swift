// `lobot migrate accept` (destination, steps 1-4): takes the factory's open message, has the AIK
// certify the platform's bind and signing keys with the session nonce, and answers with them.
// The step itself is SessionSteps.accept (LoBotCore), performed by AgentParty; this is its command line.
import LoBotCore

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
        var party = AgentParty(try MigrationStep(arguments))
        try core { () throws(LoBotError) in _ = try SessionSteps.accept(message, party: &party) }
    }
}
