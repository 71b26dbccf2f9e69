// The audit chain on a real factory: every edit of every field of every entry, every removal,
// every swap of neighbours and every truncation point is found by `AuditLog.verify`, named by the
// entry where the chain first breaks. The tampering goes through a connection of its own with the
// append-only triggers dropped, as someone holding the file could.
import FactoryKit
import Foundation
import GRDB
import LoBotCore
import Testing

@Suite struct AuditChainTests {
    /// A factory with `count` entries: the template's, then accepted and refused decisions.
    static func world(entries count: Int = 8) throws -> FactoryWorld {
        let world = try FactoryWorld()
        var index = 0
        while try world.factory.audit.entries().count < count {
            index += 1
            _ = factoryError { () throws(FactoryError) in
                try world.factory.decide(action: "test", subject: "decision \(index)") { (_) throws(FactoryError) in
                    if index % 2 == 0 { throw .refused("refused \(index)\nwith a second line") }
                    return "accepted \(index)"
                }
            }
        }
        #expect(try world.factory.audit.verify() == count)
        try world.rawSQL("DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete")
        return world
    }

    @Test func anUntouchedLogVerifiesAndARefusalIsRecordedAsItsOneLine() throws {
        let world = try Self.world()
        let refused = try world.audit().filter { $0.outcome == "refused" }
        #expect(!refused.isEmpty)
        for entry in refused { #expect(!entry.detail.contains("\n")) }
        #expect(refused.first?.detail == FactoryError.refused("refused 2\nwith a second line").description)
        #expect(refused.first?.detail == "refused 2?with a second line")
    }

    @Test func everyFieldOfEveryEntryEditedIsFound() throws {
        let count = 8
        let world = try Self.world(entries: count)
        let path = world.factory.database.queue.path
        for seq in 1...count {
            for (column, value, expected) in [
                ("time", "12345", FactoryError.AuditBreak.contentAltered(seq: Int64(seq))),
                ("action", "'forged'", .contentAltered(seq: Int64(seq))),
                ("subject", "'forged'", .contentAltered(seq: Int64(seq))),
                ("outcome", "CASE outcome WHEN 'accepted' THEN 'refused' ELSE 'accepted' END", .contentAltered(seq: Int64(seq))),
                ("detail", "detail || '.'", .contentAltered(seq: Int64(seq))),
                ("hash", "zeroblob(32)", .contentAltered(seq: Int64(seq))),
                ("previous", "randomblob(32)", .linkAltered(seq: Int64(seq))),
                ("signature", "zeroblob(256)", .badSignature(seq: Int64(seq))),
            ] {
                try Self.tampered(world, path: path, "UPDATE audit SET \(column) = \(value) WHERE seq = \(seq)") { audit in
                    #expect(factoryError { () throws(FactoryError) in try audit.verify() } == .auditChain(expected),
                            "entry \(seq), \(column)")
                }
            }
        }
    }

    @Test func anEditWithItsHashRecomputedStillFailsTheSignature() throws {
        let count = 6
        let world = try Self.world(entries: count)
        for seq in 1...count {
            let entry = try world.factory.audit.entries()[seq - 1]
            let hash = try AuditLog.chainHash(previous: entry.previous, seq: entry.seq, time: entry.time, action: entry.action,
                                              subject: entry.subject, outcome: "accepted", detail: "nothing happened")
            try Self.tampered(world, path: world.factory.database.queue.path,
                              "UPDATE audit SET outcome = 'accepted', detail = 'nothing happened', hash = ? WHERE seq = \(seq)",
                              [Data(hash)]) { audit in
                #expect(factoryError { () throws(FactoryError) in try audit.verify() } == .auditChain(.badSignature(seq: Int64(seq))),
                        "entry \(seq)")
            }
        }
    }

    @Test func everyRemovedEntryIsFound() throws {
        let count = 8
        let world = try Self.world(entries: count)
        for seq in 1...count {
            try Self.tampered(world, path: world.factory.database.queue.path, "DELETE FROM audit WHERE seq = \(seq)") { audit in
                let expected: FactoryError.AuditBreak = seq == count ? .truncated(head: Int64(count), count: count - 1) : .missing(seq: Int64(seq))
                #expect(factoryError { () throws(FactoryError) in try audit.verify() } == .auditChain(expected), "entry \(seq)")
            }
        }
    }

    @Test func everyTruncationPointIsFound() throws {
        let count = 8
        let world = try Self.world(entries: count)
        for keep in 0..<count {
            try Self.tampered(world, path: world.factory.database.queue.path, "DELETE FROM audit WHERE seq > \(keep)") { audit in
                #expect(factoryError { () throws(FactoryError) in try audit.verify() }
                    == .auditChain(.truncated(head: Int64(count), count: keep)), "kept \(keep)")
            }
        }
        #expect(FactoryError.auditChain(.truncated(head: 8, count: 3)).description
            == "audit log truncated: the signed head names entry 8, the log ends at 3")
    }

    @Test func everySwapOfNeighboursIsFound() throws {
        let count = 8
        let world = try Self.world(entries: count)
        for seq in 1..<count {
            // Entry seq takes seq + 1's place and the other way round: the log read in order is reordered.
            try Self.tampered(world, path: world.factory.database.queue.path, """
                UPDATE audit SET seq = -1 WHERE seq = \(seq);
                UPDATE audit SET seq = \(seq) WHERE seq = \(seq + 1);
                UPDATE audit SET seq = \(seq + 1) WHERE seq = -1
                """) { audit in
                #expect(factoryError { () throws(FactoryError) in try audit.verify() } == .auditChain(.linkAltered(seq: Int64(seq))),
                        "entries \(seq) and \(seq + 1)")
            }
        }
    }

    @Test func theHeadMustBeThereAndMatchTheLog() throws {
        let world = try Self.world(entries: 4)
        let head = world.directory + "/audit.head"
        let saved = try Files.read(head, maximum: 4096)
        try Files.remove(head)
        #expect(factoryError { () throws(FactoryError) in try world.factory.audit.verify() } == .auditChain(.headMissing(path: head)))
        try Files.writeAtomically(head, saved, permissions: 0o644)
        // The last entry replaced by a validly hashed, but unsigned, one: the head no longer matches.
        try world.rawSQL("UPDATE audit SET hash = zeroblob(32) WHERE seq = 4")
        #expect(factoryError { () throws(FactoryError) in try world.factory.audit.verify() } == .auditChain(.contentAltered(seq: 4)))
        // A head whose signature does not verify is refused as a core authentication failure.
        var forged = saved
        forged[5] ^= 1
        try Files.writeAtomically(head, forged, permissions: 0o644)
        #expect(factoryError { () throws(FactoryError) in try world.factory.audit.readHead() }
            == .core(.authentication(what: "audit head \(head)")))
    }

    /// Runs `statement` on a copy of `world`'s keys.sqlite, then `check` on the audit log of that
    /// copy (the world's signed head, CA key and verifier); the world stays untouched for the next case.
    static func tampered(_ world: FactoryWorld, path: String, _ statement: String, _ arguments: StatementArguments = StatementArguments(),
                         _ check: (AuditLog) throws -> Void) throws {
        let copy = world.temp.file("copy-\(UUID().uuidString).sqlite")
        try FileManager.default.copyItem(atPath: path, toPath: copy)
        defer { try? FileManager.default.removeItem(atPath: copy) }
        let database = try KeyDatabase(path: copy)
        try database.queue.write { db in try db.execute(sql: statement, arguments: arguments) }
        let audit = world.factory.audit
        try check(AuditLog(database: database, headPath: audit.headPath, signer: audit.signer, verifier: audit.verifier))
    }
}
