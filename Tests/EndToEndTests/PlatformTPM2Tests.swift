// PlatformTPM2 on a real TPM 2.0 (swtpm --tpm2 through scripts/tpm2-platform, one for the suite):
// each operation is checked against what another implementation says -- tpm2-tools' PCR values
// and credentials, OpenSSL's OAEP, the EK certificate swtpm's CA wrote, and LoBotCore's
// verification of TPM 2.0 signatures. PlatformTPM2 holds swtpm's only connection while it lives,
// so each test makes its own and lets it go before a tool runs.
import Foundation
import LoBotCore
import TestSupport
import Testing

@testable import LoBotPlatform

@Suite(.serialized) struct PlatformTPM2Tests {
    final class World: @unchecked Sendable {
        let platform: TPM2TestPlatform
        let ak: TPM2KeyBlob
        let bind: TPM2KeyBlob
        let signing: TPM2KeyBlob

        init() throws {
            platform = try TPM2TestPlatform()
            guard let text = platform.environment[TPM2Target.environmentVariable] else {
                throw TestSupportError.failed("tpm2-platform wrote no \(TPM2Target.environmentVariable)")
            }
            let tpm = try PlatformTPM2(try TPM2Target(parsing: text))
            ak = try tpm.createKey(.attestation)
            bind = try tpm.createKey(.bind)
            signing = try tpm.createKey(.signing)
        }

        /// A new connection, to wherever the platform is now (a restart may move it).
        func tpm() throws -> PlatformTPM2 {
            try PlatformTPM2(try TPM2Target(parsing: platform.environment[TPM2Target.environmentVariable] ?? ""))
        }
    }

    static let world = SharedFixture { try World() }
    static func shared() throws -> World { try world.get() }

    @Test func targetForms() throws {
        #expect(try TPM2Target(parsing: "/dev/tpmrm0") == .device("/dev/tpmrm0"))
        #expect(try TPM2Target(parsing: "unix:/run/swtpm.sock") == .unixSocket("/run/swtpm.sock"))
        #expect(try TPM2Target(parsing: "tcp:127.0.0.1:2321") == .tcp(port: 2321))
        #expect(try TPM2Target(parsing: "tcp:localhost:2321") == .tcp(port: 2321))
        for bad in ["tcp:10.0.0.1:2321", "tcp:127.0.0.1:", "tcp:127.0.0.1:70000", "unix:", "tpmrm0", ""] {
            #expect(throws: LoBotError.self) { try TPM2Target(parsing: bad) }
        }
    }

    @Test func unixSocketTransportAndStartupOnAFreshTPM() throws {
        // A swtpm with a blank TPM on a unix socket, not started: Startup(CLEAR) is LoBot's to send.
        let dir = try TemporaryDirectory("lobot-tpm2-unixio")
        try FileManager.default.createDirectory(atPath: dir.file("state"), withIntermediateDirectories: true)
        try succeed(
            try runProcess(
                "/usr/bin/swtpm",
                [
                    "socket", "--tpm2", "--tpmstate", "dir=" + dir.file("state"), "--flags", "not-need-init",
                    "--server", "type=unixio,path=" + dir.file("tpm.sock"), "--daemon", "--pid",
                    "file=" + dir.file("swtpm.pid"),
                ]), "swtpm")
        defer {
            if let text = try? String(contentsOfFile: dir.file("swtpm.pid"), encoding: .utf8),
                let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
            {
                // SIGKILL: a test runner's children inherit its ignored SIGTERM, and this swtpm has no
                // control channel to be asked on.
                kill(pid, SIGKILL)
            }
        }
        let tpm = try PlatformTPM2(.unixSocket(dir.file("tpm.sock")))
        #expect(throws: LoBotError.self) { try tpm.readPCRs([0]) }  // TPM_RC_INITIALIZE
        try tpm.startup()
        try tpm.startup()  // a started TPM's TPM_RC_INITIALIZE is not an error
        #expect(
            try tpm.readPCRs([0, 23]).map { $0.value } == [
                [UInt8](repeating: 0, count: 32), [UInt8](repeating: 0, count: 32),
            ])
    }

    @Test func hostileResponseSizesAreRefused() throws {
        // A fake TPM on a unix socket answering each command with a header claiming 1 MiB, then with
        // a short body and a closed connection.
        let dir = try TemporaryDirectory("lobot-tpm2-hostile")
        let script = """
            import socket, sys
            s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(2)
            print("ready", flush=True)
            for answer in [bytes.fromhex("80010010000000000000"), bytes.fromhex("8001000000200000000000")]:
                c, _ = s.accept(); c.recv(4096); c.sendall(answer); c.close()
            """
        _ = try dir.write("fake.py", Array(script.utf8))
        let fake = try ChildProcess("/usr/bin/python3", [dir.file("fake.py"), dir.file("fake.sock")])
        defer { kill(fake.pid, SIGTERM) }
        for _ in 0..<100 where !FileManager.default.fileExists(atPath: dir.file("fake.sock")) { usleep(10_000) }
        usleep(50_000)  // bound, and listening once python has run its next statement
        for expected in ["answered with a 1048576-byte response", "closed the connection after 11 bytes"] {
            // The transport itself (PlatformTPM2 would first ask which handles are loaded).
            let transport = try TPM2Transport(.unixSocket(dir.file("fake.sock")))
            do {
                _ = try transport.transmit(TPM2PCRRead(TPMLPCRSelection([TPMSPCRSelection(.sha256, pcrs: [0])])).frame())
                Issue.record("a hostile response was accepted")
            } catch {
                guard case .invalidArgument(let what) = error, what.contains(expected) else {
                    Issue.record("refused for another reason: \(error)")
                    continue
                }
            }
        }
    }

    @Test func endorsementKeyIsThePersistentOneWithItsName() throws {
        let w = try Self.shared()
        let ek = try w.tpm().endorsementKey()
        try TPM2EndorsementKey.check(ek)
        let tools = try TemporaryDirectory("lobot-tpm2-ek")
        try succeed(try w.platform.run("/usr/bin/tpm2_readpublic", ["-c", "0x81010001", "-n", tools.file("ek.name")]))
        #expect(try ek.name() == (try tools.read("ek.name")))
        // The persistent EK is the key template L-1 makes.
        #expect(ek.authPolicy.buffer == TPM2EndorsementKey.policySecretEndorsement)
        #expect(ek.objectAttributes == TPM2EndorsementKey.template.objectAttributes)
    }

    @Test func endorsementCertificateHoldsTheEK() throws {
        let w = try Self.shared()
        let tpm = try w.tpm()
        let der = try tpm.endorsementCertificate()
        let certificate = try X509Certificate(der: der)
        #expect(try certificate.publicKey().modulus == (try tpm.endorsementKey().rsaPublicKey().modulus))
    }

    @Test func pcrReadMatchesTpm2Pcrread() throws {
        let w = try Self.shared()
        let digest = try Digest.sha256(Array("PlatformTPM2 extend".utf8))
        do {
            let tpm = try w.tpm()
            let before = try tpm.readPCRs([16])[0].value
            try tpm.extend(pcr: 16, digest: digest)
            #expect(try tpm.readPCRs([16])[0].value == (try Digest.sha256(before + digest)))
        }
        let pcrs = Array(0..<24)
        let ours = try w.tpm().readPCRs(pcrs)  // three TPM2_PCR_Read round trips (eight a time)
        #expect(ours.map { $0.pcr } == pcrs)
        let tools = try TemporaryDirectory("lobot-tpm2-pcrs")
        try succeed(
            try w.platform.run(
                "/usr/bin/tpm2_pcrread",
                [
                    "sha256:" + pcrs.map(String.init).joined(separator: ","),
                    "-o", tools.file("pcrs"), "-F", "values",
                ]))
        #expect(ours.flatMap { $0.value } == (try tools.read("pcrs")))
        #expect(throws: LoBotError.self) { try w.tpm().readPCRs([24]) }
    }

    @Test func quoteVerifies() throws {
        let w = try Self.shared()
        let nonce = try SecureRandom.bytes(32)
        let quote = try w.tpm().quote(ak: w.ak, pcrs: [0, 1, 2, 3, 16], nonce: nonce)
        try quote.signature.verify(quote.attestBytes, key: w.ak.publicArea)
        #expect(quote.attest.extraData.buffer == nonce)
        #expect(quote.attest.quote?.pcrDigest.buffer == (try Digest.sha256(quote.values.flatMap { $0 })))
        #expect(quote.attest.quote?.pcrSelect == TPMLPCRSelection([TPMSPCRSelection(.sha256, pcrs: [0, 1, 2, 3, 16])]))
        #expect(quote.attest.bytes == quote.attestBytes)
        #expect(try TPM2QuoteFile(bytes: quote.file.bytes) == quote.file)
        var flipped = quote.attestBytes
        flipped[flipped.count - 1] ^= 1
        #expect(throws: LoBotError.self) { try quote.signature.verify(flipped, key: w.ak.publicArea) }
    }

    @Test func credentialFromTpm2MakecredentialActivates() throws {
        let w = try Self.shared()
        let ek = try w.tpm().endorsementKey()
        let tools = try TemporaryDirectory("lobot-tpm2-credential")
        let secret = try SecureRandom.bytes(32)
        _ = try tools.write("ek.pub", TPM2BPublic(ek).bytes)
        _ = try tools.write("secret", secret)
        let file = try Self.makeCredential(in: tools, for: try w.ak.publicArea.name())
        let tpm = try w.tpm()
        #expect(
            try tpm.activateCredential(ak: w.ak, credentialBlob: file.credentialBlob, secret: file.secret) == secret)
        // A tampered credential does not open (the TPM checks its integrity HMAC).
        var tampered = file.credentialBlob
        tampered.encIdentity[0] ^= 1
        #expect(throws: LoBotError.self) {
            try tpm.activateCredential(ak: w.ak, credentialBlob: tampered, secret: file.secret)
        }
    }

    @Test func certifiedBindKeyVerifies() throws {
        let w = try Self.shared()
        let nonce = try SecureRandom.bytes(20)
        let certified = try w.tpm().certify(key: w.bind, as: .bind, ak: w.ak, nonce: nonce)
        _ = try certified.verify(ak: w.ak.publicArea, nonce: nonce, kind: .bind)
        #expect(throws: LoBotError.self) {
            try certified.verify(ak: w.ak.publicArea, nonce: [UInt8](repeating: 0, count: 20), kind: .bind)
        }
    }

    @Test func rsaDecryptOpensOpenSSLsOAEP() throws {
        let w = try Self.shared()
        let tools = try TemporaryDirectory("lobot-tpm2-oaep")
        let key = try w.bind.publicArea.rsaPublicKey()
        _ = try tools.write("bind.der", subjectPublicKeyInfo(modulus: key.modulus, exponent: key.exponent))
        let message = try SecureRandom.bytes(48)
        _ = try tools.write("message", message)
        let label = Array("LOBOT\0".utf8)
        try succeed(
            try runProcess(
                "/usr/bin/openssl",
                [
                    "pkeyutl", "-encrypt", "-pubin", "-keyform", "DER", "-inkey", tools.file("bind.der"),
                    "-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", "rsa_oaep_md:sha256", "-pkeyopt",
                    "rsa_mgf1_md:sha256",
                    "-pkeyopt", "rsa_oaep_label:" + label.map { String(format: "%02x", $0) }.joined(),
                    "-in", tools.file("message"), "-out", tools.file("ciphertext"),
                ]), "openssl pkeyutl")
        let tpm = try w.tpm()
        let ciphertext = try tools.read("ciphertext")
        #expect(try tpm.rsaDecrypt(bind: w.bind, ciphertext: ciphertext, label: label) == message)
        #expect(throws: LoBotError.self) { try tpm.rsaDecrypt(bind: w.bind, ciphertext: ciphertext, label: []) }
    }

    @Test func saltedSessionEncryptsTheAnswerAndRefusesAForgedOne() throws {
        let w = try Self.shared()
        let key = try w.bind.publicArea.rsaPublicKey()
        let message = try SecureRandom.bytes(32)
        let ciphertext = try key.encryptOAEP(message, label: [], hash: .sha256)
        let tpm = try w.tpm()
        try tpm.withLoadedKey(w.bind, as: .bind) { (handle) throws(LoBotError) in
            try tpm.withSaltedSession { (session) throws(LoBotError) in
                let command = TPM2RSADecrypt(keyHandle: handle, cipherText: ciphertext, label: [])
                let auth = try session.authorize(
                    TPM2RSADecrypt.commandCode, names: [try w.bind.publicArea.name()],
                    parameters: command.parameterBytes, attributes: [.continueSession, .encrypt])
                let response = try tpm.transport.transmit(command.frame(authorizations: [auth]))
                #expect(response.responseCode == 0)
                let parts = try TPM2RSADecrypt.splitResponse(response, authorizations: 1)
                // On the wire: the size, then not the plaintext.
                #expect(parts.parameters.count == 2 + message.count)
                #expect(Array(parts.parameters.dropFirst(2)) != message)
                #expect(parts.auths[0].sessionAttributes.contains(.encrypt))
                // One flipped bit of the answer and its HMAC no longer verifies.
                var forged = parts.parameters
                forged[2] ^= 1
                var copy = session
                #expect(throws: LoBotError.self) {
                    try copy.checkResponse(TPM2RSADecrypt.commandCode, parameters: forged, auth: parts.auths[0])
                }
                let opened = try session.checkResponse(
                    TPM2RSADecrypt.commandCode, parameters: parts.parameters, auth: parts.auths[0])
                #expect(Array(opened.dropFirst(2)) == message)
            }
        }
    }

    @Test func signatureVerifies() throws {
        let w = try Self.shared()
        let message = Array("LoBot signs this".utf8)
        let signature = try w.tpm().sign(key: w.signing, digest: try Digest.sha256(message))
        try signature.verify(message, key: w.signing.publicArea)
    }

    @Test func keyBlobRoundTripsAndWrongShapesAreRefusedBeforeLoading() throws {
        let w = try Self.shared()
        #expect(try TPM2KeyBlob(bytes: w.ak.bytes) == w.ak)
        #expect(throws: LoBotError.self) { try TPM2KeyBlob(bytes: w.ak.bytes + [0]) }
        #expect(throws: LoBotError.self) { try TPM2KeyBlob(bytes: Array(w.ak.bytes.dropLast())) }

        // A key tpm2_create made with its default attributes (sign | decrypt, no noDA).
        let tools = try TemporaryDirectory("lobot-tpm2-foreign")
        try succeed(
            try w.platform.run(
                "/usr/bin/tpm2_createprimary", ["-C", "o", "-G", "ecc", "-c", tools.file("primary.ctx")]))
        try succeed(
            try w.platform.run(
                "/usr/bin/tpm2_create",
                [
                    "-C", tools.file("primary.ctx"), "-G", "rsa2048",
                    "-u", tools.file("key.pub"), "-r", tools.file("key.priv"),
                ]))
        try succeed(try w.platform.run("/usr/bin/tpm2_flushcontext", ["-t"]))
        let foreign = TPM2KeyBlob(
            kind: .signing, privatePart: try TPM2BPrivate(bytes: try tools.read("key.priv")),
            publicPart: try TPM2BPublic(bytes: try tools.read("key.pub")))
        let tpm = try w.tpm()
        for (blob, kind) in [(foreign, TPM2KeyKind.signing), (foreign.withKind(.bind), .bind)] {
            do {
                if kind == .signing {
                    _ = try tpm.sign(key: blob, digest: [UInt8](repeating: 1, count: 32))
                } else {
                    _ = try tpm.rsaDecrypt(bind: blob, ciphertext: [UInt8](repeating: 1, count: 256), label: [])
                }
                Issue.record("a foreign key blob was used")
            } catch {
                // Refused by the shape check, not by the TPM.
                guard case .invalidArgument = error else {
                    Issue.record("refused by the TPM: \(error)")
                    continue
                }
            }
        }
        // A LoBot key blob of another kind is refused too.
        #expect(throws: LoBotError.self) { try tpm.sign(key: w.bind, digest: [UInt8](repeating: 1, count: 32)) }
    }

    @Test func everyHandleAndSessionIsFlushedOnSuccessAndFailure() throws {
        let w = try Self.shared()
        do {
            let tpm = try w.tpm()
            let nonce = try SecureRandom.bytes(16)
            _ = try tpm.quote(ak: w.ak, pcrs: [0, 16], nonce: nonce)
            _ = try tpm.certify(key: w.signing, as: .signing, ak: w.ak, nonce: nonce)
            // Failures inside a loaded key and a policy session: a credential the TPM refuses.
            let bogus = TPM2BIDObject(
                integrityHMAC: [UInt8](repeating: 1, count: 32), encIdentity: [UInt8](repeating: 2, count: 34))
            #expect(throws: LoBotError.self) {
                try tpm.activateCredential(
                    ak: w.ak, credentialBlob: bogus, secret: TPM2BEncryptedSecret([UInt8](repeating: 3, count: 256)))
            }
            #expect(throws: LoBotError.self) {
                try tpm.rsaDecrypt(bind: w.bind, ciphertext: [UInt8](repeating: 4, count: 256), label: [])
            }
        }
        for kind in ["handles-transient", "handles-loaded-session", "handles-saved-session"] {
            let listed = try succeed(try w.platform.run("/usr/bin/tpm2_getcap", [kind]), "tpm2_getcap \(kind)")
            #expect(listed.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "\(kind): \(listed)")
        }
    }

    /// What a process killed mid-operation leaves loaded -- here three storage primaries and a
    /// session, made by commands sent raw and never flushed, which fill libtpms' three object
    /// slots -- is flushed by the next connection's first command: its loads, a certification
    /// and a quote, succeed, and nothing is left loaded after them.
    @Test func leftoversOfAKilledProcessAreFlushedByTheNextConnection() throws {
        let w = try Self.shared()
        do {
            let killed = try w.tpm()
            for _ in 0..<3 {
                let response = try killed.transport.transmit(
                    TPM2CreatePrimary(hierarchy: TPM2Handle.owner, template: TPM2KeyKind.storage.template).frame(authorizations: [.emptyPassword]))
                #expect(response.responseCode == TPM2Response.success)
            }
            // A fourth object does not fit: the slots are full.
            let full = try killed.transport.transmit(
                TPM2CreatePrimary(hierarchy: TPM2Handle.owner, template: TPM2KeyKind.storage.template).frame(authorizations: [.emptyPassword]))
            #expect(full.responseCode == 0x902, "TPM_RC_OBJECT_MEMORY expected, got 0x\(String(full.responseCode, radix: 16))")
            killed.transport.disconnect()
        }
        let listed = try succeed(try w.platform.run("/usr/bin/tpm2_getcap", ["handles-transient"]), "tpm2_getcap")
        #expect(listed.split(separator: "\n").count == 3, "\(listed)")
        let tpm = try w.tpm()
        let nonce = try SecureRandom.bytes(16)
        _ = try tpm.certify(key: w.bind, as: .bind, ak: w.ak, nonce: nonce)
        _ = try tpm.quote(ak: w.ak, pcrs: [0], nonce: nonce)
        tpm.disconnect()
        let after = try succeed(try w.platform.run("/usr/bin/tpm2_getcap", ["handles-transient"]), "tpm2_getcap")
        #expect(after.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "\(after)")
    }

    @Test func endorsementKeyFromTemplateWhenNotPersistent() throws {
        let w = try Self.shared()
        let persistent = try w.tpm().endorsementKey()
        let tools = try TemporaryDirectory("lobot-tpm2-ek-template")
        try succeed(try w.platform.run("/usr/bin/tpm2_evictcontrol", ["-C", "o", "-c", "0x81010001"]))
        defer {
            // Put it back as swtpm_setup left it (the same key: template L-1 under the same seed).
            _ = try? w.platform.run(
                "/usr/bin/tpm2_createek", ["-c", "0x81010001", "-G", "rsa", "-u", tools.file("ek.pub")])
        }
        let tpm = try w.tpm()
        #expect(try tpm.endorsementKey() == persistent)
        // And it activates credentials as the persistent one did.
        _ = try tools.write("ek.pub", TPM2BPublic(persistent).bytes)
        _ = try tools.write("secret", [UInt8](repeating: 7, count: 16))
        let file = try Self.makeCredential(in: tools, for: try w.ak.publicArea.name())
        #expect(
            try tpm.activateCredential(ak: w.ak, credentialBlob: file.credentialBlob, secret: file.secret)
                == [UInt8](repeating: 7, count: 16))
    }

    @Test func counterIsMonotonicAcrossARestart() throws {
        let w = try Self.shared()
        let first = try w.tpm().counter(increment: false)
        let second = try w.tpm().counter(increment: true)
        #expect(second == first + 1)
        #expect(try w.tpm().counter(increment: false) == second)
        try w.platform.reboot()
        #expect(try w.tpm().counter(increment: false) == second)
        #expect(try w.tpm().counter(increment: true) == second + 1)
    }
}

extension TPM2KeyBlob {
    /// The same blob labelled as another kind (what a confused or hostile caller could pass).
    func withKind(_ kind: TPM2KeyKind) -> TPM2KeyBlob {
        TPM2KeyBlob(kind: kind, privatePart: privatePart, publicPart: publicPart)
    }
}

/// DER SubjectPublicKeyInfo of an RSA key, for OpenSSL's command line.
func subjectPublicKeyInfo(modulus: [UInt8], exponent: [UInt8]) -> [UInt8] {
    func length(_ n: Int) -> [UInt8] {
        n < 128 ? [UInt8(n)] : n < 256 ? [0x81, UInt8(n)] : [0x82, UInt8(n >> 8), UInt8(n & 0xff)]
    }
    func tlv(_ tag: UInt8, _ body: [UInt8]) -> [UInt8] { [tag] + length(body.count) + body }
    func integer(_ bytes: [UInt8]) -> [UInt8] { tlv(0x02, (bytes.first ?? 0) & 0x80 != 0 ? [0] + bytes : bytes) }
    let rsaKey = tlv(0x30, integer(modulus) + integer(exponent))
    let algorithm = tlv(0x30, [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00])
    return tlv(0x30, algorithm + tlv(0x03, [0] + rsaKey))
}

extension PlatformTPM2Tests {
    /// tpm2_makecredential in software (`--tcti none`) for `name` with the EK in `tools`/ek.pub and
    /// the secret in `tools`/secret: the credential file as tpm2-tools writes it.
    static func makeCredential(in tools: TemporaryDirectory, for name: [UInt8]) throws -> TPM2CredentialFile {
        try succeed(
            try runProcess(
                "/usr/bin/tpm2_makecredential",
                [
                    "--tcti", "none", "-u", tools.file("ek.pub"), "-s", tools.file("secret"),
                    "-n", name.map { String(format: "%02x", $0) }.joined(), "-o", tools.file("credential"),
                ]), "tpm2_makecredential")
        return try TPM2CredentialFile(bytes: try tools.read("credential"))
    }
}
