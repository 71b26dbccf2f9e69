// When a case counts as refused: the receiving command exited non-zero (not by a signal), said
// nothing on stdout, wrote exactly one error line on stderr in its program's form, did not reach
// the platform TPM as a failed authorisation nor find it locked out, and changed nothing (checked
// by the caller). The refusal's reason is the start of that line, with the
// numbers, hex strings and names that vary from case to case taken out, so cases group.
import Foundation
import LoBotCore
import TestSupport

enum Outcome: Equatable {
    case refused(reason: String)
    case failed(problem: String)
}

enum Program {
    case agent
    case factory

    /// How the program starts an error line.
    var prefixes: [String] {
        switch self {
        case .agent: return ["lobot: "]
        case .factory: return ["Error: ", "lobot-factory: "]
        }
    }
}

enum Classify {
    /// The outcome of a run whose side effects are `changes`.
    static func outcome(_ result: ProcessResult, program: Program, changes: [String]) -> Outcome {
        if result.status == 0 { return .failed(problem: "accepted (exit status 0)") }
        if result.status >= 128 { return .failed(problem: "killed by signal \(result.status - 128)") }
        var text = result.stderr
        if text.hasSuffix("\n") { text.removeLast() }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if text.isEmpty { return .failed(problem: "exit status \(result.status) without an error line") }
        if lines.count != 1 { return .failed(problem: "an error of \(lines.count) lines") }
        let line = String(lines[0])
        for marker in ["Fatal error", "Stack dump", "Backtrace", "Current stack trace"] where line.contains(marker) {
            return .failed(problem: "crashed")
        }
        guard let prefix = program.prefixes.first(where: { line.hasPrefix($0) }) else {
            return .failed(problem: "an error line not in the program's form")
        }
        if let problem = tpmProblem(line) { return .failed(problem: problem) }
        if !result.stdout.isEmpty { return .failed(problem: "refused but printed \(result.stdoutLines.count) line(s) on stdout") }
        if !changes.isEmpty { return .failed(problem: "side effect: " + changes.prefix(3).joined(separator: "; ")) }
        return .refused(reason: reason(String(line.dropFirst(prefix.count))))
    }

    /// A refusal that is no evidence, or a finding of its own, by what the platform TPM answered:
    /// a TPM in its dictionary-attack lockout refuses every input, good or bad; and a tampered
    /// input that reaches the TPM as a failed authorisation (TPM_AUTHFAIL, TPM_AUTH2FAIL) counts
    /// towards that lockout, so a handful of them would shut the platform's TPM for everyone.
    static func tpmProblem(_ line: String) -> String? {
        // As LoBotError.tpm writes the code.
        func says(_ code: UInt) -> Bool { line.contains("TSS error 0x\(Hex.string(code)):") }
        if says(0x803) { return "refused by a TPM in its dictionary-attack lockout (no evidence either way)" }  // TPM_DEFEND_LOCK_RUNNING
        if says(0x01) || says(0x1d) { return "reached the TPM as a failed authorisation" }  // TPM_AUTHFAIL, TPM_AUTH2FAIL
        return nil
    }

    /// The first words of an error line, for grouping: up to its first colon, with what varies
    /// from case to case (numbers, hex, the names a mutation put in) replaced.
    static func reason(_ line: String) -> String {
        // Up to the first colon; for a parse error, up to the second (the field or the kind of fault).
        let parts = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        var text = line.hasPrefix("malformed") && parts.count > 1 ? parts[0] + ":" + parts[1] : String(parts[0])
        for cut in [" at byte", " (at byte"] { if let range = text.range(of: cut) { text = String(text[..<range.lowerBound]) } }
        var words: [String] = []
        var previous = ""
        for word in text.split(separator: " ").map(String.init) {
            var shown = word
            let bare = word.trimmingCharacters(in: CharacterSet(charactersIn: ",.()"))
            if bare.hasPrefix("/") { shown = "PATH" }
            else if bare.count >= 8, bare.allSatisfy(\.isHexDigit) { shown = "…" }
            else if bare.hasPrefix("0x") || (!bare.isEmpty && !bare.contains(where: \.isLetter)) { shown = "N" }
            else if previous == "from" || previous == "to" { shown = "X" + (word.hasSuffix(",") ? "," : "") }
            words.append(shown)
            previous = word
        }
        let joined = words.joined(separator: " ")
        return joined.count > 90 ? String(joined.prefix(90)) + "…" : joined
    }
}
