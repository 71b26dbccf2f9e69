// A real factory directory for FactoryKit's unit tests: Factory.create (CA and privacy-CA keys,
// keys.sqlite through GRDB, the signed audit log) made once per run, then copied for each test so
// tests never share state. Two platforms are recorded the way enroll and register-bind-key record
// them, with software RSA keys standing in for their TPM keys: no TPM is involved, and the
// messages a TPM would make (certified keys, signed envelopes) are built with LoBotCore's own
// serializers and signed with those keys.
import FactoryKit
import Foundation
import GRDB
import LoBotCore
import TestSupport

/// A software platform: AIK, bind and signing keys, as the factory records them.
struct SoftPlatform: @unchecked Sendable {
    let name: String
    let aik: RSAPrivateKey
    let bind: RSAPrivateKey
    let signing: RSAPrivateKey

    func aikPublic() throws(LoBotError) -> PubKey { PubKey.rsa(try aik.publicKey(), encScheme: .none, sigScheme: .rsaPKCS1v15SHA1) }
    func bindPublic() throws(LoBotError) -> PubKey { PubKey.rsa(try bind.publicKey(), encScheme: .rsaOAEPSHA1, sigScheme: .none) }
    func signingPublic() throws(LoBotError) -> PubKey { PubKey.rsa(try signing.publicKey(), encScheme: .none, sigScheme: .rsaPKCS1v15SHA1) }

    /// A key certified by this platform's AIK with `nonce`, as TPM_CertifyKey would make it.
    func certify(_ key: PubKey, usage: KeyUsage, nonce: TPMNonce) throws -> CertifiedKey {
        let info = CertifyInfo(keyUsage: usage, keyFlags: 0, authDataUsage: 0, algorithmParms: key.algorithmParms,
                               pubkeyDigest: try SHA1Digest.of(key.modulus), data: nonce, parentPCRStatus: 0, pcrInfo: [])
        let signature = try aik.sign(digest: try Digest.sha1(info.bytes), algorithm: .sha1)
        return CertifiedKey(key: key, info: info.bytes, signature: signature)
    }

    /// A message from this platform in `session`, signed with its signing key.
    func message(_ type: MessageType, session: SessionID, nonce: TPMNonce, to receiver: String = Factory.party, body: [UInt8])
        throws -> [UInt8]
    {
        let signing = self.signing
        return try Envelope.make(type: type, session: session, sender: name, receiver: receiver, nonce: nonce, body: body) {
            (digest) throws(LoBotError) in try signing.sign(digest: digest, algorithm: .sha256)
        }.bytes
    }
}

/// The template every test copies: a factory with platform-a and platform-b recorded, golden
/// values "image" and "platform", and a domain's kernel and initrd.
struct FactoryTemplate: @unchecked Sendable {
    let temp: TemporaryDirectory
    let directory: String
    let platforms: [SoftPlatform]

    static let shared = SharedFixture { try FactoryTemplate() }

    init() throws {
        temp = try TemporaryDirectory("factorykit-template")
        directory = temp.file("factory")
        let factory = try Factory.create(directory: directory, name: "FactoryKit Test CA")
        var platforms: [SoftPlatform] = []
        for name in ["platform-a", "platform-b"] {
            // The AIK is RSA-2048 (the CA certifies only such keys); the bind and signing keys are
            // RSA-1024, which the factory takes as well and which keeps the template quick to make.
            let platform = SoftPlatform(name: name, aik: try RSAPrivateKey.generate(), bind: try RSAPrivateKey.generate(bits: 1024),
                                        signing: try RSAPrivateKey.generate(bits: 1024))
            try factory.decide(action: "test-register", subject: name) { (db) throws(FactoryError) in
                for (key, purpose) in [(try factoryCore { () throws(LoBotError) in try platform.aikPublic() }, KeyDatabase.Purpose.identity),
                                       (try factoryCore { () throws(LoBotError) in try platform.bindPublic() }, .bind),
                                       (try factoryCore { () throws(LoBotError) in try platform.signingPublic() }, .signing)] {
                    _ = try factory.database.recordKey(modulus: key.modulus, owner: name, kind: .platform, purpose: purpose,
                                                       publicKey: key.bytes, in: db)
                }
                return "recorded"
            }
            platforms.append(platform)
        }
        self.platforms = platforms
        for name in ["image", "platform"] {
            let selection = try PCRSelection(Array(0...7))
            var record = GoldenRecord(name: name, values: try PCRComposite(selection: selection, values: Array(repeating: SHA1Digest.zero, count: 8)))
            try record.sign(with: factory.signer)
            try Files.writeAtomically(factory.goldenPath(name), record.bytes, permissions: 0o644)
        }
        try Files.writeAtomically(temp.file("vmlinuz"), Array("kernel".utf8), permissions: 0o644)
        try Files.writeAtomically(temp.file("initrd.img"), Array("initrd".utf8), permissions: 0o644)
    }
}

/// The template after `provision` of domain dom1 onto platform-a (a LoBot made: four vTPM keys),
/// made once for the tests that start there; `open` is the session's open message.
struct ProvisionedTemplate: @unchecked Sendable {
    let temp: TemporaryDirectory
    let directory: String
    let open: [UInt8]

    static let shared = SharedFixture { try ProvisionedTemplate() }

    init() throws {
        let template = try FactoryTemplate.shared.get()
        temp = try TemporaryDirectory("factorykit-provisioned")
        directory = temp.file("factory")
        try FileManager.default.copyItem(atPath: template.directory, toPath: directory)
        let domain = DomainConfig(name: "dom1", memoryMiB: 64, kernel: template.temp.file("vmlinuz"), initrd: template.temp.file("initrd.img"),
                                  commandLine: "console=ttyS0", disk: .none)
        let outgoing = try Factory(directory: directory).provision(domain: domain, platform: "platform-a", disk: nil, lobotGolden: "image",
                                                                   platformGolden: "platform", out: temp.file("out"))
        guard outgoing.map(\.name) == ["01-open.msg"] else { throw FactoryError.notFound("provision sent \(outgoing.map(\.name))") }
        open = outgoing[0].message.bytes
    }
}

/// One test's own factory: a copy of the template (or, `provisioned`, of the provisioned one).
final class FactoryWorld: @unchecked Sendable {
    let temp: TemporaryDirectory
    let directory: String
    let factory: Factory
    let a: SoftPlatform
    let b: SoftPlatform
    let template: FactoryTemplate
    /// dom1's open message, in a provisioned world.
    let open: Envelope?

    init(provisioned: Bool = false) throws {
        template = try FactoryTemplate.shared.get()
        let provisioned = provisioned ? try ProvisionedTemplate.shared.get() : nil
        temp = try TemporaryDirectory("factorykit")
        directory = temp.file("factory")
        try FileManager.default.copyItem(atPath: provisioned?.directory ?? template.directory, toPath: directory)
        factory = try Factory(directory: directory)
        a = template.platforms[0]
        b = template.platforms[1]
        open = try provisioned.map { try Envelope(bytes: $0.open) }
    }

    /// Reopens the factory from disk (after an edit through another connection).
    func reopened() throws -> Factory { try Factory(directory: directory) }

    func domain(_ name: String, disk: DomainConfig.Disk = .none) -> DomainConfig {
        DomainConfig(name: name, memoryMiB: 64, kernel: template.temp.file("vmlinuz"), initrd: template.temp.file("initrd.img"),
                     commandLine: "console=ttyS0", disk: disk)
    }

    /// Runs raw SQL on keys.sqlite through a connection of its own (a test's tampering or setup).
    func rawSQL(_ sql: String, _ arguments: StatementArguments = StatementArguments()) throws {
        let queue = try DatabaseQueue(path: factory.database.queue.path)
        try queue.write { db in try db.execute(sql: sql, arguments: arguments) }
    }

    /// The audit log's entries as (action, subject, outcome, detail).
    func audit() throws -> [(action: String, subject: String, outcome: String, detail: String)] {
        try factory.audit.entries().map { ($0.action, $0.subject, $0.outcome, $0.detail) }
    }

    /// A modulus no one has recorded (random bytes: the database only hashes it).
    static func modulus() throws -> [UInt8] { try SecureRandom.bytes(256) }
}

/// The error `body` throws, or nil.
func factoryError<T>(_ body: () throws(FactoryError) -> T) -> FactoryError? {
    do { _ = try body() } catch { return error }
    return nil
}
