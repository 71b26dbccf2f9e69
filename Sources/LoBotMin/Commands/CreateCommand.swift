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
        let id = try core { () throws(LoBotError) in
            try Files.makeDirectory(directory.path, permissions: 0o700, existingOK: true)
            guard !Files.exists(directory.statePath), !Files.exists(directory.clearKeyPath),
                !Files.exists(directory.counterPath)
            else { throw LoBotError.alreadyExists("a vTPM in \(directory.path)") }
            let msk = try MasterKey.generate()
            try Files.writeAtomically(directory.clearKeyPath, msk.bytes, permissions: 0o600)
            let counter = try FileRollbackCounter.create(path: directory.counterPath)
            let session = try VTPMSession.create(directory: directory, msk: msk, counter: counter, vtpm: try VTPM.create())
            return session.vtpm.id
        }
        Console.out("vtpm \(Hex.string(id)) created in \(directory.path)")
    }
}
