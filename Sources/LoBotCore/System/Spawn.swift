// Starting and supervising child processes without Foundation: posix_spawn with stdin from
// /dev/null and stdout/stderr to files, waitpid with a deadline, and a kill that does not leave a
// zombie. Used by the agent for the VM's tcsd, swtpm and qemu. A waitpid that fails and a signal
// that finds the child gone are outcomes of their own, never an invented exit status.
import CLibC

public struct ChildProcess: Sendable {
    public let pid: Int32

    /// Starts `path` with `arguments` (argument 0 included); output goes to `outputPath`
    /// (appended; /dev/null if nil); `passing`, if given, becomes the child's descriptor 3.
    public static func spawn(_ path: String, _ arguments: [String], outputPath: String? = nil,
                             environment: [String]? = nil, passing descriptor: Int32? = nil) throws(LoBotError) -> ChildProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath ?? "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        if let descriptor { posix_spawn_file_actions_adddup2(&actions, descriptor, 3) }
        var argv: [UnsafeMutablePointer<CChar>?] = []
        for argument in arguments { argv.append(strdup(argument)) }
        argv.append(nil)
        var envp: [UnsafeMutablePointer<CChar>?] = []
        if let environment {
            for entry in environment { envp.append(strdup(entry)) }
            envp.append(nil)
        }
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: Int32 = 0
        let rc = argv.withUnsafeMutableBufferPointer { a in
            envp.withUnsafeMutableBufferPointer { e in
                posix_spawn(&pid, path, &actions, nil, a.baseAddress!, environment == nil ? lobot_environ() : e.baseAddress)
            }
        }
        guard rc == 0 else { throw .system(operation: "cannot start", path: path, errno: rc) }
        return ChildProcess(pid: pid)
    }

    public enum Outcome: Equatable, Sendable {
        case exited(Int32)
        case signaled(Int32)
        /// waitpid(2) failed with this errno (ECHILD: an earlier wait reaped the child).
        case unknown(errno: Int32)
    }

    /// Waits up to `milliseconds` (forever if nil); nil when the child is still running then.
    public func wait(milliseconds: Int? = nil) -> Outcome? {
        let deadline = monotonicMilliseconds() + (milliseconds ?? 0)
        while true {
            var status: Int32 = 0
            let rc = waitpid(pid, &status, milliseconds == nil ? 0 : WNOHANG)
            if rc == pid {
                if lobot_wifexited(status) != 0 { return .exited(lobot_wexitstatus(status)) }
                return .signaled(lobot_wtermsig(status))
            }
            if rc == -1 {
                let code = lobot_errno()
                if code != EINTR { return .unknown(errno: code) }
            }
            guard let milliseconds else { continue }
            if monotonicMilliseconds() >= deadline { return nil }
            Clock.pause(milliseconds: Clock.pollMilliseconds)
        }
    }

    /// SIGTERM, then SIGKILL after `grace` milliseconds; reaps. A child an earlier wait reaped
    /// already (noSuchProcess) is left as it is.
    public func terminate(grace: Int = 2000) throws(LoBotError) {
        guard try Signals.send(.terminate, to: pid) == .delivered else { return }
        if wait(milliseconds: grace) == nil {
            // A child that exited in between (noSuchProcess) is reaped by the wait all the same.
            _ = try Signals.send(.kill, to: pid)
            _ = wait()
        }
    }
}
