// An anonymous pipe between lobot and a process it starts: the aDom's memory state goes from
// lobot, decrypted chunk by chunk, straight into the qemu that restores it (its read end becomes
// qemu's `-incoming fd:3`), with no FIFO on disk and no `cat` between them. Both ends are closed
// on exec (the child gets its end through posix_spawn's dup2) and when the pipe is dropped.
import CLibC

public struct AnonymousPipe: ~Copyable {
    public let readEnd: Int32
    public let writeEnd: Int32
    private var readOpen = true
    private var writeOpen = true

    /// A new pipe of `capacity` bytes (F_SETPIPE_SZ; the kernel's default of 64 KiB if it refuses).
    public init(capacity: Int32 = 1 << 20) throws(LoBotError) {
        var ends: [Int32] = [-1, -1]
        let made = ends.withUnsafeMutableBufferPointer { lobot_pipe_cloexec($0.baseAddress!) }
        guard made == 0 else { throw .system(operation: "cannot make a pipe", path: "", errno: lobot_errno()) }
        readEnd = ends[0]
        writeEnd = ends[1]
        _ = lobot_set_pipe_size(writeEnd, capacity)
    }

    /// Closes this process's read end (once the child holds its own).
    public mutating func closeReadEnd() throws(LoBotError) {
        guard readOpen else { return }
        readOpen = false
        try RawIO.close(readEnd)
    }

    /// Closes the write end: the reader sees the end of the stream.
    public mutating func closeWriteEnd() throws(LoBotError) {
        guard writeOpen else { return }
        writeOpen = false
        try RawIO.close(writeEnd)
    }

    /// A reader that has gone away makes a write fail with EPIPE instead of killing this process
    /// with SIGPIPE, so the writer can say what happened and clean up.
    public static func ignoreBrokenPipe() throws(LoBotError) {
        _ = try retryingSystemCall("cannot ignore SIGPIPE") { lobot_ignore_sigpipe() }
    }

    deinit {
        if readOpen { _ = close(readEnd) }
        if writeOpen { _ = close(writeEnd) }
    }
}
