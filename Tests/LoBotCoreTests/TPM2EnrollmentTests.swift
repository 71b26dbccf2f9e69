// The TPM 2.0 enrollment's own pieces in LoBotCore: the shapes of the keys LoBot makes and trusts
// (TPM2KeyKind, TPM2EndorsementKey) checked on keys a real swtpm and tpm2-tools made, and the
// request a TPM 2.0 platform sends the factory, made from those keys: round trip and the battery.
import LoBotCore
import Testing
import TestSupport

@Suite struct TPM2EnrollmentTests {
    static func publicArea(_ name: String) throws -> TPMTPublic { try TPM2BPublic(bytes: try realFixture("tpm2", name)).publicArea }

    @Test func theEndorsementKeySwtpmSetupMadeIsOneLoBotEncryptsTo() throws {
        try TPM2EndorsementKey.check(try Self.publicArea("ek-rsa.pub"))
    }

    @Test(arguments: ["ek-ecc.pub", "ak.pub", "bind-key.pub"])
    func keysThatAreNotRSADecryptionEndorsementKeysAreRefused(_ name: String) throws {
        #expect(throws: LoBotError.self) { try TPM2EndorsementKey.check(try Self.publicArea(name)) }
    }

    /// tpm2_createak and tpm2_create made these with their own defaults (no noDA, a null or PSS
    /// scheme, ECC): none is shaped as LoBot makes the kind, so none would be loaded or certified.
    @Test(arguments: [
        ("ak.pub", TPM2KeyKind.attestation), ("ak-rsapss.pub", .attestation), ("ak-ecc.pub", .attestation),
        ("bind-key.pub", .bind), ("ecc-key.pub", .signing), ("ek-rsa.pub", .storage),
    ])
    func keysToolsMadeWithTheirDefaultsAreNotShapedAsLoBotMakesThem(_ name: String, _ kind: TPM2KeyKind) throws {
        #expect(throws: LoBotError.self) { try kind.check(try Self.publicArea(name)) }
    }

    @Test(arguments: [TPM2KeyKind.attestation, .bind, .signing, .storage])
    func aKeyMadeFromItsTemplatePassesAndAnyAttributeChangedIsRefused(_ kind: TPM2KeyKind) throws {
        var key = kind.template
        guard case .rsa(let parameters, _) = key.key else { Issue.record("template is not RSA"); return }
        key.key = .rsa(parameters: parameters, modulus: TPM2BPublicKeyRSA([0xc5] + [UInt8](repeating: 0x5a, count: 255)))
        try kind.check(key)
        for bit in 0..<32 {
            var changed = key
            changed.objectAttributes = TPMAObject(rawValue: key.objectAttributes.rawValue ^ (1 << UInt32(bit)))
            #expect(throws: LoBotError.self) { try kind.check(changed) }
        }
        var policy = key
        policy.authPolicy = TPM2BDigest([UInt8](repeating: 1, count: 32))
        #expect(throws: LoBotError.self) { try kind.check(policy) }
        var short = key
        short.key = .rsa(parameters: parameters, modulus: TPM2BPublicKeyRSA([UInt8](repeating: 0x5a, count: 128)))
        #expect(throws: LoBotError.self) { try kind.check(short) }
    }

    @Test func theIdentityRequestRoundTripsAndRefusesDamage() throws {
        let request = TPM2IdentityRequest(
            label: Array("platform-a".utf8), endorsementKey: try Self.publicArea("ek-rsa.pub"),
            attestationKey: try Self.publicArea("ak.pub"), endorsementCertificate: try realFixture("factory", "ca.cert"))
        let bytes = request.bytes
        #expect(try TPM2IdentityRequest(bytes: bytes) == request)
        try checkWireStructure(request, known: bytes, fixedFieldOffsets: [0, 1, 2, 3, 4])
        var empty = request
        empty.label = []
        #expect(parseError(TPM2IdentityRequest.self, empty.bytes) != nil)
        empty = request
        empty.endorsementCertificate = []
        #expect(parseError(TPM2IdentityRequest.self, empty.bytes) != nil)
    }
}

extension TPM2EnrollmentTests {
    /// tpm2_certify's certification of the tool-made bind key by the RSASSA AK, with the 4 bytes of
    /// qualifying data tpm2_certify 5.4 always sends (NOTES.md).
    static func toolCertifiedKey() throws -> TPM2CertifiedKey {
        TPM2CertifiedKey(
            key: try publicArea("bind-key.pub"), certifyInfo: try TPMSAttest(bytes: try realFixture("tpm2", "certify.attest")),
            signature: try TPMTSignature(bytes: try realFixture("tpm2", "certify.sig")))
    }

    static let toolNonce: [UInt8] = [0x00, 0xff, 0x55, 0xaa]

    @Test func aCertificationSwtpmMadeChecksAndNothingElseDoes() throws {
        let certified = try Self.toolCertifiedKey()
        let ak = try Self.publicArea("ak.pub")
        try certified.checkCertification(by: ak, nonce: Self.toolNonce, what: "bind key")
        #expect(throws: LoBotError.self) { try certified.checkCertification(by: ak, nonce: [1, 2, 3, 4], what: "bind key") }
        #expect(throws: LoBotError.self) { try certified.checkCertification(by: try Self.publicArea("ak-rsapss.pub"), nonce: Self.toolNonce, what: "bind key") }
        var other = certified
        other.key = TPM2BPublic(try Self.publicArea("ecc-key.pub"))
        #expect(throws: LoBotError.self) { try other.checkCertification(by: ak, nonce: Self.toolNonce, what: "bind key") }
        // Neither the AK nor the key is shaped as LoBot makes them: the full check refuses first.
        #expect(throws: LoBotError.self) { _ = try certified.verify(ak: ak, nonce: Self.toolNonce, kind: .bind) }
        let bytes = certified.bytes
        #expect(try TPM2CertifiedKey(bytes: bytes) == certified)
        try checkWireStructure(certified, known: bytes, fixedFieldOffsets: [0, 1, 2, 3, 4])
        for offset in stride(from: 5, to: bytes.count, by: 7) {
            var flipped = bytes
            flipped[offset] ^= 0x04
            guard let parsed = try? TPM2CertifiedKey(bytes: flipped) else { continue }
            #expect(throws: LoBotError.self) { try parsed.checkCertification(by: ak, nonce: Self.toolNonce, what: "bind key") }
        }
    }
}

extension TPM2EnrollmentTests {
    @Test func aQuoteFileOfSwtpmsQuoteRoundTripsAndRefusesACertification() throws {
        let pcrs = try realFixture("tpm2", "quote.pcrs")
        let values = stride(from: 0, to: pcrs.count, by: 32).map { Array(pcrs[$0..<$0 + 32]) }
        let file = TPM2QuoteFile(
            quoted: try TPMSAttest(bytes: try realFixture("tpm2", "quote.msg")),
            signature: try TPMTSignature(bytes: try realFixture("tpm2", "quote.sig")), values: values)
        let bytes = file.bytes
        #expect(try TPM2QuoteFile(bytes: bytes) == file)
        #expect(file.values.count == 5)
        try checkWireStructure(file, known: bytes, fixedFieldOffsets: [0, 1, 2, 3, 4])
        var certification = file
        certification.quoted = try Self.toolCertifiedKey().certifyInfo
        #expect(parseError(TPM2QuoteFile.self, certification.bytes) != nil)
    }
}

extension TPM2EnrollmentTests {
    /// The answer as the factory makes it, opened as the TPM would: the credential recovered from
    /// the blob with the protector's private key (here a software one), then the certificate.
    @Test func anAnswerOpensOnlyWithItsCredentialForItsAK() throws {
        let key = try TPM2CredentialTests.privateKey()
        let protector = TPM2CredentialTests.protector(key)
        let akName = try Self.publicArea("ak.pub").name()
        let credential = [UInt8](repeating: 0x3c, count: TPM2EnrollmentAnswer.credentialLength)
        let certificate = try realFixture("factory", "ca.cert")
        let made = try TPM2Credential.make(credential: credential, objectName: akName, protector: protector)
        let answer = try TPM2EnrollmentAnswer.sealing(
            certificate: certificate, credential: credential, akName: akName, credentialBlob: made.credentialBlob, secret: made.secret)
        let parsed = try TPM2EnrollmentAnswer(bytes: answer.bytes)
        #expect(parsed == answer)
        try checkWireStructure(answer, known: answer.bytes, fixedFieldOffsets: [0, 1, 2, 3, 4])
        var recovered = try TPM2Credential.activate(
            credentialBlob: parsed.credentialBlob, secret: parsed.secret, objectName: akName, protector: protector, privateKey: key)
        defer { wipe(&recovered) }
        #expect(try parsed.certificate(credential: recovered, akName: akName) == certificate)
        let otherName = try Self.publicArea("ak-rsapss.pub").name()
        #expect(throws: LoBotError.self) { try parsed.certificate(credential: recovered, akName: otherName) }
        #expect(throws: LoBotError.self) {
            try TPM2Credential.activate(credentialBlob: parsed.credentialBlob, secret: parsed.secret, objectName: otherName,
                                        protector: protector, privateKey: key)
        }
        var flipped = parsed
        flipped.sealedCertificate.ciphertext[7] ^= 1
        #expect(throws: LoBotError.self) { try flipped.certificate(credential: recovered, akName: akName) }
    }
}
