// The factory's state for the side-effect check: every table of its key database except the
// audit log, row by row, and the audit log's length. A refused decision is logged in the audit
// log by design (one "refused" entry, and audit.head follows it): that is the only change a
// refusal may make to the factory.
import Foundation
import GRDB

struct FactoryState: Equatable {
    /// Each table's rows, as text, by table name.
    var tables: [String: String]
    var auditEntries: Int
}

final class FactoryWatcher {
    let directory: String
    private let queue: DatabaseQueue

    init(directory: String) throws {
        self.directory = directory
        var configuration = Configuration()
        configuration.readonly = true
        queue = try DatabaseQueue(path: directory + "/keys.sqlite", configuration: configuration)
    }

    var databaseFiles: Set<String> { ["keys.sqlite", "keys.sqlite-journal", "audit.head"] }

    func state() throws -> FactoryState {
        try queue.read { db in
            var tables: [String: String] = [:]
            let names = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != 'audit'")
            for name in names {
                let rows = try Row.fetchAll(db, sql: "SELECT * FROM \"\(name)\" ORDER BY rowid")
                tables[name] = rows.map { row in row.databaseValues.map { "\($0)" }.joined(separator: "|") }.joined(separator: "\n")
            }
            let audit = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM audit") ?? 0
            return FactoryState(tables: tables, auditEntries: audit)
        }
    }

    /// The outcomes of the audit entries after the first `count`.
    func auditOutcomes(after count: Int) throws -> [String] {
        try queue.read { db in try String.fetchAll(db, sql: "SELECT outcome FROM audit WHERE seq > ? ORDER BY seq", arguments: [count]) }
    }

    /// What changed in the factory from `before`, apart from refusals logged in the audit log.
    func changes(since before: FactoryState, files: Snapshot, filesBefore: Snapshot) throws -> [String] {
        let now = try state()
        var out: [String] = []
        for (name, rows) in before.tables.sorted(by: { $0.key < $1.key }) where now.tables[name] != rows {
            out.append("factory table \(name) changed")
        }
        for name in now.tables.keys where before.tables[name] == nil { out.append("factory table \(name) added") }
        let logged = try auditOutcomes(after: before.auditEntries)
        if logged.contains(where: { $0 != "refused" }) { out.append("factory audit log: an accepted decision was logged") }
        // The database file and the signed audit head change with a logged refusal, nothing else does.
        for change in files.changes(since: filesBefore) {
            let name = change.split(separator: " ").dropFirst().first.map { String($0.split(separator: "/").last ?? "") } ?? ""
            if name == "keys.sqlite-journal" || (databaseFiles.contains(name) && !logged.isEmpty) { continue }
            out.append(change)
        }
        return out
    }
}
