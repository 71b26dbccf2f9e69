// The factory makes a LoBot: a new vTPM whose EK, SRK, AIK and bind keys it records and
// certifies, its state sealed under a fresh MSK that is bound to the target platform's
// registered TPM bind key, so the LoBot opens only on that platform (dual root: the factory
// issued it, the platform's TPM holds it). Its first state is version 0: the platform's version
// store has no entry for it until its first commit there.
import Foundation
import GRDB
import LoBotCore

extension Factory {
    package struct NewLoBot {
        package let id: VTPMID
        package let state: [UInt8]
        package let boundKey: [UInt8]
        package let certificates: [(name: String, der: [UInt8])]
    }

    package func makeLoBot(name: String, platform: String) throws(FactoryError) -> NewLoBot {
        var result: NewLoBot? = nil
        try decide(action: "lobot-new", subject: name) { (db) throws(FactoryError) in
            guard Self.isValidName(name) else { throw .invalidInput("LoBot names are 1-64 letters, digits, '.', '_' or '-'") }
            guard try database.owner(name, in: db) == nil else { throw .alreadyExists("LoBot \(name) already exists") }
            try database.requireActive(platform, kind: .platform, in: db)
            guard let bind = try database.activeKey(owner: platform, purpose: .bind, in: db), let bindBytes = bind.publicKey else {
                throw .notFound("platform \(platform) has no registered bind key")
            }
            let vtpm = try factoryCore { () throws(LoBotError) in try VTPM.create() }
            var certificates: [(String, [UInt8])] = []
            for (role, purpose, certificateRole, file) in [
                (VTPM.KeyRole.endorsement, KeyDatabase.Purpose.vtpmEndorsement, CertificateAuthority.Role.vtpmEndorsement, "ek.cert"),
                (.storage, .vtpmStorage, .vtpmStorage, "srk.cert"),
                (.identity, .vtpmIdentity, .vtpmIdentity, "aik.cert"),
                (.bind, .vtpmBind, .vtpmStorage, "bind.cert"),
            ] {
                let key = try factoryCore { () throws(LoBotError) in try vtpm.publicKey(role) }
                let parms = try factoryCore { () throws(LoBotError) in try key.algorithmParms.rsaParms() }
                let fingerprint = try database.recordKey(modulus: key.modulus, owner: name, kind: .lobot, purpose: purpose,
                                                         publicKey: key.bytes, in: db)
                let certificate = try ca.issue(owner: name, role: certificateRole, modulus: key.modulus, exponent: parms.effectiveExponent)
                let der = try certificate.serializeAsDER()
                try database.recordCertificate(der: der, serial: Array(certificate.serialNumber.bytes), keyFingerprint: fingerprint,
                                               owner: name, purpose: purpose, in: db)
                certificates.append((file, der))
            }
            let (state, boundKey, mskFingerprint) = try factoryCore { () throws(LoBotError) in
                let msk = try MasterKey.generate()
                let bindKey = try PlatformPublicKey(bytes: bindBytes)
                var plain = vtpm.state.bytes
                defer { wipe(&plain) }
                let file = try StateFile.seal(plain, kind: .vtpmState, id: vtpm.id, version: 0, key: msk)
                return (file.bytes, try bindKey.bind(msk.bytes), try Digest.sha256(Array("LoBot MSK".utf8) + msk.bytes))
            }
            _ = try database.recordKey(modulus: nil, secretFingerprint: mskFingerprint, owner: name, kind: .lobot,
                                       purpose: .masterStorageKey, publicKey: nil, in: db)
            result = NewLoBot(id: VTPMID(unchecked: vtpm.id), state: state, boundKey: boundKey, certificates: certificates)
            return "vTPM \(Hex.string(vtpm.id)) for platform \(platform)"
        }
        guard let result else { throw .notFound("no LoBot made") }
        return result
    }

    /// The LoBot's active vTPM key for `purpose`, refusing an unknown or revoked LoBot.
    package func loBotKey(_ name: String, purpose: KeyDatabase.Purpose, in db: Database) throws(FactoryError) -> PubKey {
        try database.requireActive(name, kind: .lobot, in: db)
        guard let record = try database.activeKey(owner: name, purpose: purpose, in: db), let bytes = record.publicKey else {
            throw .notFound("LoBot \(name) has no active \(purpose.rawValue) key")
        }
        return try factoryCore { () throws(LoBotError) in try PubKey(bytes: bytes) }
    }
}
