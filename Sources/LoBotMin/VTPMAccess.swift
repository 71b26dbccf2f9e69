// How a command finds and opens the vTPM it works on: `--vtpm DIR` (or $LOBOT_VTPM), and for a
// vTPM rooted in a platform TPM, `--platform DIR` (or $LOBOT_PLATFORM). Every vTPM command goes
// through here.
import LoBotCore
import LoBotPlatform

enum VTPMAccess {
    static let options = ["vtpm", "platform"]

    static func directory(_ arguments: ParsedArguments) throws(AgentError) -> VTPMDirectory {
        guard let path = arguments.value("vtpm") ?? Environment.value("LOBOT_VTPM") else {
            throw arguments.usage("option --vtpm DIR is required (or set LOBOT_VTPM)")
        }
        return VTPMDirectory(path)
    }

    /// Opens the vTPM (locally rooted, or through the platform TPM when its MSK is bound to one),
    /// runs `body`, and commits when `body` changed it (`mutating` true).
    static func with<T>(
        _ arguments: ParsedArguments, mutating: Bool,
        _ body: (VTPM) throws(LoBotError) -> T
    ) throws(AgentError) -> T {
        let directory = try directory(arguments)
        if directory.isPlatformBound {
            let platform = try PlatformAccess.directory(arguments)
            return try core { () throws(LoBotError) in
                var session = try directory.openOnPlatform(platform, tpm: try PlatformAccess.root(platform))
                return try run(&session, mutating: mutating, body)
            }
        }
        return try core { () throws(LoBotError) in
            var session = try directory.openLocal()
            return try run(&session, mutating: mutating, body)
        }
    }

    private static func run<C: RollbackCounter, T>(
        _ session: inout VTPMSession<C>, mutating: Bool, _ body: (VTPM) throws(LoBotError) -> T
    ) throws(LoBotError) -> T {
        let result = try body(session.vtpm)
        if mutating { try session.commit() }
        return result
    }
}
