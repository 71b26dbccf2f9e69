// The factory's key database: every key, certificate and nonce the factory makes or accepts,
// with its owner, purpose and state, kept forever. SQLite (through GRDB) with triggers that
// refuse deletion and any state change except active -> revoked, so even a buggy command
// cannot forget a key. Reuse of a recorded key, nonce or certificate is refused by UNIQUE
// constraints and reported as such.
import Foundation
import GRDB
import LoBotCore

package struct KeyDatabase {
    package let queue: DatabaseQueue

    package enum OwnerKind: String {
        case platform, lobot, factory
    }

    package enum Purpose: String {
        case caSigning = "ca-signing"
        case privacyCA = "privacy-ca"
        case endorsement = "ek"
        case identity = "aik"
        case bind = "bind"
        case signing = "signing"
        case vtpmEndorsement = "vtpm-ek"
        case vtpmIdentity = "vtpm-aik"
        case vtpmStorage = "vtpm-srk"
        case vtpmBind = "vtpm-bind"
        case masterStorageKey = "msk"
        case imageKey = "k1"
    }

    /// Opens (creating if needed) the database at `path`.
    package init(path: String) throws(FactoryError) {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        // A rollback journal, not WAL: the database is one file that a backup or an offline copy
        // takes whole, and every commit is on disk before the factory answers.
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = DELETE; PRAGMA synchronous = FULL")
        }
        let queue = try sql { try DatabaseQueue(path: path, configuration: configuration) }
        try sql { try Self.migrator.migrate(queue) }
        self.queue = queue
        // 0600, set once: a chmod to the mode it already has still moves the file's change time,
        // and a command that refuses its input must leave the factory as it found it (the
        // thorough tamper matrix saw every refused `verdict` touch the database this way).
        let mode = (try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? Int
        if mode.map({ $0 & 0o777 != 0o600 }) ?? true {
            _ = try? FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        }
    }

    package static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE owners (
                    name TEXT PRIMARY KEY NOT NULL,
                    kind TEXT NOT NULL CHECK (kind IN ('platform', 'lobot', 'factory')),
                    state TEXT NOT NULL CHECK (state IN ('active', 'revoked')),
                    created INTEGER NOT NULL,
                    revoked INTEGER
                );
                CREATE TABLE keys (
                    id INTEGER PRIMARY KEY,
                    fingerprint BLOB NOT NULL UNIQUE,
                    owner TEXT NOT NULL REFERENCES owners(name),
                    purpose TEXT NOT NULL,
                    state TEXT NOT NULL CHECK (state IN ('active', 'revoked')),
                    created INTEGER NOT NULL,
                    revoked INTEGER,
                    public_key BLOB
                );
                CREATE INDEX keys_owner ON keys(owner);
                CREATE TABLE certificates (
                    fingerprint BLOB PRIMARY KEY NOT NULL,
                    serial BLOB NOT NULL UNIQUE,
                    key_fingerprint BLOB NOT NULL REFERENCES keys(fingerprint),
                    owner TEXT NOT NULL REFERENCES owners(name),
                    purpose TEXT NOT NULL,
                    created INTEGER NOT NULL,
                    der BLOB NOT NULL
                );
                CREATE TABLE nonces (
                    value BLOB PRIMARY KEY NOT NULL,
                    owner TEXT NOT NULL,
                    purpose TEXT NOT NULL,
                    issued INTEGER NOT NULL,
                    used INTEGER
                );
                CREATE TRIGGER owners_kept BEFORE DELETE ON owners BEGIN SELECT RAISE(ABORT, 'records are kept forever'); END;
                CREATE TRIGGER keys_kept BEFORE DELETE ON keys BEGIN SELECT RAISE(ABORT, 'records are kept forever'); END;
                CREATE TRIGGER certificates_kept BEFORE DELETE ON certificates BEGIN SELECT RAISE(ABORT, 'records are kept forever'); END;
                CREATE TRIGGER nonces_kept BEFORE DELETE ON nonces BEGIN SELECT RAISE(ABORT, 'records are kept forever'); END;
                CREATE TRIGGER certificates_fixed BEFORE UPDATE ON certificates BEGIN SELECT RAISE(ABORT, 'certificates never change'); END;
                CREATE TRIGGER keys_only_revoked BEFORE UPDATE ON keys
                    WHEN NEW.fingerprint IS NOT OLD.fingerprint OR NEW.owner IS NOT OLD.owner OR NEW.purpose IS NOT OLD.purpose
                      OR NEW.public_key IS NOT OLD.public_key OR NEW.created IS NOT OLD.created
                      OR NOT (NEW.state = OLD.state OR (OLD.state = 'active' AND NEW.state = 'revoked'))
                    BEGIN SELECT RAISE(ABORT, 'a key record only ever changes from active to revoked'); END;
                CREATE TRIGGER owners_only_revoked BEFORE UPDATE ON owners
                    WHEN NEW.name IS NOT OLD.name OR NEW.kind IS NOT OLD.kind
                      OR NOT (NEW.state = OLD.state OR (OLD.state = 'active' AND NEW.state = 'revoked'))
                    BEGIN SELECT RAISE(ABORT, 'an owner record only ever changes from active to revoked'); END;
                CREATE TRIGGER nonces_used_once BEFORE UPDATE ON nonces
                    WHEN NEW.value IS NOT OLD.value OR OLD.used IS NOT NULL OR NEW.used IS NULL
                    BEGIN SELECT RAISE(ABORT, 'a nonce is used once'); END;
                """)
        }
        migrator.registerMigration("v2-sessions") { db in try Factory.sessionSchema(db) }
        return migrator
    }

    package static var now: Int64 { Int64(Date().timeIntervalSince1970) }

    /// SHA-256 of an RSA modulus: how the database names a public key.
    package static func fingerprint(modulus: [UInt8]) throws(FactoryError) -> [UInt8] { try factoryCore { () throws(LoBotError) in try Digest.sha256(modulus) } }

    // MARK: owners

    package struct Owner {
        package let name: String
        package let kind: String
        package let state: String
    }

    package func owner(_ name: String, in db: Database) throws(FactoryError) -> Owner? {
        try sql { try Row.fetchOne(db, sql: "SELECT name, kind, state FROM owners WHERE name = ?", arguments: [name]) }.map {
            Owner(name: $0["name"], kind: $0["kind"], state: $0["state"])
        }
    }

    /// Records `name` if it is new; refuses an existing owner of another kind.
    package func ensureOwner(_ name: String, kind: OwnerKind, in db: Database) throws(FactoryError) {
        let existing = try sql {
            try String.fetchOne(try db.cachedStatement(sql: "SELECT kind FROM owners WHERE name = ?"), arguments: [name])
        }
        if let existing {
            guard existing == kind.rawValue else { throw .refused("\(name) is already known as a \(existing), not a \(kind.rawValue)") }
            return
        }
        try sql {
            try db.cachedStatement(sql: "INSERT INTO owners (name, kind, state, created) VALUES (?, ?, 'active', ?)")
                .execute(arguments: [name, kind.rawValue, Self.now])
        }
    }

    /// Throws unless `name` is a known, active owner of `kind`.
    package func requireActive(_ name: String, kind: OwnerKind, in db: Database) throws(FactoryError) {
        guard let owner = try owner(name, in: db), owner.kind == kind.rawValue else { throw .unknown(kind: kind.rawValue, name: name) }
        guard owner.state == "active" else { throw .revoked("\(kind.rawValue) \(name)") }
    }

    // MARK: keys

    package struct KeyRecord {
        package let fingerprint: [UInt8]
        package let owner: String
        package let purpose: String
        package let state: String
        package let publicKey: [UInt8]?
    }

    /// Records a key; a key already recorded (under any owner or purpose) is refused as reuse. The
    /// UNIQUE index on the fingerprint is the check; the existing record is read only to say whose.
    package func recordKey(modulus: [UInt8]?, secretFingerprint: [UInt8]? = nil, owner: String, kind: OwnerKind,
                   purpose: Purpose, publicKey: [UInt8]?, in db: Database) throws(FactoryError) -> [UInt8] {
        let fingerprint: [UInt8]
        if let secretFingerprint { fingerprint = secretFingerprint } else { fingerprint = try Self.fingerprint(modulus: modulus ?? []) }
        try ensureOwner(owner, kind: kind, in: db)
        do {
            try db.cachedStatement(sql: "INSERT INTO keys (fingerprint, owner, purpose, state, created, public_key) VALUES (?, ?, ?, 'active', ?, ?)")
                .execute(arguments: [Data(fingerprint), owner, purpose.rawValue, Self.now, publicKey.map { Data($0) }])
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            guard let existing = try Self.key(fingerprint, in: db) else { throw FactoryError(grdb: error) }
            throw .keyReuse(what: "key", owner: existing.owner, purpose: existing.purpose)
        } catch {
            throw FactoryError(grdb: error)
        }
        return fingerprint
    }

    package static func key(_ fingerprint: [UInt8], in db: Database) throws(FactoryError) -> KeyRecord? {
        try sql {
            try Row.fetchOne(try db.cachedStatement(sql: "SELECT owner, purpose, state, public_key FROM keys WHERE fingerprint = ?"),
                             arguments: [Data(fingerprint)])
        }.map { row in
            KeyRecord(fingerprint: fingerprint, owner: row["owner"], purpose: row["purpose"], state: row["state"],
                      publicKey: (row["public_key"] as Data?).map { [UInt8]($0) })
        }
    }

    /// The active key of `owner` for `purpose` (the latest if there are several).
    package func activeKey(owner: String, purpose: Purpose, in db: Database) throws(FactoryError) -> KeyRecord? {
        try sql {
            try Row.fetchOne(db, sql: """
                SELECT fingerprint, owner, purpose, state, public_key FROM keys
                WHERE owner = ? AND purpose = ? AND state = 'active' ORDER BY id DESC LIMIT 1
                """, arguments: [owner, purpose.rawValue])
        }.map { row in
            KeyRecord(fingerprint: [UInt8](row["fingerprint"] as Data), owner: row["owner"], purpose: row["purpose"],
                      state: row["state"], publicKey: (row["public_key"] as Data?).map { [UInt8]($0) })
        }
    }

    /// Refuses a key that is unknown, not `owner`'s, not for `purpose`, or revoked (or whose
    /// owner is revoked).
    package func requireActiveKey(modulus: [UInt8], owner: String, purpose: Purpose, in db: Database) throws(FactoryError) {
        guard let record = try Self.key(try Self.fingerprint(modulus: modulus), in: db) else { throw .notFound("unknown key: the factory never recorded it") }
        guard record.owner == owner, record.purpose == purpose.rawValue else {
            throw .refused("key belongs to \(record.owner) as \(record.purpose), not to \(owner) as \(purpose.rawValue)")
        }
        guard record.state == "active" else { throw .revoked("\(owner)'s \(purpose.rawValue) key") }
        if let owner = try self.owner(owner, in: db), owner.state != "active" { throw .revoked("\(owner.kind) \(owner.name)") }
    }

    /// Revokes an owner and every key it holds; returns how many keys changed.
    package func revoke(owner name: String, in db: Database) throws(FactoryError) -> Int {
        guard try owner(name, in: db) != nil else { throw .unknown(kind: "owner", name: name) }
        let now = Self.now
        return try sql {
            try db.execute(sql: "UPDATE owners SET state = 'revoked', revoked = ? WHERE name = ? AND state = 'active'", arguments: [now, name])
            try db.execute(sql: "UPDATE keys SET state = 'revoked', revoked = ? WHERE owner = ? AND state = 'active'", arguments: [now, name])
            return db.changesCount
        }
    }

    // MARK: certificates

    package func recordCertificate(der: [UInt8], serial: [UInt8], keyFingerprint: [UInt8], owner: String, purpose: Purpose, in db: Database) throws(FactoryError) {
        let fingerprint = try factoryCore { () throws(LoBotError) in try Digest.sha256(der) }
        do {
            try db.execute(sql: """
                INSERT INTO certificates (fingerprint, serial, key_fingerprint, owner, purpose, created, der)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [Data(fingerprint), Data(serial), Data(keyFingerprint), owner, purpose.rawValue, Self.now, Data(der)])
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            throw .certificateReuse
        } catch {
            throw FactoryError(grdb: error)
        }
    }

    // MARK: nonces

    /// A fresh 20-byte nonce for `owner`, recorded so it is accepted once.
    package func issueNonce(owner: String, purpose: String, in db: Database) throws(FactoryError) -> TPMNonce {
        let nonce = try factoryCore { () throws(LoBotError) in try TPMNonce.random() }
        try sql {
            try db.execute(sql: "INSERT INTO nonces (value, owner, purpose, issued) VALUES (?, ?, ?, ?)",
                           arguments: [Data(nonce.value), owner, purpose, Self.now])
        }
        return nonce
    }

    /// Marks a nonce used; refuses one never issued, issued to someone else or for something
    /// else, or already used.
    package func consumeNonce(_ nonce: TPMNonce, owner: String, purpose: String, in db: Database) throws(FactoryError) {
        guard let row = try sql({ try Row.fetchOne(db, sql: "SELECT owner, purpose, used FROM nonces WHERE value = ?", arguments: [Data(nonce.value)]) })
        else { throw .nonceNeverIssued(nonce.hex) }
        let issuedTo: String = row["owner"]
        let issuedFor: String = row["purpose"]
        guard issuedTo == owner, issuedFor == purpose else {
            throw .nonceMisdirected(nonce: nonce.hex, issuedTo: issuedTo, issuedFor: issuedFor, owner: owner, purpose: purpose)
        }
        guard (row["used"] as Int64?) == nil else { throw .nonceReplayed(nonce.hex) }
        try sql { try db.execute(sql: "UPDATE nonces SET used = ? WHERE value = ?", arguments: [Self.now, Data(nonce.value)]) }
    }

    package func countKeys() throws(FactoryError) -> Int { try sql { try queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM keys") ?? 0 } } }
}
