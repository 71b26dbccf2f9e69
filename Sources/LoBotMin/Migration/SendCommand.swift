// `lobot migrate send` (source, steps 5-6): on the factory's proceed, pauses the aDom and saves
// its memory state (and disk, when it travels) sealed under a fresh domain key K, clones the
// LoBot's vTPM state and rewraps its MSK from this platform's bind key to the destination's
// (MSK exists in clear only in this process's memory), and sends the LoBot encrypted under a
// fresh K1 bound to the destination. K stays bound to this platform's TPM in the journal until
// step 13 releases it.
// The step itself is SessionSteps.send (LoBotCore), performed by AgentParty; this is its command line.
import LoBotCore

enum MigrateSendCommand {
    static let spec = CommandSpec(
        name: "migrate send",
        summary: "Source: suspend the aDom and send the LoBot (steps 5-6).",
        help: """
            usage: lobot migrate send --platform DIR --in PROCEED.msg --out DIR

            Checks the factory's proceed message, pauses the aDom (QMP stop) and streams its
            memory state through a pipe into DIR/memory.lbst, sealed (AES-256-GCM, 1 MiB
            chunks) under a fresh key; a disk that travels with the domain goes to
            DIR/disk.lbst the same way. The LoBot's vTPM state and its MSK, rewrapped to the
            destination's certified bind key, go in the lobot-package message, itself
            encrypted to that key.

            options:
              --platform DIR   the platform's LoBot directory (or $LOBOT_PLATFORM)
              --in FILE        the proceed message from the factory
              --out DIR        where to write the message and the sealed aDom files
              --quiet          no progress line (on a terminal) and no summary line
            """,
        options: MigrationStep.options,
        flags: [StepProgress.flag],
        run: run)

    static func run(_ arguments: ParsedArguments) throws(AgentError) {
        let message = try incomingMessage(arguments)
        let step = try MigrationStep(arguments)
        var party = AgentParty(step)
        StepProgress.begin(arguments)
        let journal = try core { () throws(LoBotError) in try SessionSteps.send(message, party: &party) }
        for file in journal.files where DomainFiles.isSealed(file.name) {
            Console.out("sealed \(file.name) (\(file.size) bytes): \(Files.join(step.out, file.name))")
        }
        let domain = journal.open.domain
        StepProgress.finish("sealed \(domain.name)'s memory state" + (domain.disk == .local ? " and disk" : ""))
    }
}
