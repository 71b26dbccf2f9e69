// Output of the agent: results on stdout, one-line errors on stderr (control characters shown as
// "?"), both unbuffered enough that a crash after a line leaves the line written.
import CLibC
import LoBotCore

enum Console {
    /// Whether a progress line (StepProgress) is on the terminal now, to be erased before any other line.
    nonisolated(unsafe) static var progressShown = false

    static func out(_ line: String) {
        clearProgress()
        var text = line
        text.append("\n")
        text.withUTF8 { buf in _ = fwrite(buf.baseAddress, 1, buf.count, lobot_stdout()) }
        fflush(lobot_stdout())
    }

    static func error(_ line: String) {
        clearProgress()
        var text = "lobot: " + LoBotError.oneLine(line)
        text.append("\n")
        text.withUTF8 { buf in _ = fwrite(buf.baseAddress, 1, buf.count, lobot_stderr()) }
        fflush(lobot_stderr())
    }

    /// Rewrites the progress line on stderr (a terminal): back to its start, the text, the rest erased.
    static func progress(_ line: String) {
        var text = "\r" + line + "\u{1B}[K"
        text.withUTF8 { buf in _ = fwrite(buf.baseAddress, 1, buf.count, lobot_stderr()) }
        fflush(lobot_stderr())
        progressShown = true
    }

    /// Erases the progress line, if one is shown.
    static func clearProgress() {
        guard progressShown else { return }
        progressShown = false
        var text = "\r\u{1B}[K"
        text.withUTF8 { buf in _ = fwrite(buf.baseAddress, 1, buf.count, lobot_stderr()) }
        fflush(lobot_stderr())
    }

    /// Reads an environment variable.
    static func environment(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        return String(cString: value)
    }
}
