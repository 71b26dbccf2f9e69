// Inputs the fuzz targets (fuzz/LoBotFuzz) found to break a parser's contract, each kept as a
// test beside its fix (the PCR-list one is with the PCR list tests, in ByteReaderTests).
import LoBotCore
import Testing
import TestSupport

struct FuzzFindingsTests {
    /// boot target: a disk header whose name filled all 64 bytes (no NUL) was accepted, but
    /// `bytes` writes at most 63 and a NUL, so the header did not read back as itself.
    @Test func inputHeaderNameNeedsItsNUL() throws {
        let header = VMDisk.InputHeader(length: 100, name: "bundle").bytes
        var full = header
        for i in 20..<84 { full[i] = 0x20 }
        #expect(throws: LoBotError.self) { try VMDisk.InputHeader(bytes: full, diskSize: 4096) }
        var longest = full
        longest[83] = 0
        let parsed = try VMDisk.InputHeader(bytes: longest, diskSize: 4096)
        #expect(parsed.name.utf8.count == 63)
        #expect(try VMDisk.InputHeader(bytes: parsed.bytes, diskSize: 4096) == parsed)
    }

    /// identity target: a TPM_PUBKEY saying 2048 bits whose 256-byte modulus began with zero
    /// bytes gave an OpenSSL key of 251 bytes: a shorter key than the structure claimed.
    @Test func pubKeyModulusWithLeadingZerosIsRefused() throws {
        let real = PubKey.rsa(try RSAPrivateKey.generate().publicKey(), encScheme: .none, sigScheme: .rsaPKCS1v15SHA1)
        _ = try real.rsaPublicKey()
        var padded = real
        padded.modulus = [0, 0, 0, 0, 0, 1] + Array(real.modulus.dropFirst(6))
        let error = #expect(throws: LoBotError.self) { try padded.rsaPublicKey() }
        #expect(error?.message.contains("zero byte") == true)
    }
}

extension FuzzFindingsTests {
    /// The oracle's one-line rule, checked where the envelope target rarely reaches (it needs the
    /// session and nonce the check expects): a sender name read from a message is any UTF-8 but
    /// NUL, and the refusal quotes it.
    @Test func refusalsQuotingOutsideNamesStayOneLine() throws {
        let session = SessionID(unchecked: [UInt8](repeating: 7, count: 16))
        let nonce = TPMNonce([UInt8](repeating: 9, count: 20))!
        let envelope = try Envelope.make(
            type: .domainReady, session: session, sender: "SP\n\u{1b}[2Jowned", receiver: "DP", nonce: nonce, body: [],
            sign: { (_) throws(LoBotError) in [1] })
        // Names are now read by PartyName's rule, so the parser refuses this one outright, saying
        // which field, on one line; the escaping still covers every other quoted string.
        let error = #expect(throws: LoBotError.self) { try Envelope(bytes: envelope.bytes) }
        let message = error?.message ?? ""
        #expect(message.contains("sender: not a name") && !message.utf8.contains(0x0a) && !message.utf8.contains(0x1b))
        #expect(LoBotError.invalidArgument("from SP\n\u{1b}[2Jowned").message.contains("SP??[2Jowned"))
    }

    /// Names compare by their bytes: one that only Unicode canonical equivalence makes equal to a
    /// registered name ("\u{212A}" KELVIN SIGN and "K") is refused when read, wherever it appears.
    @Test func partyNamesAreASCIIAndCompareByTheirBytes() throws {
        #expect("\u{212A}P" == "KP")  // why: String == follows canonical equivalence
        let session = SessionID(unchecked: [UInt8](repeating: 7, count: 16))
        let nonce = TPMNonce([UInt8](repeating: 9, count: 20))!
        for bad in ["\u{212A}P", "", String(repeating: "a", count: 65), "a/b", "a b", "caf\u{e9}"] {
            let envelope = try Envelope.make(type: .domainReady, session: session, sender: "SP", receiver: bad, nonce: nonce, body: [],
                                             sign: { (_) throws(LoBotError) in [1] })
            #expect(throws: LoBotError.self) { try Envelope(bytes: envelope.bytes) }
            #expect(!PartyName.isValid(bad))
        }
        for good in ["SP", "dp-2.rack_7", String(repeating: "a", count: 64)] { #expect(PartyName.isValid(good)) }
    }
}

extension FuzzFindingsTests {
    /// quote target: a golden record named "hLBGV\u{1}\nhot" parsed, and its failed signature
    /// check said so over two lines (fixed for every error in LoBotError.message).
    @Test func goldenRecordRefusalStaysOneLine() throws {
        let record = try GoldenRecord(bytes: hexBytes(
            "4c424756010a684c424756010a686f7400033f00000000007818825ca04bfa4c0cce0dfe90eaf155a255e853"
                + "0002ffff000005400000000000000000004a00000000000000fa4c0c02fafafafafafafafafafafafafafa"
                + "fafafafafafafafafafafafafafafafafafafafafafafafafafafafafafafafafafafafafafafafafa260000"
                + "2d0032f15500a253e802a2000000000d0000fe90eaf1a255e8532c372c"))
        #expect(record.name == "hLBGV\u{1}\nhot")
        let error = #expect(throws: LoBotError.self) { try record.verifySignature(try RSAPrivateKey.generate().publicKey()) }
        #expect(error?.message.hasPrefix("golden record hLBGV??hot failed authentication") == true)
    }
}
