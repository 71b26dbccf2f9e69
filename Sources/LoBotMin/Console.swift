// Output of the agent: results on stdout, one-line errors on stderr (control characters shown as
// "?"), both unbuffered enough that a crash after a line leaves the line written.
import CLibC
import LoBotCore

enum Console {
    static func out(_ line: String) {
        var text = line
        text.append("\n")
        text.withUTF8 { buf in _ = fwrite(buf.baseAddress, 1, buf.count, lobot_stdout()) }
        fflush(lobot_stdout())
    }

    static func error(_ line: String) {
        var text = "lobot: " + LoBotError.oneLine(line)
        text.append("\n")
        text.withUTF8 { buf in _ = fwrite(buf.baseAddress, 1, buf.count, lobot_stderr()) }
        fflush(lobot_stderr())
    }

    /// Reads an environment variable.
    static func environment(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        return String(cString: value)
    }
}
