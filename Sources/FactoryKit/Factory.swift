// An opened factory state directory: the CA, the privacy-CA encryption key, the key database and
// the audit log, and `decide`, the one way a command changes anything: its work runs in a
// database transaction and is logged as accepted, or rolled back and logged as refused.
//
//   DIR/ca.key (0600)  ca.cert  privacy-ca.key (0600)  privacy-ca.tpmpub  keys.sqlite (0600)
//   DIR/audit.head  DIR/golden/NAME.golden  DIR/ek-issuers/*.der
import Foundation
import GRDB
import LoBotCore
import X509

package struct Factory {
    package let directory: String
    package let ca: CertificateAuthority
    package let signer: RSAPrivateKey
    package let privacyCAKey: RSAPrivateKey
    package let privacyCAPublic: PubKey
    package let database: KeyDatabase
    package let audit: AuditLog

    package static func path(_ directory: String, _ name: String) -> String { directory + "/" + name }

    /// Opens an existing factory directory.
    package init(directory: String) throws(FactoryError) {
        self.directory = directory
        guard FileManager.default.fileExists(atPath: Self.path(directory, "ca.cert")) else {
            throw .notFound("no factory in \(directory) (run lobot-factory init)")
        }
        var caKey = try readInput(Self.path(directory, "ca.key"), maximum: 16 << 10)
        defer { wipe(&caKey) }
        ca = try CertificateAuthority(keyDER: caKey, certificateDER: try readInput(Self.path(directory, "ca.cert"), maximum: 16 << 10))
        let signer = try ca.coreKey()
        self.signer = signer
        var privacyKey = try readInput(Self.path(directory, "privacy-ca.key"), maximum: 16 << 10)
        defer { wipe(&privacyKey) }
        let publicBytes = try readInput(Self.path(directory, "privacy-ca.tpmpub"), maximum: 4096)
        (privacyCAKey, privacyCAPublic) = try factoryCore { () throws(LoBotError) in
            (try RSAPrivateKey(der: privacyKey), try PubKey(bytes: publicBytes))
        }
        let database = try KeyDatabase(path: Self.path(directory, "keys.sqlite"))
        try database.write { (db) throws(FactoryError) in try AuditLog.createTable(db) }
        self.database = database
        audit = AuditLog(database: database, headPath: Self.path(directory, "audit.head"), signer: signer,
                         verifier: try factoryCore { () throws(LoBotError) in try signer.publicKey() })
    }

    /// Creates a new factory in `directory` (which must not hold one) and opens it.
    package static func create(directory: String, name: String) throws(FactoryError) -> Factory {
        guard !FileManager.default.fileExists(atPath: path(directory, "ca.cert")) else { throw .alreadyExists("\(directory) already holds a factory") }
        try makeDirectories(directory, permissions: 0o700)
        for sub in ["golden", "ek-issuers"] { try makeDirectories(path(directory, sub)) }
        let ca = try CertificateAuthority.create(name: name)
        var caKey = ca.keyDER
        defer { wipe(&caKey) }
        let privacy = try factoryCore { () throws(LoBotError) in try RSAPrivateKey.generate(bits: 2048) }
        // The privacy-CA key platforms encrypt identity requests to: RSA-2048 (TrouSerS cannot
        // take more), OAEP, published as the exact TPM_PUBKEY TrouSerS hashes into the request.
        let privacyPublic = try factoryCore { () throws(LoBotError) in
            PubKey.rsa(try privacy.publicKey(), encScheme: .rsaOAEPSHA1, sigScheme: .none)
        }
        var privacyDER = try factoryCore { () throws(LoBotError) in try privacy.der() }
        defer { wipe(&privacyDER) }
        try factoryCore { () throws(LoBotError) in
            try Files.writeAtomically(path(directory, "ca.key"), caKey, permissions: 0o600)
            try Files.writeAtomically(path(directory, "privacy-ca.key"), privacyDER, permissions: 0o600)
            try Files.writeAtomically(path(directory, "privacy-ca.tpmpub"), privacyPublic.bytes, permissions: 0o644)
        }
        let caDER = try ca.certificateDER
        try factoryCore { () throws(LoBotError) in try Files.writeAtomically(path(directory, "ca.cert"), caDER, permissions: 0o644) }
        let factory = try Factory(directory: directory)
        try factory.decide(action: "init", subject: name) { (db) throws(FactoryError) in
            let caModulus = try ca.certificate.rsaComponents().modulus
            _ = try factory.database.recordKey(modulus: caModulus, owner: name, kind: .factory, purpose: .caSigning,
                                               publicKey: nil, in: db)
            _ = try factory.database.recordKey(modulus: privacyPublic.modulus, owner: name, kind: .factory,
                                               purpose: .privacyCA, publicKey: privacyPublic.bytes, in: db)
            return "CA \(name) created"
        }
        return factory
    }

    /// Runs `body` as one decision: in a transaction, logged as accepted with the detail it
    /// returns; any error rolls back everything and is logged as refused, then rethrown.
    @discardableResult
    package func decide(action: String, subject: String, _ body: (Database) throws(FactoryError) -> String) throws(FactoryError) -> String {
        var entry: AuditLog.Entry? = nil
        var detail = ""
        do throws(FactoryError) {
            try database.write { (db) throws(FactoryError) in
                detail = try body(db)
                entry = try audit.append(action: action, subject: subject, outcome: "accepted", detail: detail, in: db)
            }
        } catch {
            // The refusal is recorded as the error's one line, the same the command prints.
            try database.write { (db) throws(FactoryError) in
                entry = try audit.append(action: action, subject: subject, outcome: "refused", detail: error.description, in: db)
            }
            if let entry { try audit.writeHead(entry) }
            throw error
        }
        if let entry { try audit.writeHead(entry) }
        return detail
    }

    /// Manufacturer EK certificate issuers this factory trusts (DER files in ek-issuers/).
    package func trustedEKIssuers() throws(FactoryError) -> [Certificate] {
        let folder = Self.path(directory, "ek-issuers")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        var issuers: [Certificate] = []
        for name in names.sorted() {
            let der = try readInput(folder + "/" + name, maximum: 16 << 10)
            issuers.append(try x509("trusted EK issuer \(name) is not valid X.509") { try Certificate(derEncoded: der) })
        }
        return issuers
    }

    package func goldenPath(_ name: String) -> String { Self.path(directory, "golden/\(name).golden") }
}

/// A platform's enrolled attestation key as the key database keeps it: a TPM 1.2 AIK (TPM_PUBKEY)
/// or a TPM 2.0 AK (TPM2B_PUBLIC). The two forms cannot be mistaken for each other: a TPM2B_PUBLIC
/// read as a TPM_PUBKEY has an algorithm other than RSA's 1, and a TPM_PUBKEY read as a TPM2B_PUBLIC
/// has size 0. The platform's TPM family is the form of its key.
extension Factory {
    /// The platform's enrolled, active AIK (TPM 1.2) or AK (TPM 2.0); refuses an unknown or revoked platform.
    package func platformAttestationKey(_ platform: String, in db: Database) throws(FactoryError) -> PlatformPublicKey {
        try database.requireActive(platform, kind: .platform, in: db)
        guard let record = try database.activeKey(owner: platform, purpose: .identity, in: db), let bytes = record.publicKey else {
            throw .notFound("platform \(platform) has no enrolled AIK")
        }
        return try factoryCore { () throws(LoBotError) in try PlatformPublicKey(bytes: bytes) }
    }

    /// The platform's enrolled attestation key as an RSA key, whichever its TPM's family.
    package func platformAIK(_ platform: String, in db: Database) throws(FactoryError) -> RSAPublicKey {
        let key = try platformAttestationKey(platform, in: db)
        return try factoryCore { () throws(LoBotError) in try key.rsaPublicKey() }
    }
}
