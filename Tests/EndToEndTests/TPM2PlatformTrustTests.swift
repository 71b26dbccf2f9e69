// A TPM 2.0 platform (swtpm --tpm2 with a manufacturer EK certificate, scripts/tpm2-platform) enrolled,
// its bind and signing keys registered and its quotes verified by the factory through the same
// lobot and lobot-factory commands as a TPM 1.2 platform; golden values of its SHA-256 bank; and
// the two tpm2-tools interop checks: tpm2_checkquote verifies a `lobot platform quote`, and the
// factory refuses a quote with another platform's AK. Each refusal is one clear line.
import Foundation
import LoBotCore
import Testing
import TestSupport

@Suite(.serialized) struct TPM2PlatformTrustTests {
    /// One enrolled TPM 2.0 platform and its factory, made once for the suite.
    final class World: @unchecked Sendable {
        let factory: FactoryUnderTest
        let platform: TPM2TestPlatform

        init() throws {
            factory = try FactoryUnderTest()
            platform = try TPM2TestPlatform()
            try factory.enroll(platform, as: "t2")
            try factory.registerBindKey(platform, as: "t2")
        }
    }

    static let world = SharedFixture { try World() }
    static func shared() throws -> World { try world.get() }

    @Test func enrolledThroughTheSameCommandsItQuotesAndTheFactoryVerifies() throws {
        let w = try Self.shared()
        let (quote, nonce) = try w.factory.quote(w.platform, issuedTo: "t2")
        let result = try w.factory.run(["verify-quote", "--platform", "t2", "--quote", quote, "--nonce", nonce])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("TPM 2.0"), "\(result.stdout)")
        let again = try w.factory.run(["verify-quote", "--platform", "t2", "--quote", quote, "--nonce", nonce])
        #expect(again.stderr == "Error: refused replayed nonce \(nonce): already used\n")
        let keys = try succeed(try w.factory.run(["keys", "--owner", "t2"]))
        for purpose in ["ek", "aik", "bind", "signing"] { #expect(keys.contains("  t2  \(purpose)  active"), "\(keys)") }
        // The blobs are TPM 2.0 key blobs, shaped as LoBot makes each kind.
        for (file, kind) in [("aik.blob", TPM2KeyKind.attestation), ("bind.blob", .bind), ("signing.blob", .signing)] {
            let blob = try TPM2KeyBlob(bytes: try w.platform.root.read("lobot/" + file))
            try kind.check(blob.publicArea)
        }
    }

    @Test func goldenValuesOfTheSHA256BankMatchUntilAPCRChanges() throws {
        let w = try Self.shared()
        let (golden, goldenNonce) = try w.factory.quote(w.platform, issuedTo: "t2", purpose: "golden")
        try succeed(try w.factory.run(group: "golden", ["record", "--name", "t2-platform", "--platform", "t2", "--quote", golden,
                                                        "--nonce", goldenNonce, "--pcrs", "0-7,15"]))
        let shown = try succeed(try w.factory.run(group: "golden", ["show", "--name", "t2-platform"]))
        #expect(shown.contains("sha256:15: "), "\(shown)")
        let (fresh, freshNonce) = try w.factory.quote(w.platform, issuedTo: "t2")
        try succeed(try w.factory.run(["verify-quote", "--platform", "t2", "--quote", fresh, "--nonce", freshNonce, "--golden", "t2-platform"]))
        try succeed(try w.platform.lobot(["platform", "extend", "--pcr", "15", "--digest", String(repeating: "ab", count: 32)]))
        let (changed, changedNonce) = try w.factory.quote(w.platform, issuedTo: "t2")
        let refused = try w.factory.run(["verify-quote", "--platform", "t2", "--quote", changed, "--nonce", changedNonce, "--golden", "t2-platform"])
        #expect(refused.status == 1)
        #expect(refused.stderr == "Error: PCR values do not match: the quoted sha256 PCR 15 differs from golden values t2-platform\n")
        // The crypto-agile event log of that extend replays to the quoted SHA-256 PCRs; a log that
        // claims another digest does not.
        for (digest, replays) in [([UInt8](repeating: 0xab, count: 32), true), ([UInt8](repeating: 0xac, count: 32), false)] {
            let log = CryptoAgileEventLog(banks: [.sha256], events: [AgileEvent(pcr: 15, type: 0x0d, digests: [(.sha256, digest)], data: [])])
            let path = try w.platform.root.write(replays ? "good.log" : "bad.log", log.bytes)
            let (quote, nonce) = try w.factory.quote(w.platform, issuedTo: "t2")
            let result = try w.factory.run(["verify-quote", "--platform", "t2", "--quote", quote, "--nonce", nonce, "--log", path])
            if replays {
                #expect(result.status == 0 && result.stdout.hasSuffix("event log replays to the quoted PCRs\n"), "\(result.stdout)\(result.stderr)")
            } else {
                #expect(result.stderr == "Error: PCR values do not match: the event log does not replay to the quoted PCR values\n")
            }
        }
    }

    /// Interop: tpm2_checkquote, which LoBot never ran, verifies a quote `lobot platform quote` made.
    @Test func tpm2CheckquoteVerifiesALoBotQuote() throws {
        let w = try Self.shared()
        let tools = w.platform.root.file("tpm2-tools")
        let nonce = String(repeating: "5a", count: 20)
        try succeed(try w.platform.lobot(["platform", "quote", "--platform", w.platform.lobotDirectory, "--pcrs", "0-15",
                                          "--nonce", nonce, "--out", w.platform.root.file("q2"), "--tpm2-tools", tools]))
        let check = try w.platform.run("/usr/bin/tpm2_checkquote", [
            "-u", tools + "/ak.pub", "-m", tools + "/quote.msg", "-s", tools + "/quote.sig", "-f", tools + "/quote.pcrs",
            "-g", "sha256", "-q", nonce,
        ])
        #expect(check.status == 0, "\(check.stderr)")
        let wrong = try w.platform.run("/usr/bin/tpm2_checkquote", [
            "-u", tools + "/ak.pub", "-m", tools + "/quote.msg", "-s", tools + "/quote.sig", "-f", tools + "/quote.pcrs",
            "-g", "sha256", "-q", String(repeating: "5b", count: 20),
        ])
        #expect(wrong.status != 0)
    }

    @Test func aQuoteByAnotherAKIsRefusedTheFamilyMustMatchAndTheCounterIsTheNVCounter() throws {
        let w = try Self.shared()
        // An AK tpm2_createak made on the same TPM: a real quote, not by the enrolled AK.
        let dir = w.platform.root.file("foreign")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for arguments in [
            ["tpm2_createak", "-C", "0x81010001", "-c", "ak.ctx", "-G", "rsa", "-g", "sha256", "-s", "rsassa", "-u", "ak.pub"],
        ] {
            try succeed(try w.platform.run("/usr/bin/" + arguments[0], Array(arguments.dropFirst()), in: dir), arguments[0])
            try succeed(try w.platform.run("/usr/bin/tpm2_flushcontext", ["-t"]), "flush")
        }
        let nonce = try w.factory.nonce(for: "t2", purpose: "quote")
        try succeed(try w.platform.run("/usr/bin/tpm2_quote", [
            "-c", "ak.ctx", "-l", "sha256:0,1", "-q", nonce, "-m", "q.msg", "-s", "q.sig", "-o", "q.pcrs", "-g", "sha256",
        ], in: dir), "tpm2_quote")
        try succeed(try w.platform.run("/usr/bin/tpm2_flushcontext", ["-t"]), "flush")
        // The factory checks the tpm2-tools files with that AK...
        try succeed(try w.factory.run(["verify-quote", "--aik", dir + "/ak.pub", "--message", dir + "/q.msg", "--signature", dir + "/q.sig",
                                       "--pcrs", dir + "/q.pcrs", "--nonce", nonce]))
        // ...but not as the enrolled platform's quote: the enrolled AK did not sign it.
        let enrolled = try TPM2KeyBlob(bytes: try w.platform.root.read("lobot/aik.blob"))
        try Data(TPM2BPublic(enrolled.publicArea).bytes).write(to: URL(fileURLWithPath: dir + "/enrolled.pub"))
        let refused = try w.factory.run(["verify-quote", "--aik", dir + "/enrolled.pub", "--message", dir + "/q.msg",
                                         "--signature", dir + "/q.sig", "--pcrs", dir + "/q.pcrs", "--nonce", nonce])
        #expect(refused.status == 1)
        // A TPM 2.0 whose manufacturer certificate the factory does not trust gets one from the
        // factory's ek-certify, from the EK's TPM2B_PUBLIC, and enrolls with it.
        let other = try TPM2TestPlatform()
        try succeed(try other.lobot(["platform", "ek", "--out", other.root.file("ek.pub")]), "platform ek")
        try succeed(try w.factory.run(["ek-certify", "--platform", "t2-other", "--ek", other.root.file("ek.pub"), "--out", other.root.file("ek.der")]))
        try succeed(try other.lobot(["platform", "enroll", "--platform", other.lobotDirectory, "--label", "t2-other",
                                     "--ek-cert", other.root.file("ek.der"), "--out", other.root.file("request")]), "platform enroll")
        try succeed(try w.factory.run(["enroll", "--request", other.root.file("request"), "--out", other.root.file("answer")]))
        try succeed(try other.lobot(["platform", "activate", "--platform", other.lobotDirectory, "--answer", other.root.file("answer"),
                                     "--ca-cert", w.factory.caCertificate]), "platform activate")
        // The first platform's manufacturer certificate is no key the factory recorded for t2-other.
        try succeed(try w.platform.lobot(["platform", "ek", "--certificate", "--out", w.platform.root.file("ek-t2.der")]))
        try succeed(try other.lobot(["platform", "enroll", "--platform", other.root.file("again"), "--label", "t2-other",
                                     "--ek-cert", w.platform.root.file("ek-t2.der"), "--out", other.root.file("request2")]))
        let stolen = try w.factory.run(["enroll", "--request", other.root.file("request2"), "--out", other.root.file("answer2")])
        #expect(stolen.status == 1, "\(stolen.stdout)")
        // A TPM 2.0 platform reached without LOBOT_TPM2 (so through tcsd, as a TPM 1.2) is refused in one line.
        let wrongFamily = try runProcess(try Binaries.lobot(), ["platform", "counter", "--platform", w.platform.lobotDirectory])
        #expect(wrongFamily.status == 1 && wrongFamily.stderr.split(separator: "\n").count == 1)
        #expect(wrongFamily.stderr.contains("enrolled a TPM 2.0: set LOBOT_TPM2"), "\(wrongFamily.stderr)")
        // The counter is the TPM 2.0's NV counter: it reads, and moves by one.
        let counter = try succeed(try w.platform.lobot(["platform", "counter", "--platform", w.platform.lobotDirectory]), "counter")
        let moved = try succeed(try w.platform.lobot(["platform", "counter", "--increment", "--platform", w.platform.lobotDirectory]))
        let value = { (line: String) -> UInt64? in UInt64(String(line.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: " ").last ?? "")) }
        #expect(value(counter) != nil && value(moved) == value(counter).map { $0 + 1 }, "\(counter) then \(moved)")
    }
}

/// Lockout safety on a TPM 2.0, as for TPM 1.2: every tampered enrollment answer and key blob is
/// refused with one line, and none reaches the TPM as a failed authorisation (its lockout counter
/// stays 0, with swtpm's limit of 3 failures); the genuine answer then activates.
@Suite struct TPM2LockoutSafetyTests {
    @Test func tamperedAnswersAndKeyBlobsNeverCostTheTPMAnAuthorisation() throws {
        let factory = try FactoryUnderTest()
        let platform = try TPM2TestPlatform()
        let files = platform.root
        try succeed(try factory.run(["trust-ek-issuer", "--cert", platform.ekIssuerCertificate]), "trust-ek-issuer")
        try succeed(try platform.lobot(["platform", "ek", "--certificate", "--out", files.file("ek.der")]), "platform ek")
        try succeed(try platform.lobot(["platform", "enroll", "--platform", platform.lobotDirectory, "--label", "t2l",
                                        "--ek-cert", files.file("ek.der"), "--out", files.file("request")]), "platform enroll")
        try succeed(try factory.run(["enroll", "--request", files.file("request"), "--out", files.file("answer")]), "factory enroll")
        let answer = try files.read("answer")
        func lockoutCounter() throws -> String {
            let caps = try succeed(try platform.run("/usr/bin/tpm2_getcap", ["properties-variable"]), "tpm2_getcap")
            return caps.split(separator: "\n").first { $0.hasPrefix("TPM2_PT_LOCKOUT_COUNTER") }.map(String.init) ?? "none"
        }
        // A flip in every part: the magic, the credential blob's HMAC and encrypted identity, the
        // encrypted seed, the nonce, the sealed certificate and its tag; and a cut.
        var cases: [[UInt8]] = stride(from: 0, to: answer.count, by: max(1, answer.count / 40)).map { offset in
            var changed = answer
            changed[offset] ^= 0x01
            return changed
        }
        cases.append(Array(answer.dropLast(1)))
        for (i, bytes) in cases.enumerated() {
            let path = try files.write("answer-\(i)", bytes)
            let result = try platform.lobot(["platform", "activate", "--platform", platform.lobotDirectory, "--answer", path,
                                             "--ca-cert", factory.caCertificate])
            #expect(result.status == 1, "case \(i) was not refused: \(result.stdout)")
            #expect(result.stderr.hasPrefix("lobot: ") && result.stderr.split(separator: "\n").count == 1, "case \(i): \(result.stderr)")
        }
        #expect(try lockoutCounter() == "TPM2_PT_LOCKOUT_COUNTER: 0x0")
        try succeed(try platform.lobot(["platform", "activate", "--platform", platform.lobotDirectory, "--answer", files.file("answer"),
                                        "--ca-cert", factory.caCertificate]), "the genuine answer")
        // A key blob with a byte of its public area changed is refused before the TPM loads it.
        let nonce = try factory.nonce(for: "t2l", purpose: "bind-key")
        try succeed(try platform.lobot(["platform", "bind-key", "--platform", platform.lobotDirectory, "--nonce", nonce,
                                        "--out", files.file("bind"), "--signing-out", files.file("signing")]), "bind-key")
        let blob = try files.read("lobot/bind.blob")
        for offset in [blob.count - 300, blob.count - 20, 40] {
            var changed = blob
            changed[offset] ^= 0x10
            try Data(changed).write(to: URL(fileURLWithPath: files.file("lobot/bind.blob")))
            let result = try platform.lobot(["platform", "bind-key", "--platform", platform.lobotDirectory, "--nonce", nonce,
                                             "--out", files.file("bind"), "--signing-out", files.file("signing")])
            #expect(result.status == 1, "a bind key changed at \(offset) was used")
        }
        #expect(try lockoutCounter() == "TPM2_PT_LOCKOUT_COUNTER: 0x0")
    }
}
