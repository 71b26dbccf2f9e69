// Key database benchmark at 1,000,000 keys: the factory's own recording path (owner check, reuse
// check, insert; 10,000 keys per transaction) against bare INSERTs of the same rows into a
// table without checks in the same SQLite, then the reuse check's latency (p50, p99 over 2,000
// lookups, half of them present) and the file size.
import FactoryKit
import Foundation
import GRDB
import LoBotCore

struct KeyDatabaseSuite {
    let work: String
    let count: Int

    func run(into results: inout ResultsFile) throws {
        let path = work + "/keys-bench.sqlite"
        let basePath = work + "/keys-baseline.sqlite"
        for p in [path, basePath, path + "-journal", basePath + "-journal"] { try? FileManager.default.removeItem(atPath: p) }
        let database = try KeyDatabase(path: path)
        let batch = 10_000
        var moduli: [[UInt8]] = []
        moduli.reserveCapacity(2000)

        print("  recording \(count) keys")
        let ours = try Clock.time {
            for start in stride(from: 0, to: count, by: batch) {
                try database.queue.write { db in
                    for i in start..<min(start + batch, count) {
                        let modulus = try factoryCore { () throws(LoBotError) in try SecureRandom.bytes(256) }
                        if i % 1000 == 0 { moduli.append(modulus) }
                        _ = try database.recordKey(modulus: modulus, owner: "platform-\(i % 10_000)", kind: .platform,
                                                   purpose: .identity, publicKey: nil, in: db)
                    }
                }
            }
        }
        let baseline = try DatabaseQueue(path: basePath)
        try baseline.write { db in
            try db.execute(sql: "CREATE TABLE keys (id INTEGER PRIMARY KEY, fingerprint BLOB NOT NULL, owner TEXT, purpose TEXT, state TEXT, created INTEGER)")
        }
        let theirs = try Clock.time {
            for start in stride(from: 0, to: count, by: batch) {
                try baseline.write { db in
                    let statement = try db.makeStatement(sql: "INSERT INTO keys (fingerprint, owner, purpose, state, created) VALUES (?, ?, 'aik', 'active', 0)")
                    for i in start..<min(start + batch, count) {
                        let modulus = try factoryCore { () throws(LoBotError) in try SecureRandom.bytes(256) }
                        let fingerprint = try factoryCore { () throws(LoBotError) in try Digest.sha256(modulus) }
                        try statement.execute(arguments: [Data(fingerprint), "platform-\(i % 10_000)"])
                    }
                }
            }
        }
        let rate = Double(count) / ours
        let baseRate = Double(count) / theirs
        let label = count.formatted(.number.grouping(.automatic))
        results.record(ResultRow(metric: "key database insert rate, \(label) keys", value: rate, unit: "keys/s", baseline: baseRate,
                                 ratio: rate / baseRate,
                                 note: "owner check + reuse check + insert, 10,000 per transaction; baseline: bare INSERT, same SQLite"))

        var checks = Samples()
        for (n, modulus) in moduli.enumerated() {
            let probe = n % 2 == 0 ? modulus : try factoryCore { () throws(LoBotError) in try SecureRandom.bytes(256) }
            checks.add(try Clock.time {
                _ = try database.queue.read { db in try KeyDatabase.key(try KeyDatabase.fingerprint(modulus: probe), in: db) }
            })
        }
        for _ in moduli.count..<2000 {
            let probe = try factoryCore { () throws(LoBotError) in try SecureRandom.bytes(256) }
            checks.add(try Clock.time { _ = try database.queue.read { db in try KeyDatabase.key(try KeyDatabase.fingerprint(modulus: probe), in: db) } })
        }
        results.record(ResultRow(metric: "key database reuse check, p50", value: checks.median * 1e6, unit: "µs",
                                 note: "\(count) keys recorded; SHA-256 fingerprint + indexed lookup; 2,000 checks"))
        results.record(ResultRow(metric: "key database reuse check, p99", value: checks.p99 * 1e6, unit: "µs",
                                 note: "\(count) keys recorded; 2,000 checks"))
        let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        let baseSize = (try FileManager.default.attributesOfItem(atPath: basePath)[.size] as? Int) ?? 0
        results.record(ResultRow(metric: "key database file size, \(label) keys", value: Double(size) / 1_048_576, unit: "MiB",
                                 baseline: Double(baseSize) / 1_048_576, ratio: Double(size) / Double(max(baseSize, 1)),
                                 note: "baseline: the bare table without the unique index"))
    }
}
