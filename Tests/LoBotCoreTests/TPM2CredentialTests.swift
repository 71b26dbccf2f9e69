// TPM 2.0 credential protection (TPM2Credential) against tpm2-tools: `tpm2_makecredential -T none`
// made soft-credential.out for the Name in ak.name with the software RSA key soft-protector.key.pem
// (Fixtures/tpm2/NOTES.md, scripts/capture-tpm2-credential-fixture). The swtpm side (our `make`,
// a real TPM's TPM2_ActivateCredential) is in EndToEndTests/TPM2CredentialInteropTests.swift.
import Foundation
import TestSupport
import Testing

@testable import LoBotCore

@Suite struct TPM2CredentialTests {
    static let secret = Array("LoBot software-key credential 32".utf8)

    static func fixture(_ name: String) throws -> [UInt8] { try realFixture("tpm2", name) }

    /// The software protector key, read from its PKCS#1 PEM.
    static func privateKey() throws -> RSAPrivateKey {
        let pem = String(decoding: try fixture("soft-protector.key.pem"), as: UTF8.self)
        let body = pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        let der = try #require(Data(base64Encoded: body))
        return try RSAPrivateKey(der: [UInt8](der))
    }

    /// The public area tpm2_makecredential gives a PEM key: RSA-2048, nameAlg SHA-256,
    /// AES-128-CFB, as the TCG default EK template has.
    static func protector(_ key: RSAPrivateKey) -> TPMTPublic {
        TPMTPublic(
            nameAlg: .sha256, objectAttributes: [.fixedTPM, .restricted, .decrypt],
            key: .rsa(
                parameters: TPMSRSAParms(symmetric: .aes(keyBits: 128), scheme: .null, keyBits: 2048),
                modulus: TPM2BPublicKeyRSA(key.modulus)))
    }

    static func activate(_ file: TPM2CredentialFile, name: [UInt8], key: RSAPrivateKey) throws -> [UInt8] {
        try TPM2Credential.activate(
            credentialBlob: file.credentialBlob, secret: file.secret, objectName: name, protector: protector(key),
            privateKey: key)
    }

    @Test func activateOpensACredentialTpm2MakecredentialMade() throws {
        let key = try Self.privateKey()
        let file = try TPM2CredentialFile(bytes: try Self.fixture("soft-credential.out"))
        #expect(try Self.activate(file, name: try Self.fixture("ak.name"), key: key) == Self.secret)
    }

    @Test func makeWithTpm2ToolsSeedReproducesItsCredentialBlobByteForByte() throws {
        // The seed tpm2-tools chose, recovered with the private key; our protection of the same
        // credential for the same Name must give the same TPM2B_ID_OBJECT.
        let key = try Self.privateKey()
        let file = try TPM2CredentialFile(bytes: try Self.fixture("soft-credential.out"))
        let seed = try key.decryptOAEP(file.secret.buffer, label: TPM2Credential.oaepLabel, hash: .sha256, what: "seed")
        #expect(seed.count == 32)
        let blob = try TPM2Credential.protect(
            credential: Self.secret, objectName: try Self.fixture("ak.name"), seed: seed,
            parameters: try TPM2Credential.Parameters(Self.protector(key)))
        #expect(blob == file.credentialBlob)
        #expect(blob.bytes == file.credentialBlob.bytes)
    }

    @Test func everyBitFlipInTheCredentialBlobIsRefused() throws {
        let key = try Self.privateKey()
        let name = try Self.fixture("ak.name")
        let file = try TPM2CredentialFile(bytes: try Self.fixture("soft-credential.out"))
        let blob = file.credentialBlob.bytes
        for bit in 0..<(blob.count * 8) {
            var altered = blob
            altered[bit / 8] ^= 1 << UInt8(bit % 8)
            #expect(throws: LoBotError.self, "bit \(bit)") {
                let parsed = try TPM2BIDObject(bytes: altered)
                return try Self.activate(
                    TPM2CredentialFile(credentialBlob: parsed, secret: file.secret.buffer), name: name, key: key)
            }
        }
    }

    @Test func aBitFlipInEveryByteOfTheEncryptedSecretIsRefused() throws {
        let key = try Self.privateKey()
        let name = try Self.fixture("ak.name")
        let file = try TPM2CredentialFile(bytes: try Self.fixture("soft-credential.out"))
        for index in 0..<file.secret.buffer.count {
            var altered = file.secret.buffer
            altered[index] ^= 1 << UInt8(index % 8)
            #expect(throws: LoBotError.self, "byte \(index)") {
                try Self.activate(
                    TPM2CredentialFile(credentialBlob: file.credentialBlob, secret: altered), name: name, key: key)
            }
        }
    }

    @Test func everyTruncationOfTheCredentialFileIsRefused() throws {
        let key = try Self.privateKey()
        let name = try Self.fixture("ak.name")
        let bytes = try Self.fixture("soft-credential.out")
        for count in 0..<bytes.count {
            #expect(throws: LoBotError.self, "\(count) bytes") {
                try Self.activate(try TPM2CredentialFile(bytes: Array(bytes[0..<count])), name: name, key: key)
            }
        }
    }

    @Test func anotherObjectsNameIsRefused() throws {
        let key = try Self.privateKey()
        let file = try TPM2CredentialFile(bytes: try Self.fixture("soft-credential.out"))
        var name = try Self.fixture("ak.name")
        name[33] ^= 0x01
        #expect(throws: LoBotError.authentication(what: "TPM 2.0 credential")) {
            try Self.activate(file, name: name, key: key)
        }
        #expect(throws: LoBotError.self) { try Self.activate(file, name: try Self.fixture("ak-rsapss.name"), key: key) }
    }

    @Test func makeThenActivateRoundTripsEveryCredentialLength() throws {
        let key = try RSAPrivateKey.generate()
        let name = try Self.fixture("ak.name")
        for length in [1, 16, 31, 32] {
            let credential = [UInt8](repeating: UInt8(length), count: length)
            let made = try TPM2Credential.make(credential: credential, objectName: name, protector: Self.protector(key))
            #expect(made.secret.buffer.count == 256)
            #expect(made.credentialBlob.encIdentity.count == 2 + length)
            let reread = try TPM2CredentialFile(bytes: made.bytes)
            #expect(try Self.activate(reread, name: name, key: key) == credential)
        }
    }

    @Test func makeUsesAFreshSeedEachTime() throws {
        let key = try RSAPrivateKey.generate()
        let name = try Self.fixture("ak.name")
        let first = try TPM2Credential.make(credential: Self.secret, objectName: name, protector: Self.protector(key))
        let second = try TPM2Credential.make(credential: Self.secret, objectName: name, protector: Self.protector(key))
        #expect(first.secret != second.secret)
        #expect(first.credentialBlob != second.credentialBlob)
    }

    @Test func makeRefusesACredentialLongerThanTheNameAlgDigestOrEmpty() throws {
        let key = try RSAPrivateKey.generate()
        let name = try Self.fixture("ak.name")
        for length in [0, 33, 64] {
            #expect(throws: LoBotError.self, "\(length) bytes") {
                try TPM2Credential.make(
                    credential: [UInt8](repeating: 1, count: length), objectName: name, protector: Self.protector(key))
            }
        }
    }

    @Test func activateRefusesAnAuthenticCredentialLongerThanTheNameAlgDigest() throws {
        // Made by hand with a correct HMAC: a maker that ignores the size rule is still refused.
        let key = try RSAPrivateKey.generate()
        let name = try Self.fixture("ak.name")
        let seed = [UInt8](repeating: 7, count: 32)
        let symKey = try TPM2KDF.kdfa(.sha256, key: seed, label: "STORAGE", contextU: name, contextV: [], bits: 128)
        let plain: [UInt8] = [0, 33] + [UInt8](repeating: 9, count: 33)
        let encIdentity = try AESCFB.encrypt(plain, key: symKey, iv: [UInt8](repeating: 0, count: 16))
        let hmacKey = try TPM2KDF.kdfa(.sha256, key: seed, label: "INTEGRITY", contextU: [], contextV: [], bits: 256)
        let integrity = try HMAC.authenticate(encIdentity + name, key: hmacKey, algorithm: .sha256)
        let secret = try key.publicKey().encryptOAEP(seed, label: TPM2Credential.oaepLabel, hash: .sha256)
        let file = TPM2CredentialFile(
            credentialBlob: TPM2BIDObject(integrityHMAC: integrity, encIdentity: encIdentity), secret: secret)
        #expect(throws: LoBotError.authentication(what: "TPM 2.0 credential")) {
            try Self.activate(file, name: name, key: key)
        }
    }

    @Test func protectorsThatAreNotRSAParentsAreRefused() throws {
        let name = try Self.fixture("ak.name")
        let ak = try TPM2BPublic(bytes: try Self.fixture("ak.pub")).publicArea  // symmetric NULL
        let ecc = try TPM2BPublic(bytes: try Self.fixture("ek-ecc.pub")).publicArea
        for protector in [ak, ecc] {
            #expect(throws: LoBotError.self) {
                try TPM2Credential.make(credential: Self.secret, objectName: name, protector: protector)
            }
        }
    }

    @Test func activateRefusesAPrivateKeyThatIsNotTheProtectors() throws {
        let key = try Self.privateKey()
        let other = try RSAPrivateKey.generate()
        let file = try TPM2CredentialFile(bytes: try Self.fixture("soft-credential.out"))
        #expect(throws: LoBotError.self) {
            try TPM2Credential.activate(
                credentialBlob: file.credentialBlob, secret: file.secret, objectName: try Self.fixture("ak.name"),
                protector: Self.protector(key), privateKey: other)
        }
    }

    @Test func oaepWithSHA256RoundTripsAndIsNotSHA1() throws {
        let key = try RSAPrivateKey.generate()
        let blob = try key.publicKey().encryptOAEP([1, 2, 3], label: TPM2Credential.oaepLabel, hash: .sha256)
        #expect(try key.decryptOAEP(blob, label: TPM2Credential.oaepLabel, hash: .sha256, what: "x") == [1, 2, 3])
        #expect(throws: LoBotError.authentication(what: "x")) {
            try key.decryptOAEP(blob, label: TPM2Credential.oaepLabel, what: "x")
        }
    }
}
