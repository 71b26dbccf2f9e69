// The platform half of the dual root and the factory's authority, on real TPM 1.2 stacks (swtpm +
// LoBot's tcsd): two platforms enrolled through the privacy-CA exchange (one with a manufacturer
// EK certificate, one with a factory-issued one), certified bind keys, quotes verified by the
// factory, and each attack refused with one clear line.
import Foundation
import LoBotCore
import Testing
import TestSupport

@Suite(.serialized) struct PlatformTrustTests {
    /// Two enrolled platforms and their factory, made once for the suite.
    final class World: @unchecked Sendable {
        let factory: FactoryUnderTest
        let a: TestPlatform
        let b: TestPlatform

        init() throws {
            factory = try FactoryUnderTest()
            a = try TestPlatform(ekCertificate: true)
            b = try TestPlatform(ekCertificate: false)
            try factory.enroll(a, as: "platform-a")
            try factory.enroll(b, as: "platform-b")
            try factory.registerBindKey(a, as: "platform-a")
            try factory.registerBindKey(b, as: "platform-b")
        }
    }

    static let world = SharedFixture { try World() }
    static func shared() throws -> World { try world.get() }

    @Test func enrolledPlatformsQuoteAndTheFactoryVerifies() throws {
        let w = try Self.shared()
        for (platform, name) in [(w.a, "platform-a"), (w.b, "platform-b")] {
            let (quote, nonce) = try w.factory.quote(platform, issuedTo: name)
            let result = try w.factory.run(["verify-quote", "--platform", name, "--quote", quote, "--nonce", nonce, "--json"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("\"verified\":true"))
        }
        let keys = try succeed(try w.factory.run(["keys", "--owner", "platform-a"]))
        for purpose in ["ek", "aik", "bind"] { #expect(keys.contains("  platform-a  \(purpose)  active")) }
        #expect(FileManager.default.fileExists(atPath: w.a.lobotDirectory + "/aik.cert"))
    }

    @Test func quoteFromOnePlatformPresentedAsTheOtherIsRefused() throws {
        let w = try Self.shared()
        let nonce = try w.factory.nonce(for: "platform-b", purpose: "quote")
        let path = w.a.root.file("a-as-b")
        try succeed(try w.a.lobot(["platform", "quote", "--platform", w.a.lobotDirectory, "--pcrs", "0-15", "--nonce", nonce, "--out", path]))
        let result = try w.factory.run(["verify-quote", "--platform", "platform-b", "--quote", path, "--nonce", nonce])
        #expect(result.status != 0)
        #expect(result.stderr == "Error: quote signature failed authentication: altered, or not made for this key\n")
    }

    @Test func replayedNonceIsRefused() throws {
        let w = try Self.shared()
        let (quote, nonce) = try w.factory.quote(w.a, issuedTo: "platform-a")
        try succeed(try w.factory.run(["verify-quote", "--platform", "platform-a", "--quote", quote, "--nonce", nonce]))
        let again = try w.factory.run(["verify-quote", "--platform", "platform-a", "--quote", quote, "--nonce", nonce])
        #expect(again.status != 0)
        #expect(again.stderr == "Error: refused replayed nonce \(nonce): already used\n")
        // A nonce the factory never issued is refused too.
        let invented = String(repeating: "ab", count: 20)
        let other = try w.factory.run(["verify-quote", "--platform", "platform-a", "--quote", quote, "--nonce", invented])
        #expect(other.stderr == "Error: refused nonce \(invented): the factory never issued it\n")
    }

    @Test func otherCAEKCertificateIsRefused() throws {
        let w = try Self.shared()
        // A third platform whose EK certificate comes from another factory.
        let intruder = try TestPlatform(ekCertificate: false)
        let rogue = try FactoryUnderTest(name: "Rogue CA")
        try succeed(try intruder.lobot(["platform", "ek", "--out", intruder.root.file("ek.pub")]))
        try succeed(try rogue.run(["ek-certify", "--platform", "platform-c", "--ek", intruder.root.file("ek.pub"), "--out", intruder.root.file("ek.der")]))
        try succeed(try intruder.lobot(["platform", "enroll", "--platform", intruder.lobotDirectory, "--ca-key", w.factory.privacyCAKey,
                                        "--label", "platform-c", "--ek-cert", intruder.root.file("ek.der"), "--out", intruder.root.file("req")]))
        let result = try w.factory.run(["enroll", "--request", intruder.root.file("req"), "--out", intruder.root.file("ans")])
        #expect(result.status != 0)
        #expect(result.stderr == "Error: EK certificate is not signed by this factory or a trusted EK issuer\n")
        #expect(!FileManager.default.fileExists(atPath: intruder.root.file("ans")))
    }

    @Test func forgedAIKCertificateIsRefusedByThePlatform() throws {
        let w = try Self.shared()
        // The platform checks the credential against the CA it was told to trust: a rogue CA's
        // certificate given in place of the factory's makes activation fail, and nothing is kept.
        let platform = try TestPlatform(ekCertificate: false)
        try succeed(try platform.lobot(["platform", "ek", "--out", platform.root.file("ek.pub")]))
        try succeed(try w.factory.run(["ek-certify", "--platform", "platform-d", "--ek", platform.root.file("ek.pub"), "--out", platform.root.file("ek.der")]))
        try succeed(try platform.lobot(["platform", "enroll", "--platform", platform.lobotDirectory, "--ca-key", w.factory.privacyCAKey,
                                        "--label", "platform-d", "--ek-cert", platform.root.file("ek.der"), "--out", platform.root.file("req")]))
        try succeed(try w.factory.run(["enroll", "--request", platform.root.file("req"), "--out", platform.root.file("ans")]))
        let rogue = try FactoryUnderTest(name: "Rogue CA")
        let result = try platform.lobot(["platform", "activate", "--platform", platform.lobotDirectory, "--answer", platform.root.file("ans"),
                                         "--ca-cert", rogue.caCertificate])
        #expect(result.status == 1)
        #expect(result.stderr == "lobot: AIK certificate (not signed by the factory CA) failed authentication: altered, or not made for this key\n")
        #expect(!FileManager.default.fileExists(atPath: platform.lobotDirectory + "/aik.cert"))
        // An answer meant for another platform's TPM cannot be activated at all.
        let stolen = try platform.lobot(["platform", "activate", "--platform", platform.lobotDirectory,
                                         "--answer", w.a.root.file("answer"), "--ca-cert", w.factory.caCertificate])
        #expect(stolen.status == 1)
        #expect(stolen.stderr.hasPrefix("lobot: failed to activate the identity with the platform TPM (TSS error"))
    }

    @Test func keyReuseIsRefusedAndRecordsAreKept() throws {
        let w = try Self.shared()
        // Platform B's EK presented again for a new platform name.
        let result = try w.factory.run(["ek-certify", "--platform", "platform-e", "--ek", w.b.root.file("ek.pub"), "--out", w.b.root.file("ek2.der")])
        #expect(result.status != 0)
        #expect(result.stderr == "Error: refused key reuse: this key is already recorded as platform-b's ek key\n")
        // The database itself refuses to forget.
        let sqlite = try runProcess("/usr/bin/sqlite3", [w.factory.directory + "/keys.sqlite", "DELETE FROM keys WHERE owner = 'platform-b'"])
        #expect(sqlite.status != 0)
        #expect(sqlite.stderr.contains("records are kept forever"))
        let update = try runProcess("/usr/bin/sqlite3", [w.factory.directory + "/keys.sqlite", "UPDATE keys SET state = 'active' WHERE state = 'revoked'; UPDATE keys SET owner = 'x'"])
        #expect(update.stderr.contains("a key record only ever changes from active to revoked"))
    }

    @Test func goldenValuesFromAKnownGoodPlatform() throws {
        let w = try Self.shared()
        let (quote, nonce) = try w.factory.quote(w.a, issuedTo: "platform-a", purpose: "golden")
        try succeed(try w.factory.run(group: "golden", ["record", "--name", "good-a", "--platform", "platform-a", "--quote", quote,
                                                         "--nonce", nonce, "--pcrs", "0-7"]), "golden record")
        let (fresh, freshNonce) = try w.factory.quote(w.a, issuedTo: "platform-a")
        try succeed(try w.factory.run(["verify-quote", "--platform", "platform-a", "--quote", fresh, "--nonce", freshNonce, "--golden", "good-a"]))
        // The platform's configuration changes (PCR 7 extended): its next quote is refused.
        try succeed(try w.a.lobot(["platform", "extend", "--pcr", "7", "--digest", String(repeating: "77", count: 20)]))
        let (changed, changedNonce) = try w.factory.quote(w.a, issuedTo: "platform-a")
        let refused = try w.factory.run(["verify-quote", "--platform", "platform-a", "--quote", changed, "--nonce", changedNonce, "--golden", "good-a"])
        #expect(refused.status != 0)
        #expect(refused.stderr == "Error: PCR values do not match: PCRs 7 differ from golden values good-a\n")
        // A golden record altered on disk is refused by its signature.
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: w.factory.directory + "/golden/good-a.golden")))
        bytes[12] ^= 1
        try Data(bytes).write(to: URL(fileURLWithPath: w.factory.directory + "/golden/bad.golden"))
        let forged = try w.factory.run(["verify-quote", "--platform", "platform-a", "--quote", fresh, "--nonce", freshNonce, "--golden", "bad"])
        #expect(forged.status != 0)
    }

    @Test func auditLogDetectsEveryEdit() throws {
        let w = try Self.shared()
        try succeed(try w.factory.run(group: "audit", ["verify"]))
        // Work on a copy so the suite's factory stays intact.
        let copy = try TemporaryDirectory("lobot-audit")
        for name in ["keys.sqlite", "audit.head", "ca.cert", "ca.key", "privacy-ca.key", "privacy-ca.tpmpub"] {
            try FileManager.default.copyItem(atPath: w.factory.directory + "/" + name, toPath: copy.file(name))
        }
        func verify() throws -> ProcessResult { try runProcess(try Binaries.factory(), ["audit", "verify", "--factory", copy.path]) }
        #expect(try verify().status == 0)
        let database = copy.file("keys.sqlite")
        func sql(_ statement: String) throws {
            try succeed(try runProcess("/usr/bin/sqlite3", [database, statement]), "sqlite3")
        }
        // The append-only triggers hold...
        let blocked = try runProcess("/usr/bin/sqlite3", [database, "UPDATE audit SET detail = 'x' WHERE seq = 3"])
        #expect(blocked.stderr.contains("the audit log is append-only"))
        // ...and an attacker who drops them is still caught, however they edit. (The factory
        // re-creates the triggers whenever it opens the database, so each edit drops them first.)
        let unguard = "DROP TRIGGER IF EXISTS audit_no_update; DROP TRIGGER IF EXISTS audit_no_delete; "
        try sql(unguard + "UPDATE audit SET detail = 'nothing happened' WHERE seq = 3")
        #expect(try verify().stderr == "Error: audit log broken at entry 3: its content was altered\n")
        try sql(unguard + "UPDATE audit SET detail = 'refused' WHERE seq = 3")
        #expect(try verify().status != 0)
        try FileManager.default.removeItem(atPath: database)
        try FileManager.default.copyItem(atPath: w.factory.directory + "/keys.sqlite", toPath: database)
        try sql(unguard + "DELETE FROM audit WHERE seq = 2")
        #expect(try verify().stderr == "Error: audit log broken: entry 2 is missing\n")
        try FileManager.default.removeItem(atPath: database)
        try FileManager.default.copyItem(atPath: w.factory.directory + "/keys.sqlite", toPath: database)
        try sql(unguard + "DELETE FROM audit WHERE seq = (SELECT max(seq) FROM audit)")
        #expect(try verify().stderr.hasPrefix("Error: audit log truncated: the signed head names entry"))
    }

    @Test func revokedPlatformIsRefusedEverywhere() throws {
        let w = try Self.shared()
        // Its own platform, so the revocation cannot disturb the other tests whatever their order.
        let f = try TestPlatform(ekCertificate: false)
        try w.factory.enroll(f, as: "platform-f")
        try w.factory.registerBindKey(f, as: "platform-f")
        let (quote, nonce) = try w.factory.quote(f, issuedTo: "platform-f")
        let revoke = try w.factory.run(["revoke", "--owner", "platform-f", "--reason", "test", "--json"])
        // EK, AIK, bind key and signing key.
        #expect(try succeed(revoke).contains("\"keys_revoked\":4"))
        let result = try w.factory.run(["verify-quote", "--platform", "platform-f", "--quote", quote, "--nonce", nonce])
        #expect(result.status != 0)
        #expect(result.stderr == "Error: platform platform-f is revoked\n")
        // Re-enrolling the revoked platform's TPM is refused as well.
        try succeed(try f.lobot(["platform", "enroll", "--platform", f.root.file("again"), "--ca-key", w.factory.privacyCAKey,
                                 "--label", "platform-f", "--ek-cert", f.root.file("ek.der"), "--out", f.root.file("req2")]))
        let again = try w.factory.run(["enroll", "--request", f.root.file("req2"), "--out", f.root.file("ans2")])
        #expect(again.stderr == "Error: platform-f's EK is revoked\n")
        let audit = try succeed(try w.factory.run(group: "audit", ["show", "--last", "3"]))
        #expect(audit.contains("enroll  platform-f  refused  platform-f's EK is revoked"))
    }
}
