// A provisioning onto a real TPM 2.0 platform, as `lobot` and `lobot-factory` wrote its messages
// (Fixtures/tpm2-lsp, scripts/capture-tpm2-lsp-fixtures): the TPM 2.0 forms of the protocol's
// structures -- the destination keys certified by TPM2_Certify, a message signed by TPM2_Sign,
// PlatformPublicKey, the boot result version 2 with its TPM2_Quote -- parse, serialize back byte
// for byte, refuse every truncation, and check out the way the factory checks them; and the
// binding of LoBot_D to the platform's SHA-256 PCR 6 is exactly PlatformBinding's.
import LoBotCore
import Testing

@Suite struct TPM2SessionFixtureTests {
    static func fixture(_ name: String) throws -> [UInt8] { try realFixture("tpm2-lsp", name) }
    static func envelope(_ name: String) throws -> Envelope { try Envelope(bytes: try fixture(name)) }

    /// The open's session, its body, the destination's certified keys and the factory CA's key.
    static func session() throws -> (open: Envelope, body: OpenBody, keys: DestinationKeysBody, ca: RSAPublicKey) {
        let open = try envelope("01-open.msg")
        let keys = try DestinationKeysBody(bytes: try envelope("04-destination-keys.msg").body)
        return (open, try OpenBody(bytes: open.body), keys, try X509Certificate(der: try fixture("ca.cert")).publicKey())
    }

    @Test func destinationKeysCertifiedByTheAKVerifyAndSignTheMessage() throws {
        let (open, _, _, ca) = try Self.session()
        let bytes = try Self.fixture("04-destination-keys.msg")
        let envelope = try Envelope(bytes: bytes)
        try checkWireStructure(envelope, known: bytes, fixedFieldOffsets: [0, 1, 2, 3, 4])
        try envelope.expect(.destinationKeys, session: open.session, nonce: open.nonce, from: "p2", to: "factory")
        let body = try DestinationKeysBody(bytes: envelope.body)
        try checkWireStructure(body, known: envelope.body, fixedFieldOffsets: [0, 1, 2, 3, 4])
        guard case .tpm20(let bind, let signing, let ak) = body.keys else {
            Issue.record("a TPM 2.0 platform's keys parsed as \(body.keys.family.name)'s")
            return
        }
        // The certificate's key is the AK that certified both keys with the session nonce; TPM2_Sign's
        // RSASSA-SHA256 signature is the envelope's PKCS#1 v1.5 SHA-256 signature.
        let aik = try body.verify(factory: ca, nonce: open.nonce)
        #expect(aik.modulus == (try ak.rsaPublicKey()).modulus)
        try envelope.verify(sender: try body.keys.signingKey.rsaPublicKey())
        #expect(body.keys.bindKey == .tpm20(bind.key.publicArea) && body.keys.signingKey == .tpm20(signing.key.publicArea))

        // Another nonce, another CA, the keys swapped, or an AK other than the certificate's: refused.
        #expect(throws: LoBotError.self) { try body.verify(factory: ca, nonce: nonce(0)) }
        #expect(throws: LoBotError.self) { try body.verify(factory: try RSAPrivateKey.generate(bits: 2048).publicKey(), nonce: open.nonce) }
        let swapped = DestinationKeysBody(keys: .tpm20(bind: signing, signing: bind, ak: ak), aikCertificate: body.aikCertificate)
        #expect(throws: LoBotError.self) { try swapped.verify(factory: ca, nonce: open.nonce) }
        let otherAK = DestinationKeysBody(keys: .tpm20(bind: bind, signing: signing, ak: signing.key.publicArea),
                                          aikCertificate: body.aikCertificate)
        #expect(throws: LoBotError.self) { try otherAK.verify(factory: ca, nonce: open.nonce) }
        var altered = envelope
        altered.body[altered.body.count - 3] ^= 0x01
        #expect(throws: LoBotError.self) { try altered.verify(sender: try body.keys.signingKey.rsaPublicKey()) }
    }

    @Test func platformPublicKeysOfBothFamiliesSayWhichTheyAre() throws {
        let keys = try Self.session().keys
        for key in [keys.keys.bindKey, keys.keys.signingKey] {
            #expect(key.family == .tpm2)
            try checkWireStructure(key, known: key.bytes)
            // In a sized field, as messages and journals carry it; an empty field is none.
            var writer = ByteWriter()
            PlatformPublicKey.serializeSized(key, into: &writer)
            PlatformPublicKey.serializeSized(nil, into: &writer)
            var reader = ByteReader(writer.bytes)
            #expect(try PlatformPublicKey.parseSized(from: &reader, field: "key") == key)
            #expect(try PlatformPublicKey.parseSized(from: &reader, field: "key") == nil)
        }
        // A TPM 1.2 platform's keys (Fixtures/factory) keep the bytes they always had: a TPM_PUBKEY.
        let tpm12 = try DestinationKeysBody(bytes: try Envelope(bytes: try realFixture("factory", "04-destination-keys.msg")).body)
        guard case .tpm12(let bind, _) = tpm12.keys else {
            Issue.record("a TPM 1.2 platform's keys parsed as \(tpm12.keys.family.name)'s")
            return
        }
        #expect(tpm12.keys.bindKey.bytes == bind.key.bytes && tpm12.keys.bindKey.family == .tpm12)
        try checkWireStructure(tpm12.keys.bindKey, known: bind.key.bytes)
    }

    @Test func theLoBotPackageIsSignedByTheFactoryAndEncryptedToTheTPM2BindKey() throws {
        let (open, _, keys, ca) = try Self.session()
        let package = try Self.envelope("05-lobot-package.msg")
        try package.verify(sender: ca)
        try package.expect(.lobotPackage, session: open.session, nonce: open.nonce, from: "factory", to: "p2")
        // Its key is wrapped by RSA-OAEP to the TPM 2.0 bind key: one modulus long, no TPM_BOUND_DATA head.
        #expect(package.wrappedKey?.count == (try keys.keys.bindKey.rsaPublicKey()).sizeInBytes)
    }

    @Test func lobotDsReportIsAVersion2BootResultBoundToTheSHA256Bank() throws {
        let (open, body, keys, _) = try Self.session()
        let report = try Self.envelope("07-lobot-report.msg")
        try report.expect(.lobotReport, session: open.session, nonce: open.nonce, from: "p2", to: "factory")
        try report.verify(sender: try keys.keys.signingKey.rsaPublicKey())
        let result = try BootResult(bytes: report.body)
        #expect(report.body[4] == 2, "a TPM 2.0 platform's boot result is version 2")
        try checkWireStructure(result, known: report.body, fixedFieldOffsets: [0, 1, 2, 3, 4])
        guard case .tpm20(let file)? = result.platformQuote, case .tpm20(_, _, let ak) = keys.keys, let vtpmQuote = result.vtpmQuote else {
            Issue.record("the report carries no TPM 2.0 quote")
            return
        }
        try checkWireStructure(try #require(result.platformQuote), known: file.bytes, fixedFieldOffsets: [0, 1, 2, 3, 4])
        #expect(result.platformPCR6Before.count == 32)

        // The quote is the AK's, over the nonce the open issued for it, and its values are the quoted ones.
        try file.verify(ak: ak, nonce: body.quoteNonce.value)
        #expect(throws: LoBotError.self) { try file.verify(ak: ak, nonce: body.vtpmNonce.value) }
        let (signed, pcrs) = try file.toolFiles()
        let sha256 = signed.quoted(pcrs).filter { $0.bank == DigestAlgorithm.sha256.tpmAlgorithmID }
        #expect(sha256.map { $0.pcr } == Array(0...15))

        // Step 8's binding as the agent made it on the TPM: PCR 6 is its value before extended by
        // LoBot_D's identity, and the vTPM's PCR 6 carries the platform's PCRs 0-6.
        var identityValues: [SHA1Digest] = []
        for index in BootMeasurements.identityPCRs { identityValues.append(try #require(vtpmQuote.composite.value(of: index))) }
        let identity = try PCRComposite(selection: try PCRSelection(BootMeasurements.identityPCRs), values: identityValues)
        let expected = try PlatformBinding.extended(
            result.platformPCR6Before, by: try PlatformBinding.platformExtension(identity: identity, family: .tpm2), family: .tpm2)
        #expect(sha256[BootMeasurements.bindingPCR].value == expected)
        let platformSeven = try PlatformBinding.vtpmExtension(platformValues: Array(sha256[0...6]).map { $0.value }, family: .tpm2)
        #expect(vtpmQuote.composite.value(of: BootMeasurements.bindingPCR) == (try SHA1Digest.of(SHA1Digest.zero.value + platformSeven.value)))
        // The TPM 1.2 formula does not give it.
        #expect(sha256[BootMeasurements.bindingPCR].value
            != (try Digest.sha256(result.platformPCR6Before + (try identity.compositeHash()).value)))

        // A version 1 header with this TPM 2.0 quote is refused, as is a 20-byte PCR 6.
        var version1 = report.body
        version1[4] = 1
        #expect(parseError(BootResult.self, version1) != nil)
    }
}
