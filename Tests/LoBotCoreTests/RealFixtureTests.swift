// Bytes made by real components, read by LoBotCore with no TPM at test time: swtpm's TPM_Quote and
// TPM_Quote2 through TrouSerS, TrouSerS' TPM_IDENTITY_REQ (Tspi_TPM_CollateIdentityRequest), keys
// the AIK certified (TPM_CertifyKey), the files of stock tpm-quote-tools, a message lobot-factory
// wrote and the platform's answer, signed by its TPM signing key. scripts/capture-fixtures
// remakes them; each folder's NOTES.md says how they were made and what the fixed inputs were,
// which is what these tests check. Each fixture is parsed, round-tripped where LoBot serializes the
// structure, verified where it carries a signature, and altered (bit flips, truncations) to be
// refused.
import Foundation
import LoBotCore
import Testing
import TestSupport

/// The bytes of Fixtures/FOLDER/NAME.
func realFixture(_ folder: String, _ name: String) throws -> [UInt8] {
    let url = try #require(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures/" + folder))
    return [UInt8](try Data(contentsOf: url))
}

@Suite struct RealFixtureTests {
    /// The PCR values of the capture's swtpm: all zero after TPM_Startup(ST_CLEAR) with no
    /// firmware, but PCR 10, extended once with 20 x 0xab (NOTES.md).
    static func capturedPCR(_ index: Int) throws -> SHA1Digest {
        guard index == 10 else { return digest(0) }
        let extended = [UInt8](repeating: 0, count: 20) + [UInt8](repeating: 0xab, count: 20)
        return try #require(SHA1Digest(try Digest.sha1(extended)))
    }

    static func aik() throws -> RSAPublicKey {
        try AIKPublicKey.read(try realFixture("tpm12", "aik.blob")).rsaPublicKey()
    }

    /// Parse, round trip, the fixed head refused when flipped, the PCRs as captured, and the
    /// AIK's signature: valid as captured, refused with another nonce, a changed PCR or a changed
    /// signature.
    func checkQuote(_ name: String, form: Quote.Form, locality: UInt8, nonceByte: UInt8, selectionBytes: Int) throws {
        let bytes = try realFixture("tpm12", name)
        let quote = try Quote(bytes: bytes)
        try checkWireStructure(quote, known: bytes, fixedFieldOffsets: [0, 1, 2, 3, 4, 5])
        #expect(quote.form == form)
        #expect(quote.localityAtRelease == locality)
        #expect(quote.nonce == nonce(nonceByte))
        #expect(quote.composite.selection.indices == Array(0...15))
        #expect(quote.composite.selection.bytes.count == 2 + selectionBytes)
        #expect(quote.composite.values == (try (0...15).map(Self.capturedPCR)))
        #expect(quote.signature.count == 256)

        let aik = try Self.aik()
        try quote.verify(aik: aik, expectedNonce: nonce(nonceByte))
        #expect(throws: LoBotError.self) { try quote.verify(aik: aik, expectedNonce: nonce(nonceByte ^ 0xff)) }
        var changedPCR = quote
        changedPCR.composite.values[10] = digest(0)
        var changedSignature = quote
        changedSignature.signature[128] ^= 0x01
        var changedLocality = quote
        changedLocality.localityAtRelease ^= form == .quote2 ? 0x02 : 0
        for altered in [changedPCR, changedSignature] + (form == .quote2 ? [changedLocality] : []) {
            #expect(throws: LoBotError.authentication(what: "quote signature")) {
                try altered.verify(aik: aik, expectedNonce: nonce(nonceByte))
            }
        }
    }

    @Test func swtpmQuoteVerifiesWithItsAIK() throws {
        // TrouSerS selects PCRs 0-15 in 2 bytes for TPM_Quote.
        try checkQuote("quote.lbqt", form: .quote, locality: 0, nonceByte: 0x11, selectionBytes: 2)
    }

    @Test func swtpmQuote2VerifiesWithItsAIK() throws {
        // TPM_Quote2 selects in 3 bytes (TPM_PCR_INFO_SHORT); localityAtRelease 0x01 is locality 0.
        try checkQuote("quote2.lbqt", form: .quote2, locality: 1, nonceByte: 0x22, selectionBytes: 3)
    }

    @Test func trousersAIKBlobParsesAndRoundTrips() throws {
        let bytes = try realFixture("tpm12", "aik.blob")
        let blob = try KeyBlob(bytes: bytes)
        try checkWireStructure(blob, known: bytes)
        #expect(!blob.is12 && blob.keyUsage == .identity)
        #expect(blob.algorithmParms.algorithmID == .rsa)
        #expect(blob.modulus.count == 256)
    }

    @Test func aikCertifiedBindAndSigningKeysVerify() throws {
        let aik = try Self.aik()
        let issued = try #require(TPMNonce(try realFixture("tpm12", "bind-key.nonce")))
        var keys: [CertifiedKey] = []
        for (name, usage) in [("bind.certified", KeyUsage.bind), ("signing.certified", .signing)] {
            let bytes = try realFixture("tpm12", name)
            let certified = try CertifiedKey(bytes: bytes)
            try checkWireStructure(certified, known: bytes, fixedFieldOffsets: [0, 1, 2, 3, 4])
            let info = try certified.verify(aik: aik, nonce: issued, usage: usage)
            try checkWireStructure(info, known: certified.info)
            #expect(info.keyUsage == usage && info.data == issued)
            #expect(info.algorithmParms == certified.key.algorithmParms)
            // Another nonce, the other usage, a flipped signature: refused.
            #expect(throws: LoBotError.self) { try certified.verify(aik: aik, nonce: nonce(0), usage: usage) }
            let otherUsage: KeyUsage = usage == .bind ? .signing : .bind
            #expect(throws: LoBotError.self) { try certified.verify(aik: aik, nonce: issued, usage: otherUsage) }
            var flipped = certified
            flipped.signature[17] ^= 0x20
            #expect(throws: LoBotError.authentication(what: "certified key signature")) {
                try flipped.verify(aik: aik, nonce: issued, usage: usage)
            }
            keys.append(certified)
        }
        // The AIK's word for one key does not cover the other.
        var swapped = keys[0]
        swapped.key = keys[1].key
        #expect(throws: LoBotError.self) { try swapped.verify(aik: aik, nonce: issued, usage: .bind) }
    }

    @Test func trousersIdentityRequestOpensWithThePrivacyCAKey() throws {
        let bytes = try realFixture("tpm12", "identity-request.bin")
        let request = try IdentityRequest(bytes: bytes)
        try checkWireStructure(request, known: bytes)
        let caPublic = try PubKey(bytes: try realFixture("tpm12", "privacy-ca.tpmpub"))
        #expect(request.asymAlgorithm == caPublic.algorithmParms)
        #expect(request.symAlgorithm.algorithmID == .aes128)

        // The privacy CA's steps, as FactoryKit's PrivacyCA takes them, on LoBotCore alone.
        let caKey = try RSAPrivateKey(der: try realFixture("tpm12", "privacy-ca.key"))
        #expect(caKey.modulus == caPublic.modulus)
        let sessionKey = try SymmetricKey(
            bytes: try caKey.decryptOAEP(request.asymBlob, label: [], what: "identity request"))
        #expect(sessionKey.algorithm == .aes128 && sessionKey.data.count == 16)
        let proof = try IdentityProof(
            bytes: try AESCBC.decrypt(request.symBlob, key: sessionKey.data, what: "identity proof"))
        #expect(proof.label == Array("p1".utf8))
        #expect(proof.identityKey == (try KeyBlob(bytes: try realFixture("tpm12", "aik.blob"))).publicKey)
        #expect(proof.platformCredential.isEmpty && proof.conformanceCredential.isEmpty)
        let ekCertificate = try X509Certificate(der: proof.endorsementCredential)
        #expect(ekCertificate.commonName == "p1")
        let contents = IdentityContents(
            labelPrivCADigest: try SHA1Digest.of(proof.label + caPublic.bytes), identityPubKey: proof.identityKey)
        let aik = try proof.identityKey.rsaPublicKey()
        #expect(aik.verify(signature: proof.identityBinding, digest: try Digest.sha1(contents.bytes), algorithm: .sha1))

        // Another CA's digest in the binding, a flipped session key or a flipped proof: refused.
        let otherContents = IdentityContents(labelPrivCADigest: digest(0x5a), identityPubKey: proof.identityKey)
        let otherDigest = try Digest.sha1(otherContents.bytes)
        #expect(!aik.verify(signature: proof.identityBinding, digest: otherDigest, algorithm: .sha1))
        var asym = request.asymBlob
        asym[100] ^= 0x01
        #expect(throws: LoBotError.authentication(what: "identity request")) {
            try caKey.decryptOAEP(asym, label: [], what: "identity request")
        }
        var sym = request.symBlob
        sym[sym.count - 1] ^= 0x01
        #expect(throws: LoBotError.self) {
            try IdentityProof(bytes: try AESCBC.decrypt(sym, key: sessionKey.data, what: "identity proof"))
        }
    }

    @Test func tpmQuoteToolsFilesVerify() throws {
        // tpm_mkaik's public key: stock TrouSerS' DER, its INTEGERs padded to four bytes.
        let der = try realFixture("tpm-quote-tools", "aik.der")
        let aikPublic = try TSSPublicKeyFile.parse(der)
        #expect(Array(der[4...15]) == hexBytes("0201 01 0201 02 0204 0000011c"))
        #expect(try AIKPublicKey.read(der) == aikPublic)
        // tpm_mkaik's key blob: a TPM_KEY (1.1) holding the same key.
        let blobBytes = try realFixture("tpm-quote-tools", "aik.blob")
        let blob = try KeyBlob(bytes: blobBytes)
        try checkWireStructure(blob, known: blobBytes)
        #expect(!blob.is12 && blob.keyUsage == .identity)
        #expect(blob.publicKey == aikPublic)
        #expect(try realFixture("tpm-quote-tools", "aik.uuid").count == 16)

        // tpm_getpcrhash's hash file: TPM_QUOTE_INFO2 with externalData left zero.
        let hashBytes = try realFixture("tpm-quote-tools", "pcrhash")
        var info = try QuoteInfo2(bytes: hashBytes)
        try checkWireStructure(info, known: hashBytes, fixedFieldOffsets: Array(0..<6))
        #expect(info.externalData == nonce(0))
        #expect(info.infoShort.pcrSelection.indices == Array(0...10))
        #expect(info.infoShort.localityAtRelease == 1)
        // ... over the values tpm_getpcrhash listed, which are the capture's.
        let listed = String(decoding: try realFixture("tpm-quote-tools", "pcrvals"), as: UTF8.self)
            .split(separator: "\n").map { line -> SHA1Digest in
                let parts = line.split(separator: "=")
                return SHA1Digest(hexBytes(String(parts[1])))!
            }
        #expect(listed == (try (0...10).map(Self.capturedPCR)))
        let composite = try PCRComposite(selection: info.infoShort.pcrSelection, values: listed)
        #expect(info.infoShort.digestAtRelease == (try composite.compositeHash()))

        // tpm_getquote's signature over the hash file with the nonce put in, as verify-quote does.
        let nonceBytes = try realFixture("tpm-quote-tools", "nonce")
        #expect(nonceBytes == [UInt8](repeating: 0x33, count: 20))
        info.externalData = try #require(TPMNonce(nonceBytes))
        let signature = try realFixture("tpm-quote-tools", "quote")
        let aik = try aikPublic.rsaPublicKey()
        try Quote.verifySignature(signature, over: info.bytes, aik: aik)
        var flipped = signature
        flipped[0] ^= 0x80
        #expect(throws: LoBotError.authentication(what: "quote signature")) {
            try Quote.verifySignature(flipped, over: info.bytes, aik: aik)
        }
        info.externalData = nonce(0x34)
        #expect(throws: LoBotError.authentication(what: "quote signature")) {
            try Quote.verifySignature(signature, over: info.bytes, aik: aik)
        }

        // The DER file, truncated or with its OCTET STRING tag flipped, is refused.
        for length in [0, 1, 10, der.count - 1] {
            #expect(throws: LoBotError.self) { try TSSPublicKeyFile.parse(Array(der.prefix(length))) }
        }
        var badTag = der
        badTag[16] ^= 0x01
        #expect(throws: LoBotError.self) { try TSSPublicKeyFile.parse(badTag) }
    }

    @Test func factoryOpenMessageVerifiesWithTheFactoryCA() throws {
        let bytes = try realFixture("factory", "01-open.msg")
        let envelope = try Envelope(bytes: bytes)
        try checkWireStructure(envelope, known: bytes, fixedFieldOffsets: [0, 1, 2, 3, 4])
        #expect(envelope.type == .open)
        #expect(envelope.sender == "factory" && envelope.receiver == "p1")
        #expect(envelope.wrappedKey == nil)
        let ca = try X509Certificate(der: try realFixture("factory", "ca.cert")).publicKey()
        try envelope.verify(sender: ca)

        let body = try OpenBody(bytes: try envelope.openBody { _ throws(LoBotError) in [] })
        try checkWireStructure(body, known: envelope.body)
        #expect(body.kind == .provision)
        #expect(body.domain.name == "adom1")
        #expect(body.source == "factory" && body.destination == "p1")
        #expect(body.sourceSigningKey == nil)
        #expect(body.domain.kernel.hasSuffix("/vmlinuz") && body.domain.initrd.hasSuffix("/initrd.img"))

        // Any altered bit of the signed bytes, or of the signature, fails the CA's signature.
        // (A flip that breaks the parse is refused earlier; the loop checks the rest.)
        for offset in [5, 30, bytes.count / 2, bytes.count - 300, bytes.count - 1] {
            var altered = bytes
            altered[offset] ^= 0x04
            guard let parsed = try? Envelope(bytes: altered) else { continue }
            #expect(throws: LoBotError.self, "flip at \(offset) verified") { try parsed.verify(sender: ca) }
        }
    }

    @Test func platformDestinationKeysVerifyThroughTheFactoryCA() throws {
        // LSP 4: the platform's answer to 01-open.msg, for the same session and nonce. Its body
        // carries the AIK certificate the factory issued and the keys the AIK certified with the
        // session nonce; the message is signed by the TPM signing key among them (TPM_Sign).
        let open = try Envelope(bytes: try realFixture("factory", "01-open.msg"))
        let bytes = try realFixture("factory", "04-destination-keys.msg")
        let envelope = try Envelope(bytes: bytes)
        try checkWireStructure(envelope, known: bytes, fixedFieldOffsets: [0, 1, 2, 3, 4])
        try envelope.expect(.destinationKeys, session: open.session, nonce: open.nonce, from: "p1", to: "factory")
        #expect(envelope.wrappedKey == nil)
        let body = try DestinationKeysBody(bytes: envelope.body)
        try checkWireStructure(body, known: envelope.body)
        let ca = try X509Certificate(der: try realFixture("factory", "ca.cert")).publicKey()
        try body.verify(factory: ca, nonce: open.nonce)
        let signingKey = try body.keys.signingKey.rsaPublicKey()
        try envelope.verify(sender: signingKey)
        #expect(try X509Certificate(der: body.aikCertificate).publicKey().modulus == (try Self.aik()).modulus)

        // Another session nonce fails the certified keys; an altered byte, the signature.
        #expect(throws: LoBotError.self) { try body.verify(factory: ca, nonce: nonce(0)) }
        var altered = envelope
        altered.body[altered.body.count - 3] ^= 0x01
        #expect(throws: LoBotError.self) { try altered.verify(sender: signingKey) }
        #expect(throws: LoBotError.self) { try envelope.verify(sender: ca) }
    }

    /// A stream sealed by Python's `cryptography` (Fixtures/stream/NOTES.md) opens to its
    /// plaintext under its name, and is refused under another.
    @Test func streamSealedElsewhereOpens() throws {
        let temp = try TemporaryDirectory("lobot-stream-fixture")
        let sealed = try temp.write("disk.lbst", try realFixture("stream", "disk.lbst"))
        let key = [UInt8](0..<32)
        try StreamFiles.openToFile(inputPath: sealed, outputPath: temp.file("plain"), key: key, name: "disk.lbst", what: "fixture")
        #expect(try temp.read("plain") == (0..<(StreamCipher.chunkSize + 1000)).map { UInt8(truncatingIfNeeded: ($0 &* 40503) >> 7) })
        #expect(throws: LoBotError.self) {
            try StreamFiles.openToFile(inputPath: sealed, outputPath: temp.file("other"), key: key, name: "memory.lbst", what: "fixture")
        }
    }
}
