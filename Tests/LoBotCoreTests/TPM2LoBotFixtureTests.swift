// LoBot's own TPM 2.0 files as lobot and lobot-factory made them on swtpm --tpm2 (Fixtures/tpm2-lobot,
// NOTES.md says how): each parses and serializes back byte for byte, passes the shared battery, and
// checks as the factory and the platform check it.
import LoBotCore
import Testing
import TestSupport

@Suite struct TPM2LoBotFixtureTests {
    static func fixture(_ name: String) throws -> [UInt8] { try realFixture("tpm2-lobot", name) }
    static func ak() throws -> TPMTPublic { try TPM2KeyBlob(bytes: try fixture("aik.blob")).publicArea }
    static let bindNonce = [UInt8](repeating: 0x42, count: 20)
    static let quoteNonce = [UInt8](repeating: 0x11, count: 20)

    @Test func theRequestNamesAnEKLoBotTrustsAndTheAKItActivated() throws {
        let bytes = try Self.fixture("request")
        let request = try TPM2IdentityRequest(bytes: bytes)
        try checkWireStructure(request, known: bytes, fixedFieldOffsets: [0, 1, 2, 3, 4])
        #expect(request.label == Array("fixture".utf8))
        try TPM2EndorsementKey.check(request.endorsementKey.publicArea)
        try TPM2KeyKind.attestation.check(request.attestationKey.publicArea)
        #expect(request.attestationKey.publicArea == (try Self.ak()))
        #expect(try X509Certificate(der: request.endorsementCertificate).publicKey().modulus
                    == (try request.endorsementKey.publicArea.rsaPublicKey().modulus))
    }

    @Test func theAnswerAndTheAKBlobRoundTripAndTheCertificateIsTheAKs() throws {
        let answerBytes = try Self.fixture("answer")
        let answer = try TPM2EnrollmentAnswer(bytes: answerBytes)
        try checkWireStructure(answer, known: answerBytes, fixedFieldOffsets: [0, 1, 2, 3, 4])
        // Without the TPM's credential the certificate does not open.
        #expect(throws: LoBotError.self) {
            try answer.certificate(credential: [UInt8](repeating: 0, count: 32), akName: try Self.ak().name())
        }
        let blobBytes = try Self.fixture("aik.blob")
        let blob = try TPM2KeyBlob(bytes: blobBytes)
        try checkWireStructure(blob, known: blobBytes, fixedFieldOffsets: [0, 1, 2, 3, 4])
        #expect(blob.kind == .attestation)
        try TPM2KeyKind.attestation.check(blob.publicArea)
        #expect(try X509Certificate(der: try Self.fixture("aik.cert")).publicKey().modulus == (try blob.publicArea.rsaPublicKey().modulus))
    }

    @Test(arguments: [("bind.certified", TPM2KeyKind.bind), ("signing.certified", .signing)])
    func certifiedKeysVerifyWithTheAKAndTheirNonceOnly(_ name: String, _ kind: TPM2KeyKind) throws {
        let bytes = try Self.fixture(name)
        let certified = try TPM2CertifiedKey(bytes: bytes)
        try checkWireStructure(certified, known: bytes, fixedFieldOffsets: [0, 1, 2, 3, 4])
        _ = try certified.verify(ak: try Self.ak(), nonce: Self.bindNonce, kind: kind)
        #expect(throws: LoBotError.self) { _ = try certified.verify(ak: try Self.ak(), nonce: Self.quoteNonce, kind: kind) }
        #expect(throws: LoBotError.self) { _ = try certified.verify(ak: try Self.ak(), nonce: Self.bindNonce, kind: kind == .bind ? .signing : .bind) }
    }

    @Test func theQuoteVerifiesWithItsNonceAndSaysWhatPCR7Holds() throws {
        let bytes = try Self.fixture("quote")
        let quote = try TPM2QuoteFile(bytes: bytes)
        try checkWireStructure(quote, known: bytes, fixedFieldOffsets: [0, 1, 2, 3, 4])
        try quote.verify(ak: try Self.ak(), nonce: Self.quoteNonce)
        #expect(throws: LoBotError.self) { try quote.verify(ak: try Self.ak(), nonce: Self.bindNonce) }
        #expect(quote.values.count == 8)
        #expect(quote.values[7].buffer == (try Digest.sha256([UInt8](repeating: 0, count: 32) + [UInt8](repeating: 0xab, count: 32))))
        for index in 0..<7 { #expect(quote.values[index].buffer == [UInt8](repeating: 0, count: 32)) }
        var changed = quote
        changed.values[7] = TPM2BDigest([UInt8](repeating: 0, count: 32))
        #expect(throws: LoBotError.self) { try changed.verify(ak: try Self.ak(), nonce: Self.quoteNonce) }
    }
}
