// Sending a signal to a process, and taking SIGTERM and SIGINT through a descriptor. kill(2) is
// the call whose failure callers expect (the process exited since its pid was read), so its
// result is an outcome the caller must look at: ESRCH is `.noSuchProcess`, anything else throws.
import CLibC

/// A signal number, by the names the agent uses.
public struct Signal: Equatable, Sendable {
    public let number: Int32

    public init(number: Int32) { self.number = number }

    /// No signal: kill(2)'s check that the process exists and may be signalled.
    public static let probe = Signal(number: 0)
    /// SIGTERM.
    public static let terminate = Signal(number: SIGTERM)
    /// SIGKILL.
    public static let kill = Signal(number: SIGKILL)
}

/// What became of a signal sent.
public enum SignalOutcome: Equatable, Sendable {
    case delivered
    /// No process has that pid (it exited and was reaped).
    case noSuchProcess
}

public enum Signals {
    /// kill(2) of `signal` to the one process `pid` (a pid of 0 or below, which would signal a
    /// process group or every process, is refused).
    public static func send(_ signal: Signal, to pid: Int32) throws(LoBotError) -> SignalOutcome {
        // kill(0) and kill(-1) would signal a group or every process: EINVAL, "not one process".
        guard pid > 0 else { throw .system(operation: "cannot signal process", path: "\(pid)", errno: EINVAL) }
        if kill(pid, signal.number) == 0 { return .delivered }
        let code = lobot_errno()
        if code == ESRCH { return .noSuchProcess }
        throw .system(operation: "cannot signal process", path: "\(pid)", errno: code)
    }

    /// Blocks SIGTERM and SIGINT and returns a signalfd(2) that becomes readable when one arrives.
    public static func terminationDescriptor() throws(LoBotError) -> Int32 {
        try retryingSystemCall("cannot take SIGTERM and SIGINT through a signalfd") { lobot_signalfd_term() }
    }
}
