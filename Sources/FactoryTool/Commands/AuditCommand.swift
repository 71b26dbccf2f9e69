// `lobot-factory audit`: the decision log. `verify` walks the hash chain and its signatures and
// compares the end with the signed head; `show` prints entries.
import FactoryKit
import ArgumentParser
import Foundation
import LoBotCore

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Verify or show the factory's audit log.",
        subcommands: [Verify.self, Show.self])

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check that no audit entry was altered, removed or reordered.")

        @OptionGroup var options: FactoryOptions

        func run() throws {
            let count = try options.open().audit.verify()
            try options.emit("audit log verified: \(count) entries, chain and signatures intact", ["verified": true, "entries": count])
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the latest audit entries.")

        @OptionGroup var options: FactoryOptions

        @Option(name: .long, help: "How many of the latest entries.")
        var last = 20

        func run() throws {
            let entries = try options.open().audit.entries().suffix(last)
            var lines: [String] = []
            var json: [[String: Any]] = []
            for entry in entries {
                lines.append("\(entry.seq)  \(entry.action)  \(entry.subject)  \(entry.outcome)  \(entry.detail)")
                json.append(["seq": entry.seq, "time": entry.time, "action": entry.action, "subject": entry.subject,
                             "outcome": entry.outcome, "detail": entry.detail])
            }
            try options.emit(lines.joined(separator: "\n"), ["entries": json])
        }
    }
}
