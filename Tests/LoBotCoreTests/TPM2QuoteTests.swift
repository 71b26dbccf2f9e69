// TPM2SignedQuote, the one check of a TPM 2.0 quote, on the real swtpm/tpm2-tools quote (Fixtures/tpm2:
// quote.msg, quote.sig, quote.pcrs by the RSASSA AK ak.pub, nonce 32 x 0x11): it verifies, and each
// refusal path refuses. And TPM2PCRFile, tpm2_quote -o's PCR file, through the wire battery.
import LoBotCore
import Testing
import TestSupport

@Suite struct TPM2QuoteTests {
    static func fixture(_ name: String) throws -> [UInt8] { try TPM2StructureTests.fixture(name) }
    static let nonce = TPM2StructureTests.quoteNonce

    static func quote(message: [UInt8]? = nil, signature: [UInt8]? = nil) throws -> TPM2SignedQuote {
        try TPM2SignedQuote(message: try message ?? fixture("quote.msg"), signature: try signature ?? fixture("quote.sig"))
    }

    static func ak(_ name: String = "ak.pub") throws -> TPMTPublic { try TPM2StructureTests.publicKey(name).publicArea }

    /// quote.pcrs (`tpm2_pcrread -F values`) for the quote's own selection.
    static func pcrs() throws -> TPM2PCRFile {
        try TPM2PCRFile(values: try fixture("quote.pcrs"), selection: try quote().info.pcrSelect)
    }

    /// The LoBotError `body` throws (fixtures that fail to load fail the test instead).
    static func error(_ body: () throws -> Void) -> LoBotError? {
        do { try body(); return nil } catch let error as LoBotError { return error } catch {
            Issue.record("not a LoBotError: \(error)")
            return nil
        }
    }

    @Test func theFixtureQuoteVerifies() throws {
        let quote = try Self.quote()
        try quote.verify(ak: try Self.ak(), nonce: Self.nonce, pcrs: try Self.pcrs())
        let quoted = quote.quoted(try Self.pcrs())
        #expect(quoted.map { $0.pcr } == [0, 1, 2, 3, 16])
        #expect(quoted.last?.value == (try TPM2StructureTests.capturedPCR(16)))
        #expect(TPM2SignedQuote.describe(quote.info.pcrSelect) == "sha256:0,1,2,3,16")
    }

    @Test func aWrongNonceIsRefused() throws {
        var other = Self.nonce
        other[0] ^= 1
        for nonce in [other, Array(Self.nonce.prefix(20)), [UInt8](repeating: 0x11, count: 33)] {
            let error = Self.error { try Self.quote().verify(ak: try Self.ak(), nonce: nonce, pcrs: try Self.pcrs()) }
            guard case .replay? = error else { Issue.record("nonce \(nonce) gave \(String(describing: error))"); continue }
        }
    }

    @Test func anotherAKIsRefused() throws {
        let error = Self.error { try Self.quote().verify(ak: try Self.ak("ak-rsapss.pub"), nonce: Self.nonce, pcrs: try Self.pcrs()) }
        #expect(error == .authentication(what: "TPM 2.0 signature"))
    }

    @Test func anAKThatIsNotARestrictedSigningKeyIsRefused() throws {
        // The real AK with restricted cleared: same modulus, so only the attribute check can refuse.
        var unrestricted = try Self.ak()
        unrestricted.objectAttributes.remove(.restricted)
        let bind = try Self.ak("bind-key.pub")
        for key in [unrestricted, bind] {
            let error = Self.error { try Self.quote().verify(ak: key, nonce: Self.nonce, pcrs: try Self.pcrs()) }
            guard case .refused? = error else { Issue.record("\(String(describing: error))"); continue }
        }
    }

    @Test func everyFlippedMessageByteIsRefused() throws {
        let message = try Self.fixture("quote.msg")
        for offset in message.indices {
            var flipped = message
            flipped[offset] ^= 0x01
            let error = Self.error {
                try TPM2SignedQuote(message: flipped, signature: try Self.fixture("quote.sig")).verify(ak: try Self.ak(), nonce: Self.nonce, pcrs: try Self.pcrs())
            }
            #expect(error != nil, "flip at message byte \(offset) accepted")
        }
    }

    @Test func everyFlippedSignatureByteIsRefused() throws {
        let signature = try Self.fixture("quote.sig")
        for offset in signature.indices {
            var flipped = signature
            flipped[offset] ^= 0x01
            let error = Self.error {
                try TPM2SignedQuote(message: try Self.fixture("quote.msg"), signature: flipped).verify(ak: try Self.ak(), nonce: Self.nonce, pcrs: try Self.pcrs())
            }
            #expect(error != nil, "flip at signature byte \(offset) accepted")
        }
    }

    @Test func everyFlippedPCRValueByteIsRefused() throws {
        let values = try Self.fixture("quote.pcrs")
        let selection = try Self.quote().info.pcrSelect
        for offset in values.indices {
            var flipped = values
            flipped[offset] ^= 0x01
            let error = Self.error {
                try Self.quote().verify(ak: try Self.ak(), nonce: Self.nonce, pcrs: try TPM2PCRFile(values: flipped, selection: selection))
            }
            #expect(error == .pcrMismatch("the quoted PCR digest is not the digest of the PCR values given"), "flip at PCR byte \(offset)")
        }
    }

    @Test func valuesForAnotherSelectionAreRefused() throws {
        let pcrs = try Self.pcrs()
        // The same five values said to be PCRs 0-4, and the same PCRs said to be another bank.
        for selection in [TPMSPCRSelection(.sha256, pcrs: [0, 1, 2, 3, 4]), TPMSPCRSelection(.sha384, pcrs: [0, 1, 2, 3, 16])] {
            let other = TPM2PCRFile(selection: TPMLPCRSelection([selection]), values: pcrs.values)
            let error = Self.error { try Self.quote().verify(ak: try Self.ak(), nonce: Self.nonce, pcrs: other) }
            guard case .pcrMismatch? = error else { Issue.record("\(String(describing: error))"); continue }
        }
        // One value fewer, one more.
        for values in [[UInt8](try Self.fixture("quote.pcrs").dropLast(32)), try Self.fixture("quote.pcrs") + [UInt8](repeating: 0, count: 32)] {
            let file = TPM2PCRFile(selection: pcrs.selection, values: [TPMLDigest(stride(from: 0, to: values.count, by: 32).map { Array(values[$0..<$0 + 32]) })])
            let error = Self.error { try Self.quote().verify(ak: try Self.ak(), nonce: Self.nonce, pcrs: file) }
            guard case .pcrMismatch? = error else { Issue.record("\(String(describing: error))"); continue }
        }
    }

    @Test func aCertificationIsNotAQuote() throws {
        let error = Self.error { _ = try Self.quote(message: try Self.fixture("certify.attest"), signature: try Self.fixture("certify.sig")) }
        guard case .invalidArgument? = error else { Issue.record("\(String(describing: error))"); return }
    }

    // MARK: TPM2PCRFile

    /// The serialized form of the fixture's values, laid out as tpm2_quote -o writes it (checked
    /// against a real tpm2_quote file by FactoryTPM2QuoteTests).
    @Test func pcrFileHasTpm2ToolsLayoutAndPassesTheBattery() throws {
        let file = try Self.pcrs()
        let bytes = file.bytes
        #expect(bytes.count == 132 + 4 + 532)
        #expect(Array(bytes.prefix(12)) == [1, 0, 0, 0, 0x0b, 0, 3, 0x0f, 0, 1, 0, 0])
        #expect(Array(bytes[132..<142]) == [1, 0, 0, 0, 5, 0, 0, 0, 32, 0])
        let pcr16 = try TPM2StructureTests.capturedPCR(16)
        #expect(file.pcrValues.count == 5 && file.pcrValues[4] == pcr16)
        try checkWireStructure(file, known: bytes, fixedFieldOffsets: [3, 135, 139, 141])
        let reparsed = try TPM2PCRFile(bytes: bytes)
        #expect(reparsed.pcrValues == file.pcrValues)
    }

    @Test func pcrValuesThatAreNotOnePerSelectedPCRAreRefused() throws {
        let values = try Self.fixture("quote.pcrs")
        let selection = try Self.quote().info.pcrSelect
        #expect(throws: LoBotError.self) { try TPM2PCRFile(values: Array(values.dropLast()), selection: selection) }
        #expect(throws: LoBotError.self) { try TPM2PCRFile(values: values + [0], selection: selection) }
    }
}
