// The TPM 2.0 structures LoBot reads, checked on bytes a real TPM 2.0 (swtpm) and tpm2-tools wrote
// (Fixtures/tpm2, NOTES.md says how): each parses and serializes back byte for byte, passes the
// shared battery (every truncation, a trailing byte, flips of its fixed fields), and says what the
// capture's fixed inputs say: the quote's nonce and PCR digest, the AK's signature, Names.
import LoBotCore
import Testing
import TestSupport

@Suite struct TPM2StructureTests {
    static func fixture(_ name: String) throws -> [UInt8] { try realFixture("tpm2", name) }

    static func publicKey(_ name: String) throws -> TPM2BPublic { try TPM2BPublic(bytes: try fixture(name)) }

    /// The quote's nonce (`tpm2_quote -q`): 32 x 0x11.
    static let quoteNonce = [UInt8](repeating: 0x11, count: 32)

    /// The SHA-256 bank's PCRs at capture time: zero but PCR 16, extended once with 32 x 0xab.
    static func capturedPCR(_ index: Int) throws -> [UInt8] {
        guard index == 16 else { return [UInt8](repeating: 0, count: 32) }
        return try Digest.sha256([UInt8](repeating: 0, count: 32) + [UInt8](repeating: 0xab, count: 32))
    }

    // MARK: TPM2B_PUBLIC / TPMT_PUBLIC

    @Test(arguments: ["ek-rsa.pub", "ek-ecc.pub", "ak.pub", "ak-rsapss.pub", "ak-ecc.pub", "bind-key.pub", "ecc-key.pub"])
    func publicAreaRoundTrips(_ name: String) throws {
        let bytes = try Self.fixture(name)
        let key = try TPM2BPublic(bytes: bytes)
        try checkWireStructure(key, known: bytes, fixedFieldOffsets: [2, 3])
        try checkWireStructure(key.publicArea, known: Array(bytes.dropFirst(2)), fixedFieldOffsets: [0, 1])
    }

    @Test(arguments: [
        ("ek-rsa.pub", "ek-rsa.name"), ("ek-ecc.pub", "ek-ecc.name"), ("ak.pub", "ak.name"),
        ("ak-rsapss.pub", "ak-rsapss.name"), ("ak-ecc.pub", "ak-ecc.name"), ("bind-key.pub", "bind-key.name"),
    ])
    func nameIsTheOneTheTPMGave(_ pub: String, _ name: String) throws {
        #expect(try Self.publicKey(pub).name() == (try Self.fixture(name)))
    }

    @Test func rsaEKHasTheTCGDefaultTemplate() throws {
        let ek = try Self.publicKey("ek-rsa.pub").publicArea
        #expect(ek.type == .rsa && ek.nameAlg == .sha256)
        #expect(ek.objectAttributes == [.fixedTPM, .fixedParent, .sensitiveDataOrigin, .adminWithPolicy, .restricted, .decrypt])
        // The TCG EK credential profile's policy: PolicySecret(TPM_RH_ENDORSEMENT).
        #expect(ek.authPolicy.buffer == hexBytes("837197674484b3f81a90cc8d46a5d724fd52d76e06520b64f2a1da1b331469aa"))
        guard case .rsa(let parameters, let modulus) = ek.key else { Issue.record("EK is not RSA"); return }
        #expect(parameters.symmetric == .aes(keyBits: 128, mode: .cfb))
        #expect(parameters.scheme == .null)
        #expect(parameters.keyBits == 2048 && parameters.exponent == 0 && modulus.buffer.count == 256)
        #expect(try ek.rsaPublicKey().modulus == modulus.buffer)
    }

    @Test func eccEKIsP384WithSHA384Name() throws {
        let ek = try Self.publicKey("ek-ecc.pub").publicArea
        #expect(ek.nameAlg == .sha384)
        guard case .ecc(let parameters, let point) = ek.key else { Issue.record("EK is not ECC"); return }
        #expect(parameters.curveID == .nistP384 && parameters.scheme == .null && parameters.kdf == .null)
        #expect(parameters.symmetric == .aes(keyBits: 256, mode: .cfb))
        #expect(point.x.buffer.count == 48 && point.y.buffer.count == 48)
        #expect(throws: LoBotError.self) { try ek.rsaPublicKey() }
    }

    @Test func aksAreRestrictedSigningKeysWithTheirSchemes() throws {
        for (name, scheme) in [("ak.pub", TPMAlgorithm.rsassa), ("ak-rsapss.pub", .rsapss), ("ak-ecc.pub", .ecdsa)] {
            let ak = try Self.publicKey(name).publicArea
            #expect(ak.objectAttributes.contains([.restricted, .sign, .fixedTPM, .fixedParent, .sensitiveDataOrigin]))
            #expect(!ak.objectAttributes.contains(.decrypt))
            switch ak.key {
            case .rsa(let parameters, _): #expect(parameters.scheme == .scheme(scheme, hash: .sha256))
            case .ecc(let parameters, _):
                #expect(parameters.scheme == .scheme(scheme, hash: .sha256))
                #expect(parameters.curveID == .nistP256)
            }
        }
        let bind = try Self.publicKey("bind-key.pub").publicArea
        #expect(bind.objectAttributes.contains(.decrypt) && !bind.objectAttributes.contains(.restricted))
    }

    /// The structures inside the real public areas and quote, each through the battery on its own.
    @Test func nestedStructuresPassTheBattery() throws {
        for name in ["ek-rsa.pub", "ek-ecc.pub", "ak.pub", "ak-rsapss.pub", "ak-ecc.pub", "bind-key.pub", "ecc-key.pub"] {
            let area = try Self.publicKey(name).publicArea
            try checkWireStructure(area.authPolicy, known: area.authPolicy.bytes)
            switch area.key {
            case .rsa(let parameters, let modulus):
                try checkWireStructure(parameters, known: parameters.bytes)
                try checkWireStructure(parameters.symmetric, known: parameters.symmetric.bytes, fixedFieldOffsets: [0, 1])
                try checkWireStructure(parameters.scheme, known: parameters.scheme.bytes)
                try checkWireStructure(modulus, known: modulus.bytes)
            case .ecc(let parameters, let point):
                try checkWireStructure(parameters, known: parameters.bytes)
                try checkWireStructure(parameters.symmetric, known: parameters.symmetric.bytes, fixedFieldOffsets: [0, 1])
                try checkWireStructure(parameters.scheme, known: parameters.scheme.bytes)
                try checkWireStructure(parameters.kdf, known: parameters.kdf.bytes)
                try checkWireStructure(point, known: point.bytes)
            }
        }
        let quote = try #require(try TPMSAttest(bytes: try Self.fixture("quote.msg")).quote)
        try checkWireStructure(quote.pcrSelect, known: hexBytes("00000001 000b 03 0f0001"))
        try checkWireStructure(quote.pcrSelect.pcrSelections[0], known: hexBytes("000b 03 0f0001"))
        #expect(quote.pcrSelect.pcrSelections[0].pcrs == [0, 1, 2, 3, 16])
    }

    @Test func publicRefusesSizeThatIsNotItsContent() throws {
        var bytes = try Self.fixture("ak.pub")
        bytes[1] -= 1  // size one short: the TPMT_PUBLIC runs past it
        #expect(parseError(TPM2BPublic.self, bytes) != nil)
        bytes[1] += 2  // one long: a byte of the TPMT_PUBLIC is missing
        #expect(parseError(TPM2BPublic.self, bytes + [0]) != nil)
        var oversized = try Self.fixture("ak.pub")
        oversized[0] = 0xff
        guard case .parse(let failure)? = parseError(TPM2BPublic.self, oversized), case .lengthTooLarge = failure.kind else {
            Issue.record("an oversized TPM2B_PUBLIC size was not refused before reading")
            return
        }
    }

    @Test func publicRefusesKeyedHashAndUnknownSchemes() throws {
        var keyedHash = try Self.fixture("ak.pub")
        keyedHash[3] = 0x08  // type TPM_ALG_KEYEDHASH
        #expect(parseError(TPM2BPublic.self, keyedHash) != nil)
        var eccScheme = try Self.fixture("ak.pub")
        // RSA parameters start after type, nameAlg, attributes and the empty authPolicy: byte 12
        // is the symmetric algorithm (NULL), 14-15 the scheme: ECDSA is not an RSA scheme.
        #expect(Array(eccScheme[12..<16]) == hexBytes("0010 0014"))
        eccScheme[15] = 0x18
        #expect(parseError(TPM2BPublic.self, eccScheme) != nil)
    }

    // MARK: TPMS_ATTEST

    @Test func quoteAttestsTheNonceAndThePCRs() throws {
        let bytes = try Self.fixture("quote.msg")
        let attest = try TPMSAttest(bytes: bytes)
        try checkWireStructure(attest, known: bytes, fixedFieldOffsets: [0, 1, 2, 3, 4, 5])
        #expect(Array(bytes.prefix(4)) == [0xff, 0x54, 0x43, 0x47])
        #expect(attest.type == .attestQuote)
        #expect(attest.extraData.buffer == Self.quoteNonce)
        #expect(attest.clockInfo.safe)
        let quote = try #require(attest.quote)
        #expect(quote.pcrSelect == TPMLPCRSelection([TPMSPCRSelection(.sha256, pcrs: [0, 1, 2, 3, 16])]))
        let pcrs = try Self.fixture("quote.pcrs")
        #expect(pcrs == (try [0, 1, 2, 3, 16].flatMap(Self.capturedPCR)))
        #expect(quote.pcrDigest.buffer == (try Digest.sha256(pcrs)))
        try checkWireStructure(quote, known: quote.bytes)
        try checkWireStructure(attest.clockInfo, known: attest.clockInfo.bytes)
    }

    @Test(arguments: ["quote-rsapss.msg", "quote-ecdsa.msg"])
    func otherAKsQuotesParse(_ name: String) throws {
        let bytes = try Self.fixture(name)
        let attest = try TPMSAttest(bytes: bytes)
        try checkWireStructure(attest, known: bytes, fixedFieldOffsets: [0, 1, 2, 3, 4, 5])
        #expect(attest.extraData.buffer == Self.quoteNonce)
        #expect(attest.quote?.pcrDigest.buffer == (try Digest.sha256(try Self.fixture("quote.pcrs"))))
    }

    @Test func certifyNamesTheBindKey() throws {
        let bytes = try Self.fixture("certify.attest")
        let attest = try TPMSAttest(bytes: bytes)
        try checkWireStructure(attest, known: bytes, fixedFieldOffsets: [0, 1, 2, 3, 4, 5])
        #expect(attest.type == .attestCertify)
        #expect(attest.extraData.buffer == hexBytes("00ff55aa"))
        let certify = try #require(attest.certify)
        #expect(certify.name.buffer == (try Self.fixture("bind-key.name")))
        #expect(certify.name.buffer == (try Self.publicKey("bind-key.pub").name()))
        #expect(certify.qualifiedName.buffer.count == 34)
        try checkWireStructure(certify, known: certify.bytes)
    }

    @Test func attestRefusesOtherTypesAndASafeFlagOtherThanYesOrNo() throws {
        var time = try Self.fixture("quote.msg")
        time[5] = 0x19  // TPM_ST_ATTEST_TIME
        #expect(parseError(TPMSAttest.self, time) != nil)
        var certifyTyped = try Self.fixture("quote.msg")
        certifyTyped[5] = 0x17  // a quote's body read as a certification does not fit
        #expect(parseError(TPMSAttest.self, certifyTyped) != nil)
        var safe = try Self.fixture("quote.msg")
        let attest = try TPMSAttest(bytes: safe)
        // magic, type, qualifiedSigner, extraData, then clock (8), resetCount (4), restartCount (4).
        let safeAt = 4 + 2 + 2 + attest.qualifiedSigner.buffer.count + 2 + attest.extraData.buffer.count + 16
        #expect(safe[safeAt] == 1)
        safe[safeAt] = 2
        #expect(parseError(TPMSAttest.self, safe) != nil)
    }

    @Test func attestWithItsSizeRoundTrips() throws {
        let bytes = try Self.fixture("quote.msg")
        let sized = TPM2BAttest(try TPMSAttest(bytes: bytes))
        try checkWireStructure(sized, known: [0x00, UInt8(bytes.count)] + bytes, fixedFieldOffsets: [2, 3, 4, 5, 6, 7])
    }

    // MARK: TPMT_SIGNATURE

    @Test func quoteSignatureVerifiesWithTheAK() throws {
        let bytes = try Self.fixture("quote.sig")
        let signature = try TPMTSignature(bytes: bytes)
        try checkWireStructure(signature, known: bytes, fixedFieldOffsets: [0, 1])
        #expect(signature.sigAlg == .rsassa && signature.hash == .sha256)
        let ak = try Self.publicKey("ak.pub").publicArea
        let message = try Self.fixture("quote.msg")
        try signature.verify(message, key: ak)

        var changedMessage = message
        changedMessage[message.count - 1] ^= 0x01  // the PCR digest
        var changedSignature = signature
        if case .rsassa(var sig) = signature.signature {
            sig.buffer[100] ^= 0x01
            changedSignature.signature = .rsassa(sig)
        }
        #expect(throws: LoBotError.authentication(what: "TPM 2.0 signature")) { try signature.verify(changedMessage, key: ak) }
        #expect(throws: LoBotError.authentication(what: "TPM 2.0 signature")) { try changedSignature.verify(message, key: ak) }
        let otherKey = try Self.publicKey("bind-key.pub").publicArea
        #expect(throws: LoBotError.authentication(what: "TPM 2.0 signature")) { try signature.verify(message, key: otherKey) }
    }

    @Test func certifySignatureVerifiesWithTheAK() throws {
        let bytes = try Self.fixture("certify.sig")
        let signature = try TPMTSignature(bytes: bytes)
        try checkWireStructure(signature, known: bytes, fixedFieldOffsets: [0, 1])
        try signature.verify(try Self.fixture("certify.attest"), key: try Self.publicKey("ak.pub").publicArea)
    }

    @Test func rsapssSignatureVerifiesAndECDSAParses() throws {
        let pss = try Self.fixture("quote-rsapss.sig")
        let pssSignature = try TPMTSignature(bytes: pss)
        try checkWireStructure(pssSignature, known: pss, fixedFieldOffsets: [0, 1])
        guard case .rsapss(let sig) = pssSignature.signature else { Issue.record("not RSAPSS"); return }
        #expect(sig.buffer.count == 256 && pssSignature.hash == .sha256)
        let pssMessage = try Self.fixture("quote-rsapss.msg")
        try pssSignature.verify(pssMessage, key: try Self.publicKey("ak-rsapss.pub").publicArea)
        #expect(throws: LoBotError.authentication(what: "TPM 2.0 signature")) {
            try pssSignature.verify(pssMessage, key: try Self.publicKey("ak.pub").publicArea)
        }
        var changed = pssMessage
        changed[changed.count - 1] ^= 0x01
        #expect(throws: LoBotError.authentication(what: "TPM 2.0 signature")) {
            try pssSignature.verify(changed, key: try Self.publicKey("ak-rsapss.pub").publicArea)
        }

        let ecdsa = try Self.fixture("quote-ecdsa.sig")
        let ecdsaSignature = try TPMTSignature(bytes: ecdsa)
        try checkWireStructure(ecdsaSignature, known: ecdsa, fixedFieldOffsets: [0, 1])
        guard case .ecdsa(let r, let s) = ecdsaSignature.signature else { Issue.record("not ECDSA"); return }
        #expect(r.buffer.count == 32 && s.buffer.count == 32)
    }

    // MARK: Credential

    @Test func makeCredentialFileRoundTrips() throws {
        let bytes = try Self.fixture("credential.out")
        let file = try TPM2CredentialFile(bytes: bytes)
        try checkWireStructure(file, known: bytes, fixedFieldOffsets: Array(0..<8))
        // A SHA-256 HMAC, and the 32-byte secret encrypted with its UINT16 size.
        #expect(file.credentialBlob.integrityHMAC.buffer.count == 32)
        #expect(file.credentialBlob.encIdentity.count == 34)
        #expect(file.secret.buffer.count == 256)
        try checkWireStructure(file.credentialBlob, known: file.credentialBlob.bytes)
        try checkWireStructure(file.secret, known: file.secret.bytes)
    }

    @Test func credentialBlobRefusesASizeThatLeavesNoEncIdentity() {
        // size 0x0022: the 32-byte HMAC with its size and nothing else.
        #expect(parseError(TPM2BIDObject.self, hexBytes("0022 0020") + [UInt8](repeating: 0, count: 32)) != nil)
        // size 0x0100: more than an HMAC and an encrypted digest can be.
        #expect(parseError(TPM2BIDObject.self, hexBytes("0100 0020") + [UInt8](repeating: 0, count: 254)) != nil)
    }

    // MARK: Sized buffers and lists

    @Test func sizedBuffersAreCappedBeforeReading() throws {
        #expect(parseError(TPM2BDigest.self, hexBytes("0041") + [UInt8](repeating: 0, count: 65)) != nil)
        #expect(parseError(TPM2BName.self, hexBytes("0043") + [UInt8](repeating: 0, count: 67)) != nil)
        try checkWireStructure(TPM2BDigest([1, 2, 3]), known: hexBytes("0003 010203"))
        try checkWireStructure(TPM2BData.empty, known: hexBytes("0000"))
        guard case .parse(let failure)? = parseError(TPM2BPublicKeyRSA.self, hexBytes("ffff")), case .lengthTooLarge = failure.kind else {
            Issue.record("a TPM2B_PUBLIC_KEY_RSA of 65535 bytes was read")
            return
        }
    }

    // MARK: Command and response framing

    @Test func pcrReadCommandAndResponseAsTheTCTISentThem() throws {
        let command = try Self.fixture("pcrread.cmd")
        let parsed = try TPM2Command(bytes: command)
        try checkWireStructure(parsed, known: command, fixedFieldOffsets: Array(0..<6))
        #expect(parsed.tag == .noSessions && parsed.commandCode == .pcrRead)
        #expect(try TPMLPCRSelection(bytes: parsed.body) == TPMLPCRSelection([TPMSPCRSelection(.sha256, pcrs: [0, 16])]))

        let response = try Self.fixture("pcrread.rsp")
        let answer = try TPM2Response(bytes: response)
        try checkWireStructure(answer, known: response, fixedFieldOffsets: Array(0..<10))
        #expect(answer.responseCode == TPM2Response.success && !answer.sessions)
        var reader = ByteReader(answer.body, structure: "TPM2_PCR_Read response parameters")
        _ = try reader.readUInt32()  // pcrUpdateCounter
        #expect(try TPMLPCRSelection.parse(from: &reader) == TPMLPCRSelection([TPMSPCRSelection(.sha256, pcrs: [0, 16])]))
        let valuesAt = reader.offset
        let values = try TPMLDigest.parse(from: &reader)
        try reader.finish()
        #expect(values.digests == [try Self.capturedPCR(0), try Self.capturedPCR(16)])
        try checkWireStructure(values, known: Array(answer.body[valuesAt...]))
    }

    @Test func framingRefusesASizeThatDisagreesWithTheBytes() throws {
        let command = try Self.fixture("pcrread.cmd")
        for delta in [-1, 1] {
            var resized = command
            resized[5] = UInt8(Int(resized[5]) + delta)
            #expect(parseError(TPM2Command.self, resized) != nil, "command size off by \(delta) accepted")
        }
        var short = command
        short[2...5] = [0, 0, 0, 9]  // smaller than the header
        #expect(parseError(TPM2Command.self, short) != nil)
        var tpm12 = command
        tpm12[0...1] = [0x00, 0xc1]
        #expect(parseError(TPM2Command.self, tpm12) != nil)

        // An error is the header alone: TPM_RC_FAILURE with a body is refused, without one read.
        try checkWireStructure(TPM2Response.failure(0x101), known: hexBytes("8001 0000000a 00000101"), fixedFieldOffsets: [0, 1, 5])
        #expect(parseError(TPM2Response.self, hexBytes("8001 0000000b 00000101 00")) != nil)
        #expect(parseError(TPM2Response.self, hexBytes("8002 0000000a 00000101")) != nil)
    }
}
