// The key database's rules on a real keys.sqlite: a key, certificate or nonce is accepted once;
// revoking an owner revokes every key it holds; and the triggers keep every record forever and
// let a record change only from active to revoked, whatever SQL is run against the file.
import FactoryKit
import Foundation
import GRDB
import LoBotCore
import Testing

@Suite struct KeyDatabaseTests {
    @Test func aRecordedKeyIsRefusedForAnyOwnerOrPurposeAndTheRefusalIsAudited() throws {
        let world = try FactoryWorld()
        let database = world.factory.database
        let modulus = try FactoryWorld.modulus()
        try world.factory.decide(action: "test", subject: "first") { (db) throws(FactoryError) in
            _ = try database.recordKey(modulus: modulus, owner: "platform-c", kind: .platform, purpose: .endorsement, publicKey: nil, in: db)
            return "recorded"
        }
        for (owner, kind, purpose) in [("platform-d", KeyDatabase.OwnerKind.platform, KeyDatabase.Purpose.endorsement),
                                       ("platform-c", .platform, .identity), ("lobot-x", .lobot, .vtpmBind)] {
            let refused = factoryError { () throws(FactoryError) in
                try world.factory.decide(action: "test", subject: owner) { (db) throws(FactoryError) in
                    _ = try database.recordKey(modulus: modulus, owner: owner, kind: kind, purpose: purpose, publicKey: nil, in: db)
                    return "recorded again"
                }
            }
            #expect(refused == .keyReuse(what: "key", owner: "platform-c", purpose: "ek"))
        }
        #expect(FactoryError.keyReuse(what: "key", owner: "platform-c", purpose: "ek").description
            == "refused key reuse: this key is already recorded as platform-c's ek key")
        // The refused decisions left no owner behind (rolled back) and are in the log, with the line printed.
        try database.read { (db) throws(FactoryError) in
            #expect(try database.owner("platform-d", in: db) == nil)
            #expect(try database.owner("lobot-x", in: db) == nil)
        }
        let last = try #require(try world.audit().last)
        #expect(last.outcome == "refused")
        #expect(last.detail == "refused key reuse: this key is already recorded as platform-c's ek key")
        #expect(try world.factory.audit.verify() == (try world.factory.audit.entries().count))
    }

    @Test func anOwnerKeepsItsKind() throws {
        let world = try FactoryWorld()
        let refused = factoryError { () throws(FactoryError) in
            try world.factory.database.write { (db) throws(FactoryError) in
                try world.factory.database.ensureOwner("platform-a", kind: .lobot, in: db)
            }
        }
        #expect(refused == .refused("platform-a is already known as a platform, not a lobot"))
    }

    @Test func aCertificateOrItsSerialIsRecordedOnce() throws {
        let world = try FactoryWorld()
        let database = world.factory.database
        let modulus = try FactoryWorld.modulus()
        let serial: [UInt8] = [1, 2, 3, 4]
        let refusals: [FactoryError?] = try database.write { (db) throws(FactoryError) in
            let fingerprint = try database.recordKey(modulus: modulus, owner: "platform-c", kind: .platform, purpose: .endorsement,
                                                     publicKey: nil, in: db)
            try database.recordCertificate(der: [0x30, 1], serial: serial, keyFingerprint: fingerprint, owner: "platform-c",
                                           purpose: .endorsement, in: db)
            return [
                factoryError { () throws(FactoryError) in
                    try database.recordCertificate(der: [0x30, 1], serial: [9], keyFingerprint: fingerprint, owner: "platform-c",
                                                   purpose: .endorsement, in: db)
                },
                factoryError { () throws(FactoryError) in
                    try database.recordCertificate(der: [0x30, 2], serial: serial, keyFingerprint: fingerprint, owner: "platform-c",
                                                   purpose: .endorsement, in: db)
                },
            ]
        }
        #expect(refusals == [.certificateReuse, .certificateReuse])
    }

    @Test func aNonceIsAcceptedOnceByItsOwnerForItsPurpose() throws {
        let world = try FactoryWorld()
        let database = world.factory.database
        try database.write { (db) throws(FactoryError) in
            let nonce = try database.issueNonce(owner: "platform-a", purpose: "quote", in: db)
            #expect(factoryError { () throws(FactoryError) in try database.consumeNonce(nonce, owner: "platform-b", purpose: "quote", in: db) }
                == .nonceMisdirected(nonce: nonce.hex, issuedTo: "platform-a", issuedFor: "quote", owner: "platform-b", purpose: "quote"))
            #expect(factoryError { () throws(FactoryError) in try database.consumeNonce(nonce, owner: "platform-a", purpose: "golden", in: db) }
                == .nonceMisdirected(nonce: nonce.hex, issuedTo: "platform-a", issuedFor: "quote", owner: "platform-a", purpose: "golden"))
            try database.consumeNonce(nonce, owner: "platform-a", purpose: "quote", in: db)
            #expect(factoryError { () throws(FactoryError) in try database.consumeNonce(nonce, owner: "platform-a", purpose: "quote", in: db) }
                == .nonceReplayed(nonce.hex))
            let invented = TPMNonce(unchecked: [UInt8](repeating: 7, count: 20))
            #expect(factoryError { () throws(FactoryError) in try database.consumeNonce(invented, owner: "platform-a", purpose: "quote", in: db) }
                == .nonceNeverIssued(invented.hex))
        }
        #expect(FactoryError.nonceReplayed("ab").description == "refused replayed nonce ab: already used")
        #expect(FactoryError.nonceNeverIssued("ab").description == "refused nonce ab: the factory never issued it")
    }

    @Test func revokingAnOwnerRevokesEveryKeyItHoldsAndNoOtherOwners() throws {
        let world = try FactoryWorld()
        let database = world.factory.database
        let aik = try world.a.aikPublic()
        var count = 0
        try world.factory.decide(action: "revoke", subject: "platform-a") { (db) throws(FactoryError) in
            count = try database.revoke(owner: "platform-a", in: db)
            return "revoked"
        }
        #expect(count == 3)
        try database.read { (db) throws(FactoryError) in
            #expect(try database.owner("platform-a", in: db)?.state == "revoked")
            for purpose in [KeyDatabase.Purpose.identity, .bind, .signing] {
                #expect(try database.activeKey(owner: "platform-a", purpose: purpose, in: db) == nil)
                #expect(try database.activeKey(owner: "platform-b", purpose: purpose, in: db) != nil)
            }
            #expect(factoryError { () throws(FactoryError) in try database.requireActive("platform-a", kind: .platform, in: db) }
                == .revoked("platform platform-a"))
            #expect(factoryError { () throws(FactoryError) in
                try database.requireActiveKey(modulus: aik.modulus, owner: "platform-a", purpose: .identity, in: db)
            } == .revoked("platform-a's aik key"))
            #expect(factoryError { () throws(FactoryError) in try world.factory.platformAIK("platform-a", in: db) } == .revoked("platform platform-a"))
            try database.requireActive("platform-b", kind: .platform, in: db)
        }
        #expect(FactoryError.revoked("platform platform-f").description == "platform platform-f is revoked")
        // Revoking again changes nothing; an unknown owner is refused.
        let again = try database.write { (db) throws(FactoryError) in try database.revoke(owner: "platform-a", in: db) }
        #expect(again == 0)
        #expect(factoryError { () throws(FactoryError) in try database.write { (db) throws(FactoryError) in try database.revoke(owner: "nobody", in: db) } }
            == .unknown(kind: "owner", name: "nobody"))
        // A revoked key is still a recorded key: it cannot come back under anyone.
        let reuse = factoryError { () throws(FactoryError) in
            try database.write { (db) throws(FactoryError) in
                try database.recordKey(modulus: aik.modulus, owner: "platform-z", kind: .platform, purpose: .identity, publicKey: nil, in: db)
            }
        }
        #expect(reuse == .keyReuse(what: "key", owner: "platform-a", purpose: "aik"))
    }

    /// Every statement the triggers must stop, run through a connection of its own, as any SQL
    /// client could; each is refused with the trigger's reason and changes nothing.
    @Test(arguments: [
        ("DELETE FROM owners WHERE name = 'platform-a'", "records are kept forever"),
        ("DELETE FROM keys", "records are kept forever"),
        ("DELETE FROM certificates", "records are kept forever"),
        ("DELETE FROM nonces", "records are kept forever"),
        ("UPDATE certificates SET purpose = 'x'", "certificates never change"),
        ("UPDATE keys SET owner = 'platform-b' WHERE owner = 'platform-a'", "a key record only ever changes from active to revoked"),
        ("UPDATE keys SET purpose = 'bind' WHERE owner = 'platform-a'", "a key record only ever changes from active to revoked"),
        ("UPDATE keys SET fingerprint = x'00' WHERE owner = 'platform-a'", "a key record only ever changes from active to revoked"),
        ("UPDATE keys SET public_key = x'00' WHERE owner = 'platform-a'", "a key record only ever changes from active to revoked"),
        ("UPDATE keys SET created = 0 WHERE owner = 'platform-a'", "a key record only ever changes from active to revoked"),
        ("UPDATE keys SET state = 'active' WHERE owner = 'platform-b'", "a key record only ever changes from active to revoked"),
        ("UPDATE owners SET state = 'active' WHERE name = 'platform-b'", "an owner record only ever changes from active to revoked"),
        ("UPDATE owners SET kind = 'lobot' WHERE name = 'platform-a'", "an owner record only ever changes from active to revoked"),
        ("UPDATE owners SET name = 'platform-z' WHERE name = 'platform-a'", "an owner record only ever changes from active to revoked"),
        ("UPDATE nonces SET used = 2 WHERE used IS NOT NULL", "a nonce is used once"),
        ("UPDATE nonces SET value = x'00' WHERE used IS NULL", "a nonce is used once"),
        ("UPDATE nonces SET used = NULL WHERE used IS NULL", "a nonce is used once"),
        ("UPDATE audit SET detail = 'x'", "the audit log is append-only"),
        ("DELETE FROM audit WHERE seq = 1", "the audit log is append-only"),
    ])
    func theTriggersRefuse(statement: String, reason: String) throws {
        let world = try FactoryWorld()
        let database = world.factory.database
        // Something of every kind: a certificate, a used and an unused nonce, platform-b revoked.
        let modulus = try FactoryWorld.modulus()
        try database.write { (db) throws(FactoryError) in
            let fingerprint = try database.recordKey(modulus: modulus, owner: "platform-c", kind: .platform,
                                                     purpose: .endorsement, publicKey: nil, in: db)
            try database.recordCertificate(der: [0x30, 0], serial: [1], keyFingerprint: fingerprint, owner: "platform-c",
                                           purpose: .endorsement, in: db)
            let used = try database.issueNonce(owner: "platform-a", purpose: "quote", in: db)
            try database.consumeNonce(used, owner: "platform-a", purpose: "quote", in: db)
            _ = try database.issueNonce(owner: "platform-a", purpose: "quote", in: db)
            _ = try database.revoke(owner: "platform-b", in: db)
        }
        let before = try world.dump()
        do {
            try world.rawSQL(statement)
            Issue.record("\(statement) was not refused")
        } catch let error as DatabaseError {
            #expect(error.resultCode == .SQLITE_CONSTRAINT, "\(statement)")
            #expect(error.message == reason, "\(statement)")
            #expect(FactoryError(grdb: error) == .database(code: error.extendedResultCode.rawValue, message: reason))
        }
        #expect(try world.dump() == before, "\(statement) changed the database")
    }

    @Test func theOnlyChangeAllowedIsActiveToRevoked() throws {
        let world = try FactoryWorld()
        try world.rawSQL("UPDATE keys SET state = 'revoked', revoked = 1 WHERE owner = 'platform-a'")
        try world.rawSQL("UPDATE owners SET state = 'revoked', revoked = 1 WHERE name = 'platform-a'")
        try world.factory.database.read { (db) throws(FactoryError) in
            #expect(try world.factory.database.owner("platform-a", in: db)?.state == "revoked")
        }
    }
}

extension FactoryWorld {
    /// Every row of every table, as text: what "changed nothing" compares.
    func dump() throws -> [String] {
        let queue = try DatabaseQueue(path: factory.database.queue.path)
        return try queue.read { db in
            var rows: [String] = []
            for table in ["owners", "keys", "certificates", "nonces", "audit", "sessions", "domains"] {
                for row in try Row.fetchAll(db, sql: "SELECT * FROM \(table)") { rows.append(table + " " + row.description) }
            }
            return rows
        }
    }
}
