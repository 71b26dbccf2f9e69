// The matrix as markdown: a summary table (one row per type and receiver), then per type how
// its bytes were covered, the cases by kind of mutation, and the refusals by reason; every case
// that was not refused cleanly is listed with what went wrong.
import Foundation

enum Report {
    static func markdown(_ groups: [Group], title: String, notes: [String], seconds: Double) -> String {
        let total = groups.reduce(0) { $0 + $1.cases.count }
        let failed = groups.reduce(0) { $0 + $1.failures.count }
        let lasting = groups.filter { !$0.lasting.isEmpty }.count
        var md = "# \(title)\n\n"
        md += "Written by `make tamper` (`lobot-tamper`). " + notes.joined(separator: " ") + "\n\n"
        md += String(format: "**%d cases, %d refused with one clear error line and no side effect, %d failed; %d types with a lasting change; %.0f s.**\n\n",
                     total, total - failed, failed, lasting, seconds)
        md += "| section | type | receiver | cases | refused | failed | side effects | time (s) |\n|---|---|---|---:|---:|---:|---:|---:|\n"
        for group in groups {
            let effects = group.failures.filter { if case .failed(let p) = $0.outcome { return p.hasPrefix("side effect") } else { return false } }.count
            md += "| \(group.section) | \(group.type) | `\(group.receiver)` | \(group.cases.count) | \(group.cases.count - group.failures.count) | "
            md += "\(group.failures.count) | \(effects + group.lasting.count) | \(String(format: "%.1f", group.seconds)) |\n"
        }
        for group in groups {
            md += "\n## \(group.section): \(group.type) -> `\(group.receiver)`\n\n"
            for line in group.coverage { md += "- \(line)\n" }
            md += "\n| mutation | cases | refused |\n|---|---:|---:|\n"
            for kind in MutationKind.allCases {
                let cases = group.cases.filter { $0.mutation.kind == kind }
                guard !cases.isEmpty else { continue }
                let refused = cases.filter { if case .refused = $0.outcome { return true } else { return false } }.count
                md += "| \(kind.rawValue) | \(cases.count) | \(refused) |\n"
            }
            var reasons: [String: Int] = [:]
            for result in group.cases { if case .refused(let reason) = result.outcome { reasons[reason, default: 0] += 1 } }
            md += "\n| refused because (first words of the error line) | cases |\n|---|---:|\n"
            for (reason, count) in reasons.sorted(by: { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }) {
                md += "| \(escape(reason)) | \(count) |\n"
            }
            if !group.failures.isEmpty || !group.lasting.isEmpty {
                md += "\nFailures:\n\n"
                for result in group.failures {
                    if case .failed(let problem) = result.outcome {
                        md += "- \(result.mutation.kind.rawValue), \(escape(result.mutation.label)): \(escape(problem)) (`\(escape(result.errorLine))`)\n"
                    }
                }
                for change in group.lasting { md += "- lasting change after all cases: \(escape(change))\n" }
            }
        }
        return md
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "`", with: "'")
    }
}

/// A progress line, flushed at once so that a log shows how far a run got.
func say(_ line: String) {
    print(line)
    fflush(nil)
}
