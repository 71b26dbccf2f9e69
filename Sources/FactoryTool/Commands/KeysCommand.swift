// `lobot-factory keys`: what the key database holds.
import FactoryKit
import ArgumentParser
import Foundation
import GRDB
import LoBotCore

struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "List the keys the factory has recorded.")

    @OptionGroup var options: FactoryOptions

    @Option(name: .long, help: "Only keys of this owner.")
    var owner: String?

    func run() throws {
        let factory = try options.open()
        let rows = try factory.database.queue.read { db in
            try Row.fetchAll(db, sql: """
                SELECT hex(fingerprint) AS fingerprint, owner, purpose, state FROM keys
                WHERE ?1 IS NULL OR owner = ?1 ORDER BY id
                """, arguments: [owner])
        }
        var lines: [String] = []
        var keys: [[String: Any]] = []
        for row in rows {
            let fingerprint: String = row["fingerprint"]
            let short = String(fingerprint.lowercased().prefix(16))
            let ownerName: String = row["owner"]
            let purpose: String = row["purpose"]
            let state: String = row["state"]
            lines.append("\(short)  \(ownerName)  \(purpose)  \(state)")
            keys.append(["fingerprint": fingerprint.lowercased(), "owner": ownerName, "purpose": purpose, "state": state])
        }
        try options.emit(lines.isEmpty ? "no keys" : lines.joined(separator: "\n"), ["keys": keys])
    }
}
