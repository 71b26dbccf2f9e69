// The agent's stdout and stderr: a line written through stdio and flushed at once, so that a
// crash after it leaves it written, with a failed write reported rather than lost; and whether a
// stream is a terminal (a progress line is drawn only there).
import CLibC

public enum StandardStream: Equatable, Sendable {
    case output
    case error

    public var name: String { self == .output ? "stdout" : "stderr" }

    /// fwrite(3) of `text`, then fflush(3).
    public func write(_ text: String) throws(LoBotError) {
        // FILE is opaque on musl and a struct on glibc: the stream's type is left to inference.
        let stream = self == .output ? lobot_stdout() : lobot_stderr()
        var text = text
        let count = text.utf8.count
        let written = text.withUTF8 { buf in fwrite(buf.baseAddress, 1, buf.count, stream) }
        guard written == count, fflush(stream) == 0 else {
            let code = lobot_errno()
            clearerr(stream)
            throw .system(operation: "cannot write to", path: name, errno: code)
        }
    }

    /// isatty(3): false for anything but a terminal, a closed descriptor included.
    public var isTerminal: Bool { isatty(self == .output ? 1 : 2) == 1 }
}
