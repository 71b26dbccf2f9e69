// Output of the agent: results on stdout, one-line errors on stderr (control characters shown as
// "?"), both unbuffered enough that a crash after a line leaves the line written. Out of line
// (@inline(never)): Embedded Swift would otherwise copy each writer into every command.
import LoBotCore

enum Console {
    /// Whether a progress line (StepProgress) is on the terminal now, to be erased before any other line.
    nonisolated(unsafe) static var progressShown = false

    @inline(never)
    static func out(_ line: String) {
        clearProgress()
        write(line + "\n", to: .output)
    }

    @inline(never)
    static func error(_ line: String) {
        clearProgress()
        write("lobot: " + LoBotError.oneLine(line) + "\n", to: .error)
    }

    /// Rewrites the progress line on stderr (a terminal): back to its start, the text, the rest erased.
    @inline(never)
    static func progress(_ line: String) {
        write("\r" + line + "\u{1B}[K", to: .error)
        progressShown = true
    }

    /// Erases the progress line, if one is shown.
    @inline(never)
    static func clearProgress() {
        guard progressShown else { return }
        progressShown = false
        write("\r\u{1B}[K", to: .error)
    }

    /// A failed write to stdout is said on stderr. One to stderr has no channel left to be said
    /// on, and the agent's work does not stop for it.
    @inline(never)
    private static func write(_ text: String, to stream: StandardStream) {
        do throws(LoBotError) {
            try stream.write(text)
        } catch {
            guard stream == .output else { return }
            Console.error(error.message)
        }
    }

    /// A cleanup step whose failure the caller cannot act on (it is already failing, or stopping
    /// something on its way out): the failure is said on stderr, prefixed with `what`, not thrown.
    static func bestEffort(_ what: String, _ body: () throws(LoBotError) -> Void) {
        do throws(LoBotError) {
            try body()
        } catch {
            report(what, error)
        }
    }

    /// Kept out of line: the optimizer copies `bestEffort` into each caller with its closure.
    @inline(never)
    private static func report(_ what: String, _ error: LoBotError) {
        Console.error("\(what): \(error.message)")
    }
}
