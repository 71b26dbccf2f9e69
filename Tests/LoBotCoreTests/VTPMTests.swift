// The vTPM's TPM 1.2 semantics, in process. Expected values come from Python's hashlib (an
// independent implementation), computed once and written here.
import LoBotCore
import Testing
import TestSupport

@Suite struct VTPMTests {
    /// One vTPM's keys shared by the tests (key generation is the slow part); each test gets
    /// its own VTPM over a copy of this state.
    static let sharedState: VTPMState = try! VTPM.create().state
    static var shared: VTPM { VTPM(state: sharedState) }

    @Test func startupValues() {
        let bank = PCRBank()
        for index in 0..<24 {
            #expect(bank.values[index] == ((17...22).contains(index) ? SHA1Digest.ones : SHA1Digest.zero))
        }
    }

    @Test func extendKnownAnswer() throws {
        let vtpm = Self.shared
        // SHA-1(20 zero bytes || 20 zero bytes), from hashlib.
        #expect(try vtpm.extend(pcr: 0, digest: .zero, name: "zeros").hex == "b80de5d138758541c5f05265ad144ab9fa86d1db")
        // PCR 3 extended with SHA-1("lobot") = 20cf9b54...; from hashlib.
        let lobot = SHA1Digest(hexBytes("20cf9b5401aa6f83c12ecffb0c5f2a9b1225ef6e"))!
        #expect(try vtpm.extend(pcr: 3, digest: lobot, name: "lobot").hex == "714c350c18d15646693c0b52a97afee2abbd56e0")
    }

    @Test func measurementExtendsSHA1OfSHA256() throws {
        let vtpm = Self.shared
        // SHA-256 of "kernel image\n" x 1000, and the PCR after extending SHA-1 of it: hashlib.
        let content = Array(String(repeating: "kernel image\n", count: 1000).utf8)
        let sha256 = try Digest.sha256(content)
        #expect(sha256 == hexBytes("a97032b0e667f495b7ff413f1d9cf54678ca718dc0a01830e50263f608255e40"))
        #expect(try vtpm.measure(pcr: 4, sha256: sha256, name: "kernel").hex == "f1e946b3a1a2f44e7a223b3d7e978705e5a9a545")
    }

    @Test func pcrOutOfRangeIsRefused() {
        let vtpm = Self.shared
        #expect(throws: LoBotError.tpmRule("PCR 24 does not exist: PCRs are 0 to 23")) {
            try vtpm.extend(pcr: 24, digest: .zero, name: "x")
        }
        #expect(throws: LoBotError.self) { try vtpm.extend(pcr: -1, digest: .zero, name: "x") }
    }

    @Test(arguments: 0..<24) func resetFollowsPCClientRules(pcr: Int) throws {
        let vtpm = Self.shared
        switch pcr {
        case 16, 23:
            try vtpm.extend(pcr: pcr, digest: .ones, name: "x")
            try vtpm.reset(pcr: pcr)
            #expect(vtpm.pcrs.values[pcr] == .zero)
        case 17...22:
            #expect(throws: LoBotError.tpmRule("PCR \(pcr) cannot be reset from locality 0")) { try vtpm.reset(pcr: pcr) }
            try vtpm.reset(pcr: pcr, locality: pcr == 21 || pcr == 22 ? 2 : 4)
            #expect(vtpm.pcrs.values[pcr] == .zero)
        default:
            for locality: UInt8 in 0...4 {
                #expect(throws: LoBotError.self) { try vtpm.reset(pcr: pcr, locality: locality) }
            }
        }
    }

    @Test(arguments: [Quote.Form.quote, .quote2]) func quoteVerifiesAndSignsTheSpecStructure(form: Quote.Form) throws {
        let vtpm = Self.shared
        try vtpm.extend(pcr: 3, digest: SHA1Digest(hexBytes("20cf9b5401aa6f83c12ecffb0c5f2a9b1225ef6e"))!, name: "lobot")
        try vtpm.measure(pcr: 4, sha256: hexBytes("a97032b0e667f495b7ff413f1d9cf54678ca718dc0a01830e50263f608255e40"), name: "kernel")
        let selection = try PCRSelection(Array(0...7))
        let quote = try vtpm.quote(selection: selection, nonce: nonce(0x5a), form: form)
        let aik = try vtpm.publicKey(.identity).rsaPublicKey()
        try quote.verify(aik: aik, expectedNonce: nonce(0x5a))
        // The composite hash of PCRs 0-7 here, from hashlib.
        let compositeHash = hexBytes("f8980987c760a3dfd49f25b047b7d775611c6a07")
        let signed = try quote.signedBytes()
        if form == .quote {
            #expect(signed == hexBytes("01010000 51554f54") + compositeHash + [UInt8](repeating: 0x5a, count: 20))
        } else {
            #expect(signed == hexBytes("0036 51555432") + [UInt8](repeating: 0x5a, count: 20) + hexBytes("0003 ff0000 01") + compositeHash)
        }
        // A wrong nonce, another AIK, or a changed PCR value is refused.
        #expect(throws: LoBotError.self) { try quote.verify(aik: aik, expectedNonce: nonce(0x5b)) }
        let otherAIK = try RSAPrivateKey.generate().publicKey()
        #expect(throws: LoBotError.authentication(what: "quote signature")) {
            try quote.verify(aik: otherAIK, expectedNonce: nonce(0x5a))
        }
        var altered = quote
        altered.composite.values[3] = .zero
        #expect(throws: LoBotError.authentication(what: "quote signature")) {
            try altered.verify(aik: aik, expectedNonce: nonce(0x5a))
        }
        // The quote file round-trips and refuses truncation.
        let reparsed = try Quote(bytes: quote.bytes)
        #expect(reparsed == quote)
        for length in stride(from: 0, to: quote.bytes.count, by: 7) {
            #expect(parseError(Quote.self, Array(quote.bytes.prefix(length))) != nil)
        }
    }

    @Test func sealUnsealFollowsPCRs() throws {
        let vtpm = Self.shared
        let secret = Array("the aDom measurement".utf8)
        let blob = try vtpm.seal(secret, selection: try PCRSelection(Array(0...6)))
        #expect(try vtpm.unseal(try SealedBlob(bytes: blob.bytes)) == secret)
        // A PCR outside the selection does not matter; one inside does.
        try vtpm.extend(pcr: 10, digest: .ones, name: "outside")
        #expect(try vtpm.unseal(blob) == secret)
        try vtpm.extend(pcr: 5, digest: .ones, name: "inside")
        #expect(throws: LoBotError.pcrMismatch("sealed to PCRs 0-6 with other values")) { try vtpm.unseal(blob) }
    }

    @Test func sealedBlobOpensOnlyOnItsVTPM() throws {
        let other = try VTPM.create()
        let blob = try Self.shared.seal([1, 2, 3], selection: try PCRSelection([0]))
        #expect(throws: LoBotError.authentication(what: "sealed blob")) { try other.unseal(blob) }
    }

    @Test func externalSealToQuotedPCRs() throws {
        // LSM step 11: a peer seals to this vTPM's storage key and to PCR values it learnt from a quote.
        let vtpm = Self.shared
        try vtpm.extend(pcr: 6, digest: .ones, name: "platform")
        let selection = try PCRSelection(Array(0...6))
        let quote = try vtpm.quote(selection: selection, nonce: nonce(1))
        let blob = try SealedBlob.seal(
            [42], to: try vtpm.publicKey(.storage).rsaPublicKey(), selection: selection,
            digestAtRelease: try quote.composite.compositeHash())
        #expect(try vtpm.unseal(blob) == [42])
    }

    @Test(arguments: Array(0..<400)) func sealedBlobBitFlipIsRefused(bit: Int) throws {
        // A flip of one bit in every 8th byte position sweep (400 positions x bit varies) of a sealed blob.
        let blob = Self.sealedFixture
        var bytes = blob.bytes
        let position = (bit * 7) % bytes.count
        bytes[position] ^= UInt8(1 << (bit % 8))
        let outcome: LoBotError?
        do throws(LoBotError) {
            _ = try Self.shared.unseal(try SealedBlob(bytes: bytes))
            outcome = nil
        } catch {
            outcome = error
        }
        switch outcome {
        case .parse?, .authentication?: break
        default: Issue.record("flip at byte \(position) gave \(String(describing: outcome))")
        }
    }

    static let sealedFixture: SealedBlob = try! shared.seal(Array("sealed payload".utf8), selection: try! PCRSelection(Array(0...6)))

    @Test func bindUnbindLikeTheTSS() throws {
        let vtpm = Self.shared
        let key = try vtpm.publicKey(.bind)
        #expect(key.algorithmParms.encScheme == .rsaOAEPSHA1)
        let blob = try BoundData.bind(Array("K1".utf8), to: try key.rsaPublicKey())
        #expect(blob.count == 256)
        #expect(try vtpm.unbind(blob) == Array("K1".utf8))
        var flipped = blob
        flipped[0] ^= 1
        #expect(throws: LoBotError.self) { try vtpm.unbind(flipped) }
        #expect(throws: LoBotError.self) {
            try BoundData.bind([UInt8](repeating: 0, count: 210), to: try key.rsaPublicKey())
        }
    }

    @Test func counterOnlyGoesUp() throws {
        let vtpm = Self.shared
        let start = vtpm.counter
        #expect(try vtpm.incrementCounter() == start + 1)
        #expect(try vtpm.incrementCounter() == start + 2)
    }

    @Test func eventLogReplaysToTheBank() throws {
        let vtpm = Self.shared
        try vtpm.extend(pcr: 16, digest: .ones, name: "debug")
        try vtpm.measure(pcr: 8, sha256: [UInt8](repeating: 7, count: 32), name: "disk.img")
        try vtpm.reset(pcr: 16)
        try vtpm.reset(pcr: 17, locality: 4)
        try vtpm.extend(pcr: 17, digest: .zero, name: "drtm")
        #expect(try vtpm.log.replay() == vtpm.pcrs)
        let log = try EventLog(bytes: vtpm.log.bytes)
        #expect(log == vtpm.log)
        #expect(log.events.map(\.name) == ["debug", "disk.img", "reset", "reset", "drtm"])
        for length in 0..<log.bytes.count {
            #expect(parseError(EventLog.self, Array(log.bytes.prefix(length))) != nil)
        }
    }

    @Test func eventRefusesBadFields() {
        // kind 9 does not exist; PCR 24 does not exist; name not UTF-8.
        #expect(parseError(EventLog.self, hexBytes("00000001 00 09 00")) != nil)
        #expect(parseError(EventLog.self, hexBytes("00000001 18 03 00")) != nil)
        #expect(parseError(EventLog.self, hexBytes("00000001 00 03 01 ff")) != nil)
        #expect(parseError(EventLog.self, hexBytes("ffffffff")) != nil)
    }
}
