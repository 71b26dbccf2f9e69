// Key database benchmark at 10,000,000 keys, a fleet's (10,000 in the smoke run), in a real factory's
// keys.sqlite (`lobot-factory init`):
// - the batch rate: the factory's own recording path (owner check, reuse check, insert), 10,000
//   keys per transaction, against bare INSERTs of the same rows, batched the same, into a table
//   without checks in the same SQLite;
// - the reuse check's latency (SHA-256 fingerprint + indexed lookup), over 2,000 checks of which a
//   known share are keys present (counted, not assumed);
// - the per-command rate: what recording one key costs an operator, one whole `lobot-factory
//   ek-certify` process into that full database (start, transaction, reuse check, an EK
//   certificate signed by the CA, the audit entry signed, commit with synchronous = FULL), beside
//   the batch rate of the same run;
// - the file size.
import FactoryKit
import Foundation
import GRDB
import LoBotCore

struct KeyDatabaseSuite {
    let work: String
    let factory: String
    let sizes: BenchSizes

    func run(into results: inout ResultsFile) throws {
        let count = sizes.keys
        let directory = work + "/keydb-factory"
        let basePath = work + "/keys-baseline.sqlite"
        for p in [directory, basePath, basePath + "-journal"] { try? FileManager.default.removeItem(atPath: p) }
        try spawn(factory, ["init", "--factory", directory])
        let path = directory + "/keys.sqlite"
        let database = try KeyDatabase(path: path)
        let batch = 10_000
        var moduli: [[UInt8]] = []
        let keep = max(count / (sizes.keyChecks / 2), 1)

        print("  recording \(count) keys, \(batch) per transaction")
        let ours = try Clock.time {
            for start in stride(from: 0, to: count, by: batch) {
                try database.queue.write { db in
                    for i in start..<min(start + batch, count) {
                        let modulus = try factoryCore { () throws(LoBotError) in try SecureRandom.bytes(256) }
                        if i % keep == 0 { moduli.append(modulus) }
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
        results.record("key database batch insert rate, \(label) keys", rate, "keys/s", baseline: baseRate,
                       note: "one run; owner check + reuse check + insert, 10,000 keys per transaction (a batch, not one factory "
                           + "command: see the per-command row); baseline: bare INSERTs, same batches, same SQLite")

        // The reuse check: the kept moduli are present, as many fresh ones are not, the rest fresh too.
        var checks = Samples()
        var present = 0
        for n in 0..<sizes.keyChecks {
            let known = n % 2 == 0 && n / 2 < moduli.count
            let probe = known ? moduli[n / 2] : try factoryCore { () throws(LoBotError) in try SecureRandom.bytes(256) }
            var found = false
            checks.add(try Clock.time {
                found = try database.queue.read { db in try KeyDatabase.key(try KeyDatabase.fingerprint(modulus: probe), in: db) } != nil
            })
            if found { present += 1 }
        }
        let share = "\(checks.count.formatted()) checks, \(present.formatted()) of them keys present (\(present * 100 / max(checks.count, 1))%)"
        results.record("key database reuse check", checks, scale: 1e6, "µs", note: "\(label) keys recorded; SHA-256 fingerprint + indexed lookup; \(share)")
        results.record("key database reuse check, p99", checks.p99 * 1e6, "µs", note: "\(label) keys recorded; \(share)")

        // One whole factory command per key, into the full database.
        var commands = Samples()
        for n in 0..<sizes.factoryCommands {
            let modulus = try factoryCore { () throws(LoBotError) in try SecureRandom.bytes(256) }
            let ek = work + "/keydb-ek.pub"
            var odd = modulus
            odd[0] |= 0x80
            odd[255] |= 1
            // An EK's shape (RSA-2048, OAEP); the factory checks no more of a modulus than that.
            let key = PubKey(algorithmParms: .rsa2048(encScheme: .rsaOAEPSHA1, sigScheme: .none), modulus: odd)
            try Data(key.bytes).write(to: URL(fileURLWithPath: ek))
            commands.add(try Clock.time {
                try spawn(factory, ["ek-certify", "--factory", directory, "--platform", "bench-ek-\(n)", "--ek", ek, "--out", work + "/keydb-ek.der"])
            })
        }
        var perCommand = Samples()
        for seconds in commands.values { perCommand.add(1 / seconds) }
        results.record("factory: one lobot-factory command per key, \(label) keys recorded", perCommand, scale: 1, "keys/s", against: rate,
                       note: "\(commands.count) ek-certify processes: start, transaction, reuse check, EK certificate signed by the CA, "
                           + "audit entry signed, commit with fsync (synchronous = FULL); baseline: the batch insert rate above")
        results.record("factory: one lobot-factory command per key, latency", commands, scale: 1e3, "ms",
                       note: "the same \(commands.count) ek-certify commands")

        let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        let baseSize = (try FileManager.default.attributesOfItem(atPath: basePath)[.size] as? Int) ?? 0
        results.record("key database file size, \(label) keys", Double(size) / 1_048_576, "MiB", baseline: Double(baseSize) / 1_048_576,
                       note: "a factory's keys.sqlite (with the \(commands.count) commands' keys, certificates and audit entries); "
                           + "baseline: the bare table without the unique index")
    }
}
