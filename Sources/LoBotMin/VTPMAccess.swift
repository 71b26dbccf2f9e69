// How a command finds and opens the vTPM it works on: `--vtpm DIR` (or $LOBOT_VTPM). Every vTPM
// command goes through here.
import LoBotCore

enum VTPMAccess {
    static let options = ["vtpm"]

    static func directory(_ arguments: ParsedArguments) throws(AgentError) -> VTPMDirectory {
        guard let path = arguments.value("vtpm") ?? Console.environment("LOBOT_VTPM") else {
            throw arguments.usage("option --vtpm DIR is required (or set LOBOT_VTPM)")
        }
        return VTPMDirectory(path)
    }

    /// Opens the vTPM, runs `body`, and commits when `body` changed it (`mutating` true).
    static func with<T>(
        _ arguments: ParsedArguments, mutating: Bool,
        _ body: (VTPM) throws(LoBotError) -> T
    ) throws(AgentError) -> T {
        let directory = try directory(arguments)
        return try core { () throws(LoBotError) in
            var session = try directory.openLocal()
            let result = try body(session.vtpm)
            if mutating { try session.commit() }
            return result
        }
    }
}
