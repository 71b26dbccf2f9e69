// `lobot platform counter`: the platform TPM's monotonic counter that LoBot's version store (and
// so every platform-rooted vTPM's rollback check) is anchored to.
import LoBotCore
import LoBotPlatform

enum PlatformCounterCommand {
    static let spec = CommandSpec(
        name: "platform counter",
        summary: "Create, read or increment the platform TPM's monotonic counter.",
        help: """
            usage: lobot platform counter --platform DIR [--create | --increment]

            Prints the counter's value. --create makes it and the platform's version store
            anchored to it (DIR/versions, needs the bind key). --increment adds one first (through
            the version store, when there is one, so that it stays anchored).
            TPM 1.2: made once per platform (owner authorisation; its id and secret go to
            DIR/counter); a TPM 1.2 lets only one counter move per boot: LoBot uses exactly one.
            TPM 2.0: the NV counter index 0x01804C42 (owner authorisation, no dictionary-attack
            protection), defined and first incremented the first time it is read.

            options:
              --platform DIR   the platform's LoBot directory (or $LOBOT_PLATFORM)
              --create         create the counter
              --increment      add one before printing
            """,
        options: PlatformAccess.options, flags: ["create", "increment"],
        run: run)

    static func run(_ arguments: ParsedArguments) throws(AgentError) {
        let directory = try PlatformAccess.directory(arguments)
        if arguments.has("create") && arguments.has("increment") { throw arguments.usage("give --create or --increment, not both") }
        let value = try PlatformAccess.withRoot(directory) { (tpm) throws(LoBotError) -> UInt64 in
            if arguments.has("create") {
                let value: UInt64
                switch tpm {
                case .tpm12(let tpm12): value = UInt64(try TPMCounter.create(tpm: tpm12, directory: directory).count)
                // A TPM 2.0's NV counter is defined, and first incremented, the first time it is read.
                case .tpm20: value = try tpm.counter(platform: directory).read()
                }
                if Files.exists(directory.bindBlobPath) { try VersionStore(directory: directory, tpm: tpm).createIfMissing() }
                return value
            }
            let counter = try tpm.counter(platform: directory)
            guard arguments.has("increment") else { return try counter.read() }
            // With a version store the counter is its anchor: advance both together.
            let store = VersionStore(directory: directory, tpm: tpm)
            return store.exists ? try store.advance() : try counter.increment()
        }
        Console.out("platform counter: \(value)")
    }
}
