// The factory's side of LSP and LSM: where every domain is (which LoBot, on which platform),
// the sessions it opened and how far each got, and the messages it signs. In LSM it decides
// trust (steps 1-4 and 10); in LSP it is also the source (it makes the LoBot, seals the aDom's
// disk, offers the measurement and releases the key). Nothing secret is kept in clear: the LoBot
// state is under its MSK, MSK and the aDom key are bound to the destination's TPM, and the
// release message is stored already encrypted to it.
import Foundation
import GRDB
import LoBotCore

extension Factory {
    package static let party = "factory"

    package struct DomainRecord {
        package let name: String
        package let lobot: String
        package let platform: String
        package let config: DomainConfig
        package let vtpmID: VTPMID
        package let image: String
    }

    package struct SessionRecord {
        package let id: SessionID
        package let kind: SessionKind
        package let domain: String
        package let source: String
        package let destination: String
        package let nonce: TPMNonce
        package let open: OpenBody
        package let image: String
        package let platformGolden: String
        package let state: String
        package let confirmation: [UInt8]?
        package let release: [UInt8]?
        package let files: [PackageFile]
        package let package: [UInt8]?
    }

    static func sessionSchema(_ db: Database) throws(FactoryError) {
        try sql {
            try db.execute(sql: """
            CREATE TABLE IF NOT EXISTS domains (
                name TEXT PRIMARY KEY NOT NULL,
                lobot TEXT NOT NULL,
                platform TEXT NOT NULL,
                config BLOB NOT NULL,
                vtpm_id BLOB NOT NULL,
                image TEXT NOT NULL
            );
            CREATE TABLE IF NOT EXISTS sessions (
                id BLOB PRIMARY KEY NOT NULL,
                kind TEXT NOT NULL,
                domain TEXT NOT NULL,
                source TEXT NOT NULL,
                destination TEXT NOT NULL,
                nonce BLOB NOT NULL UNIQUE,
                open BLOB NOT NULL,
                image TEXT NOT NULL,
                platform_golden TEXT NOT NULL,
                state TEXT NOT NULL,
                confirmation BLOB,
                release BLOB,
                files BLOB,
                package BLOB,
                created INTEGER NOT NULL
            );
            """)
        }
    }

    package func domainRecord(_ name: String, in db: Database) throws(FactoryError) -> DomainRecord? {
        guard let row = try sql({ try Row.fetchOne(db, sql: "SELECT * FROM domains WHERE name = ?", arguments: [name]) }) else { return nil }
        let config = try factoryCore { () throws(LoBotError) in try DomainConfig(bytes: [UInt8](row["config"] as Data)) }
        guard let vtpmID = VTPMID([UInt8](row["vtpm_id"] as Data)) else {
            throw .invalidInput("the factory's record of domain \(name) holds a vTPM id that is not \(VTPMID.length) bytes")
        }
        return DomainRecord(name: row["name"], lobot: row["lobot"], platform: row["platform"], config: config,
                            vtpmID: vtpmID, image: row["image"])
    }

    package func session(_ id: SessionID, in db: Database) throws(FactoryError) -> SessionRecord {
        guard let row = try sql({ try Row.fetchOne(db, sql: "SELECT * FROM sessions WHERE id = ?", arguments: [Data(id.bytes)]) }) else {
            throw .notFound("unknown session \(id.hex): the factory never opened it")
        }
        let open = try factoryCore { () throws(LoBotError) in try OpenBody(bytes: [UInt8](row["open"] as Data)) }
        var files: [PackageFile] = []
        if let data = row["files"] as Data? {
            files = try factoryCore { () throws(LoBotError) in
                var reader = ByteReader([UInt8](data))
                return try PackageFile.parseList(from: &reader)
            }
        }
        return SessionRecord(
            id: id, kind: row["kind"] == "provision" ? .provision : .migrate, domain: row["domain"], source: row["source"],
            destination: row["destination"], nonce: TPMNonce(unchecked: [UInt8](row["nonce"] as Data)), open: open, image: row["image"],
            platformGolden: row["platform_golden"], state: row["state"], confirmation: (row["confirmation"] as Data?).map { [UInt8]($0) },
            release: (row["release"] as Data?).map { [UInt8]($0) }, files: files, package: (row["package"] as Data?).map { [UInt8]($0) })
    }

    /// Moves a session on; refuses a message for a session not in one of `from`.
    package func advance(_ session: SessionRecord, from: [String], to state: String, in db: Database,
                         confirmation: [UInt8]? = nil, release: [UInt8]? = nil, files: [PackageFile]? = nil, package: [UInt8]? = nil) throws(FactoryError) {
        guard from.contains(session.state) else {
            throw .refused("refused as stale or replayed: session \(session.id.hex) is \(session.state)")
        }
        try sql {
            try db.execute(sql: "UPDATE sessions SET state = ? WHERE id = ?", arguments: [state, Data(session.id.bytes)])
            if let confirmation { try db.execute(sql: "UPDATE sessions SET confirmation = ? WHERE id = ?", arguments: [Data(confirmation), Data(session.id.bytes)]) }
            if let release { try db.execute(sql: "UPDATE sessions SET release = ? WHERE id = ?", arguments: [Data(release), Data(session.id.bytes)]) }
            if let package { try db.execute(sql: "UPDATE sessions SET package = ? WHERE id = ?", arguments: [Data(package), Data(session.id.bytes)]) }
            if let files {
                var writer = ByteWriter()
                PackageFile.serialize(files, into: &writer)
                try db.execute(sql: "UPDATE sessions SET files = ? WHERE id = ?", arguments: [Data(writer.bytes), Data(session.id.bytes)])
            }
        }
    }

    /// Opens a session (steps 1-3): checks the destination (and source), issues the session's
    /// nonces, records it; returns the open message for the destination.
    package func openSession(kind: SessionKind, domain: DomainConfig, lobot: String, vtpmID: VTPMID, source: String, destination: String,
                             image: String, platformGolden: String, in db: Database) throws(FactoryError) -> Envelope {
        _ = try platformAIK(destination, in: db)
        guard try database.activeKey(owner: destination, purpose: .bind, in: db) != nil,
            try database.activeKey(owner: destination, purpose: .signing, in: db) != nil
        else { throw .notFound("platform \(destination) has no registered bind and signing keys") }
        var sourceSigningKey: PlatformPublicKey? = nil
        if kind == .migrate {
            _ = try platformAIK(source, in: db)
            guard let key = try database.activeKey(owner: source, purpose: .signing, in: db)?.publicKey else {
                throw .notFound("platform \(source) has no registered signing key")
            }
            sourceSigningKey = try factoryCore { () throws(LoBotError) in try PlatformPublicKey(bytes: key) }
        }
        _ = try golden(image)
        _ = try self.platformGolden(platformGolden, for: try platformAttestationKey(destination, in: db).family)
        let session = try factoryCore { () throws(LoBotError) in try SessionID.random() }
        let nonce = try database.issueNonce(owner: destination, purpose: "session", in: db)
        let quoteNonce = try database.issueNonce(owner: destination, purpose: "quote", in: db)
        let vtpmNonce = try database.issueNonce(owner: lobot, purpose: "quote", in: db)
        let open = OpenBody(kind: kind, domain: domain, lobot: lobot, vtpmID: vtpmID, source: source, destination: destination,
                            quoteNonce: quoteNonce, vtpmNonce: vtpmNonce, sourceSigningKey: sourceSigningKey)
        try sql {
            try db.execute(sql: """
                INSERT INTO sessions (id, kind, domain, source, destination, nonce, open, image, platform_golden, state, created)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'opened', ?)
                """, arguments: [Data(session.bytes), kind == .provision ? "provision" : "migrate", domain.name, source, destination,
                                 Data(nonce.value), Data(open.bytes), image, platformGolden, KeyDatabase.now])
        }
        return try message(.open, session: session, nonce: nonce, to: destination, body: open.bytes)
    }

    /// A message from the factory, signed by the factory CA key.
    package func message(_ type: MessageType, session: SessionID, nonce: TPMNonce, to receiver: String, body: [UInt8],
                         encryptTo key: PlatformPublicKey? = nil) throws(FactoryError) -> Envelope {
        let signer = self.signer
        return try factoryCore { () throws(LoBotError) in
            try Envelope.make(type: type, session: session, sender: Self.party, receiver: receiver, nonce: nonce, body: body,
                              encryptTo: key) { (digest) throws(LoBotError) in try signer.sign(digest: digest, algorithm: .sha256) }
        }
    }

    /// Reads a message from a platform in a session: the session must exist, the sender must be
    /// its destination, active, and have signed it with its registered signing key; the receiver
    /// must be the factory, unless `anyReceiver` (the destination's outcome, sent to the source).
    package func receive(_ bytes: [UInt8], _ types: [MessageType], anyReceiver: Bool = false,
                         in db: Database) throws(FactoryError) -> (Envelope, SessionRecord) {
        let envelope = try factoryCore { () throws(LoBotError) in try Envelope(bytes: bytes) }
        let session = try session(envelope.session, in: db)
        let sender = session.destination
        let receiver = anyReceiver ? envelope.receiver : Self.party
        try database.requireActive(sender, kind: .platform, in: db)
        guard let key = try database.activeKey(owner: sender, purpose: .signing, in: db)?.publicKey else {
            throw .notFound("platform \(sender) has no active signing key")
        }
        try factoryCore { () throws(LoBotError) in
            try envelope.verify(sender: try PlatformPublicKey(bytes: key).rsaPublicKey())
            try envelope.expect(oneOf: types, session: session.id, nonce: session.nonce, from: sender, to: receiver)
        }
        return (envelope, session)
    }

    /// The destination's registered key for `purpose`.
    package func registeredKey(_ platform: String, _ purpose: KeyDatabase.Purpose, in db: Database) throws(FactoryError) -> PlatformPublicKey {
        guard let bytes = try database.activeKey(owner: platform, purpose: purpose, in: db)?.publicKey else {
            throw .notFound("platform \(platform) has no active \(purpose.rawValue) key")
        }
        return try factoryCore { () throws(LoBotError) in try PlatformPublicKey(bytes: bytes) }
    }
}
