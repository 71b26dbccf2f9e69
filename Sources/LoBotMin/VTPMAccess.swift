// How a command finds and opens the vTPM it works on: `--vtpm DIR` (or $LOBOT_VTPM), the MSK
// from that directory, the rollback counter beside it. Every vTPM command goes through here.
import LoBotCore

enum VTPMAccess {
    static let options = ["vtpm"]

    static func directory(_ arguments: ParsedArguments) throws(AgentError) -> VTPMDirectory {
        guard let path = arguments.value("vtpm") ?? Console.environment("LOBOT_VTPM") else {
            throw arguments.usage("option --vtpm DIR is required (or set LOBOT_VTPM)")
        }
        return VTPMDirectory(path)
    }

    static func masterKey(_ directory: VTPMDirectory) throws(AgentError) -> MasterKey {
        try core { () throws(LoBotError) in
            guard Files.exists(directory.clearKeyPath) else { throw LoBotError.notFound("master storage key \(directory.clearKeyPath)") }
            var bytes = try Files.read(directory.clearKeyPath, maximum: 64)
            defer { wipe(&bytes) }
            return try MasterKey(bytes: bytes)
        }
    }

    /// Opens the vTPM, runs `body`, and commits when `body` changed it (`mutating` true).
    static func with<T>(
        _ arguments: ParsedArguments, mutating: Bool,
        _ body: (VTPM) throws(LoBotError) -> T
    ) throws(AgentError) -> T {
        let directory = try directory(arguments)
        let msk = try masterKey(directory)
        return try core { () throws(LoBotError) in
            var session = try VTPMSession.open(
                directory: directory, msk: msk, counter: FileRollbackCounter(path: directory.counterPath))
            let result = try body(session.vtpm)
            if mutating { try session.commit() }
            return result
        }
    }
}
