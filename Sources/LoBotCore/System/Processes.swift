// This process's own identity and session: its pid (which the guest TPM server writes to its pid
// file, and which PID 1 of the LoBot VM recognises itself by) and setsid(2), so that a server
// started by one `lobot` outlives that command's terminal.
import CLibC

public enum Processes {
    /// getpid(2), which cannot fail.
    public static var currentID: Int32 { getpid() }

    public enum SessionOutcome: Equatable, Sendable {
        case started
        /// The process leads its process group already (a shell started it as a job), so it
        /// stays in its session: setsid(2)'s EPERM.
        case alreadyGroupLeader
    }

    /// setsid(2).
    public static func startSession() throws(LoBotError) -> SessionOutcome {
        if setsid() != -1 { return .started }
        let code = lobot_errno()
        if code == EPERM { return .alreadyGroupLeader }
        throw .system(operation: "cannot start a new session", path: "", errno: code)
    }
}
