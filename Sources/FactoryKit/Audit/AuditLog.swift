// The factory's audit log: one entry per decision (accepted or refused), append-only in the key
// database (triggers refuse UPDATE and DELETE), each entry hashed over the previous one and the
// hash signed by the factory CA, and the newest (seq, hash) kept signed in `audit.head` beside
// the database so that cutting entries off the end is caught too.
//
//   hash(n) = SHA-256( hash(n-1) || seq || time || action || subject || outcome || detail )
//   (each text field as UINT32 length || UTF-8; seq and time as UINT64; hash(0) = 32 zero bytes)
import Foundation
import GRDB
import LoBotCore

package struct AuditLog {
    package let database: KeyDatabase
    package let headPath: String
    package let signer: RSAPrivateKey
    package let verifier: RSAPublicKey

    package static let genesis = [UInt8](repeating: 0, count: 32)

    package init(database: KeyDatabase, headPath: String, signer: RSAPrivateKey, verifier: RSAPublicKey) {
        self.database = database
        self.headPath = headPath
        self.signer = signer
        self.verifier = verifier
    }

    package struct Entry {
        package let seq: Int64
        package let time: Int64
        package let action: String
        package let subject: String
        package let outcome: String
        package let detail: String
        package let previous: [UInt8]
        package let hash: [UInt8]
        package let signature: [UInt8]
    }

    package static func createTable(_ db: Database) throws(FactoryError) {
        try sql {
            try db.execute(sql: """
            CREATE TABLE IF NOT EXISTS audit (
                seq INTEGER PRIMARY KEY NOT NULL,
                time INTEGER NOT NULL,
                action TEXT NOT NULL,
                subject TEXT NOT NULL,
                outcome TEXT NOT NULL CHECK (outcome IN ('accepted', 'refused')),
                detail TEXT NOT NULL,
                previous BLOB NOT NULL,
                hash BLOB NOT NULL,
                signature BLOB NOT NULL
            );
            CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
            CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
            """)
        }
    }

    package static func chainHash(previous: [UInt8], seq: Int64, time: Int64, action: String, subject: String, outcome: String,
                          detail: String) throws(FactoryError) -> [UInt8] {
        var writer = ByteWriter()
        writer.write(previous)
        writer.write(UInt64(bitPattern: seq))
        writer.write(UInt64(bitPattern: time))
        for field in [action, subject, outcome, detail] { writer.writeSized(Array(field.utf8), lengthWidth: 4) }
        return try factoryCore { () throws(LoBotError) in try Digest.sha256(writer.bytes) }
    }

    /// Appends one decision inside `db`'s transaction; the head file follows the commit.
    @discardableResult
    package func append(action: String, subject: String, outcome: String, detail: String, in db: Database) throws(FactoryError) -> Entry {
        let last = try sql { try Row.fetchOne(db, sql: "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1") }
        let seq: Int64 = (last?["seq"] as Int64? ?? 0) + 1
        let previous = last.map { [UInt8]($0["hash"] as Data) } ?? Self.genesis
        let time = KeyDatabase.now
        let hash = try Self.chainHash(previous: previous, seq: seq, time: time, action: action, subject: subject,
                                      outcome: outcome, detail: detail)
        let signature = try factoryCore { () throws(LoBotError) in try signer.sign(digest: hash, algorithm: .sha256) }
        try sql {
            try db.execute(sql: """
                INSERT INTO audit (seq, time, action, subject, outcome, detail, previous, hash, signature)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [seq, time, action, subject, outcome, detail, Data(previous), Data(hash), Data(signature)])
        }
        return Entry(seq: seq, time: time, action: action, subject: subject, outcome: outcome, detail: detail,
                     previous: previous, hash: hash, signature: signature)
    }

    /// Writes `audit.head`: seq, hash and the CA's signature over both.
    package func writeHead(_ entry: Entry) throws(FactoryError) {
        var writer = ByteWriter()
        writer.write(Array("LBAH".utf8))
        writer.write(UInt64(bitPattern: entry.seq))
        writer.write(entry.hash)
        let signed = writer.bytes
        let signature = try factoryCore { () throws(LoBotError) in
            try signer.sign(digest: try Digest.sha256(signed), algorithm: .sha256)
        }
        writer.writeSized(signature, lengthWidth: 2)
        try factoryCore { () throws(LoBotError) in try Files.writeAtomically(headPath, writer.bytes, permissions: 0o644) }
    }

    package func entries() throws(FactoryError) -> [Entry] {
        try database.read { (db) throws(FactoryError) in
            try sql { try Row.fetchAll(db, sql: "SELECT * FROM audit ORDER BY seq") }.map { row in
                Entry(seq: row["seq"], time: row["time"], action: row["action"], subject: row["subject"],
                      outcome: row["outcome"], detail: row["detail"], previous: [UInt8](row["previous"] as Data),
                      hash: [UInt8](row["hash"] as Data), signature: [UInt8](row["signature"] as Data))
            }
        }
    }

    /// Walks the whole chain: every hash recomputed, every link and signature checked, no gap in
    /// the sequence, and the signed head no newer than the last entry. Returns the entry count.
    package func verify() throws(FactoryError) -> Int {
        let all = try entries()
        var previous = Self.genesis
        for (index, entry) in all.enumerated() {
            guard entry.seq == Int64(index + 1) else { throw .auditChain(.missing(seq: Int64(index + 1))) }
            guard entry.previous == previous else { throw .auditChain(.linkAltered(seq: entry.seq)) }
            let hash = try Self.chainHash(previous: previous, seq: entry.seq, time: entry.time, action: entry.action,
                                          subject: entry.subject, outcome: entry.outcome, detail: entry.detail)
            guard hash == entry.hash else { throw .auditChain(.contentAltered(seq: entry.seq)) }
            guard verifier.verify(signature: entry.signature, digest: hash, algorithm: .sha256) else {
                throw .auditChain(.badSignature(seq: entry.seq))
            }
            previous = hash
        }
        let head = try readHead()
        if let head {
            guard head.seq <= Int64(all.count) else {
                throw .auditChain(.truncated(head: head.seq, count: all.count))
            }
            guard all[Int(head.seq) - 1].hash == head.hash else {
                throw .auditChain(.differsFromHead(seq: head.seq))
            }
        } else if !all.isEmpty {
            throw .auditChain(.headMissing(path: headPath))
        }
        return all.count
    }

    package func readHead() throws(FactoryError) -> (seq: Int64, hash: [UInt8])? {
        guard FileManager.default.fileExists(atPath: headPath) else { return nil }
        let bytes = try readInput(headPath, maximum: 4096)
        return try factoryCore { () throws(LoBotError) in
            var reader = ByteReader(bytes, structure: "audit head")
            try reader.expect(Array("LBAH".utf8), field: "magic")
            let seq = Int64(bitPattern: try reader.readUInt64())
            let hash = try reader.readBytes(32)
            let signed = Array(bytes[0..<reader.offset])
            let signature = try reader.readSized(lengthWidth: 2, maximum: 512, field: "signatureSize")
            try reader.finish()
            guard seq >= 1, verifier.verify(signature: signature, digest: try Digest.sha256(signed), algorithm: .sha256) else {
                throw LoBotError.authentication(what: "audit head \(headPath)")
            }
            return (seq, hash)
        }
    }
}
