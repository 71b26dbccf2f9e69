// The agent's one error type: a usage mistake (exit status 2) or a failure of the operation
// (exit status 1, with the core's one-line message).
import LoBotCore

enum AgentError: Error {
    case usage(String)
    case failed(LoBotError)

    var message: String {
        switch self {
        case .usage(let text): return text
        case .failed(let error): return error.message
        }
    }

    var exitStatus: Int32 {
        switch self {
        case .usage: return 2
        case .failed: return 1
        }
    }
}

/// Runs a core operation, turning its error into the agent's.
@inline(__always)
func core<T>(_ body: () throws(LoBotError) -> T) throws(AgentError) -> T {
    do throws(LoBotError) { return try body() } catch { throw .failed(error) }
}
