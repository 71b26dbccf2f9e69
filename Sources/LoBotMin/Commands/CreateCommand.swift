// `lobot create`: makes a new vTPM in a new directory: its MSK, its rollback counter, its keys.
import LoBotCore
import LoBotPlatform

enum CreateCommand {
    static let spec = CommandSpec(
        name: "create",
        summary: "Create a new vTPM (keys, PCRs, counter) in a new directory.",
        help: """
            usage: lobot create --vtpm DIR [--platform DIR]

            Creates DIR (mode 0700) holding a new vTPM: RSA-2048 endorsement, storage, identity
            (AIK) and bind keys, 24 PCRs at their startup values, a monotonic counter, an empty
            event log. The state file is encrypted under a fresh 256-bit master storage key
            and versioned against a rollback counter. Prints the vTPM's identifier.

            Without --platform the MSK is kept in DIR/msk (mode 0600) and the counter in
            DIR/vtpm.counter. With --platform the vTPM is rooted in that platform's TPM: the
            MSK is bound to its bind key (DIR/msk.bound) and the version is kept in the
            platform's version store, anchored to the TPM's monotonic counter.

            options:
              --vtpm DIR       directory to create (or $LOBOT_VTPM); must not exist or be empty
              --platform DIR   the platform's LoBot directory (or $LOBOT_PLATFORM)
            """,
        options: VTPMAccess.options,
        run: run)

    static func run(_ arguments: ParsedArguments) throws(AgentError) {
        let directory = try VTPMAccess.directory(arguments)
        let platform = arguments.value("platform") ?? Environment.value("LOBOT_PLATFORM")
        let id = try core { () throws(LoBotError) in
            if let platform {
                let platform = PlatformDirectory(platform)
                return try directory.createOnPlatform(platform, tpm: try PlatformAccess.root(platform)).vtpm.id
            }
            return try directory.createLocal().vtpm.id
        }
        Console.out("vtpm \(Hex.string(id)) created in \(directory.path)")
    }
}
