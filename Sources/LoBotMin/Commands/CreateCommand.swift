// `lobot create`: makes a new vTPM in a new directory: its MSK, its rollback counter, its keys.
import LoBotCore

enum CreateCommand {
    static let spec = CommandSpec(
        name: "create",
        summary: "Create a new vTPM (keys, PCRs, counter) in a new directory.",
        help: """
            usage: lobot create --vtpm DIR

            Creates DIR (mode 0700) holding a new vTPM: RSA-2048 endorsement, storage, identity
            (AIK) and bind keys, 24 PCRs at their startup values, a monotonic counter, an empty
            event log. The state file is encrypted under a fresh 256-bit master storage key
            (DIR/msk, mode 0600) and versioned against a rollback counter (DIR/vtpm.counter).
            Prints the vTPM's identifier.

            options:
              --vtpm DIR   directory to create (or $LOBOT_VTPM); must not exist or be empty
            """,
        options: VTPMAccess.options)

    static func run(_ arguments: ParsedArguments) throws(AgentError) {
        let directory = try VTPMAccess.directory(arguments)
        let id = try core { () throws(LoBotError) in try directory.createLocal().vtpm.id }
        Console.out("vtpm \(Hex.string(id)) created in \(directory.path)")
    }
}
