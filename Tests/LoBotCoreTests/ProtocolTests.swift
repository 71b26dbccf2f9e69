// The LSP/LSM wire structures: domain config, message bodies, session journal, the signed and
// encrypted envelope, and the sealed stream of an aDom's memory state -- each round-tripped,
// every truncation refused, and any flipped bit of an envelope or a stream refused.
import Foundation
import LoBotCore
import Testing
import TestSupport

@Suite struct ProtocolTests {
    static let config = DomainConfig(name: "adom1", memoryMiB: 128, kernel: "/k", initrd: "/i", commandLine: "quiet", disk: .local)

    @Test func domainConfigHasItsLayout() throws {
        let known = Array("LBDC".utf8) + [2, 5] + Array("adom1".utf8) + hexBytes("00000080") + hexBytes("0002") + Array("/k".utf8)
            + hexBytes("0002") + Array("/i".utf8) + hexBytes("0005") + Array("quiet".utf8) + [1] + hexBytes("0000") + [2]
        try checkWireStructure(Self.config, known: known, fixedFieldOffsets: [0, 1, 2, 3, 4])
        // A shared disk needs its path; other disks none.
        var shared = Self.config
        shared.disk = .shared
        #expect(parseError(DomainConfig.self, shared.bytes) != nil)
        // The guest's TPM is a TPM 1.2 or a TPM 2.0, nothing else.
        var tpm12 = Self.config
        tpm12.tpm = .tpm12
        #expect(tpm12.bytes.last == 1)
        for bad: UInt8 in [0, 3, 0xff] {
            #expect(parseError(DomainConfig.self, Array(known.dropLast()) + [bad]) != nil)
        }
    }

    static func open() throws -> OpenBody {
        OpenBody(kind: .migrate, domain: config, lobot: "lobot-adom1", vtpmID: VTPMID(unchecked: [UInt8](repeating: 7, count: 16)), source: "SP",
                 destination: "DP", quoteNonce: nonce(1), vtpmNonce: nonce(2), sourceSigningKey: nil)
    }

    @Test func messageBodiesRoundTripAndRefuseTruncation() throws {
        let open = try Self.open()
        try checkWireStructure(open, known: open.bytes)
        let verdict = VerdictBody(trusted: false, reason: "PCR 4", vtpmQuote: nil)
        try checkWireStructure(verdict, known: verdict.bytes)
        // A trusted verdict without LoBot_D's quote is inconsistent.
        #expect(parseError(VerdictBody.self, [1] + Array(verdict.bytes.dropFirst())) != nil)
        let secret = DomainSecret(confirmation: [UInt8](repeating: 9, count: 32),
                                  files: [PackageFile(name: "memory.lbst", size: 42, sha256: [UInt8](repeating: 3, count: 32))])
        try checkWireStructure(secret, known: secret.bytes)
        let package = LoBotPackageBody(state: [1, 2, 3], boundMasterKey: [4, 5])
        try checkWireStructure(package, known: package.bytes)
        var journal = SessionJournal(role: .source, state: .lobotSent, session: SessionID(unchecked: [UInt8](repeating: 5, count: 16)), nonce: nonce(3), open: open)
        journal.files = secret.files
        journal.boundDomainKey = [9, 9]
        try checkWireStructure(journal, known: journal.bytes, fixedFieldOffsets: [0, 1, 2, 3, 4])
        var badState = journal.bytes
        badState[6] = 99
        #expect(parseError(SessionJournal.self, badState) != nil)
    }

    /// An enumerated field that holds no known value is refused with the byte it held, at its offset.
    @Test func anUnknownKindOrRoleNamesTheByteRead() throws {
        var open = try Self.open().bytes
        open[0] = 0x7e
        guard case .parse(let kind)? = parseError(OpenBody.self, open) else { Issue.record("an unknown kind parsed"); return }
        #expect(kind.kind == .unexpectedValue(field: "kind", value: 0x7e) && kind.offset == 0)
        var journal = SessionJournal(role: .source, state: .lobotSent, session: SessionID(unchecked: [UInt8](repeating: 5, count: 16)), nonce: nonce(3),
                                     open: try Self.open()).bytes
        journal[5] = 0xc3
        guard case .parse(let role)? = parseError(SessionJournal.self, journal) else { Issue.record("an unknown role parsed"); return }
        #expect(role.kind == .unexpectedValue(field: "role", value: 0xc3) && role.offset == 5)
    }

    @Test func envelopeIsSignedEncryptedAndBoundToItsSession() throws {
        let sender = try RSAPrivateKey.generate(bits: 2048)
        let receiver = try RSAPrivateKey.generate(bits: 2048)
        let session = SessionID(unchecked: [UInt8](repeating: 0x42, count: 16))
        let secret = Array("the aDom key: 32 bytes of it....".utf8)
        let envelope = try Envelope.make(type: .release, session: session, sender: "SP", receiver: "DP", nonce: nonce(1),
                                         body: BytesBody(secret).bytes,
                                         encryptTo: .tpm12(PubKey.rsa(try receiver.publicKey(), encScheme: .rsaOAEPSHA1, sigScheme: .none))) { (digest) throws(LoBotError) in
            try sender.sign(digest: digest, algorithm: .sha256)
        }
        #expect(!bytesContain(envelope.bytes, secret), "the body is in clear")
        let parsed = try Envelope(bytes: envelope.bytes)
        try parsed.verify(sender: try sender.publicKey())
        try parsed.expect(.release, session: session, nonce: nonce(1), from: "SP", to: "DP")
        let body = try parsed.openBody { (wrapped) throws(LoBotError) in try BoundData.unbind(wrapped, with: receiver) }
        #expect(try BytesBody(bytes: body).value == secret)

        // Another signer, session, nonce, sender or receiver: refused.
        #expect(throws: LoBotError.self) { try parsed.verify(sender: try receiver.publicKey()) }
        #expect(throws: LoBotError.self) { try parsed.expect(.release, session: SessionID(unchecked: [UInt8](repeating: 0, count: 16)), nonce: nonce(1), from: "SP", to: "DP") }
        #expect(throws: LoBotError.self) { try parsed.expect(.release, session: session, nonce: nonce(2), from: "SP", to: "DP") }
        #expect(throws: LoBotError.self) { try parsed.expect(.release, session: session, nonce: nonce(1), from: "XP", to: "DP") }
        #expect(throws: LoBotError.self) { try parsed.expect(.launched, session: session, nonce: nonce(1), from: "SP", to: "DP") }

        // Every truncation is refused; a flip of any bit of the signed bytes fails the signature
        // or the parse (every byte here, its low bit; every bit of the first 64 bytes).
        let bytes = envelope.bytes
        for length in 0..<bytes.count { #expect(parseError(Envelope.self, Array(bytes.prefix(length))) != nil) }
        var flips: [(Int, UInt8)] = (0..<bytes.count).map { ($0, 1) }
        for offset in 0..<64 { for bit in 1..<8 { flips.append((offset, UInt8(1) << bit)) } }
        for (offset, mask) in flips {
            var flipped = bytes
            flipped[offset] ^= mask
            let refused: Bool
            do throws(LoBotError) {
                let message = try Envelope(bytes: flipped)
                try message.verify(sender: try sender.publicKey())
                try message.expect(.release, session: session, nonce: nonce(1), from: "SP", to: "DP")
                _ = try message.openBody { (wrapped) throws(LoBotError) in try BoundData.unbind(wrapped, with: receiver) }
                refused = false
            } catch {
                refused = true
            }
            #expect(refused, "flip of \(mask) at byte \(offset) accepted")
        }
    }

    @Test func sealedStreamRoundTripsAndRefusesAnyChange() throws {
        let temp = try TemporaryDirectory("lobot-stream")
        let plain = (0..<(2 * StreamCipher.chunkSize + 12345)).map { UInt8(truncatingIfNeeded: $0 &* 2654435761 >> 13) }
        let input = try temp.write("plain", plain)
        let key = [UInt8](repeating: 0x17, count: 32)
        let file = try StreamFiles.seal(inputPath: input, outputPath: temp.file("sealed"), key: key, name: "memory.lbst")
        let sealed = try temp.read("sealed")
        let measured = try TreeDigest.file(path: temp.file("sealed")).digest
        #expect(file.size == UInt64(sealed.count) && file.sha256 == measured)
        #expect(try DomainFiles.measure("memory.lbst", temp.file("sealed")) == file)
        #expect(!bytesContain(sealed, Array(plain[1000..<1064])))
        try StreamFiles.openToFile(inputPath: temp.file("sealed"), outputPath: temp.file("opened"), key: key, name: "memory.lbst", what: "stream")
        #expect(try temp.read("opened") == plain)

        func refused(_ bytes: [UInt8], _ what: String, name: String = "memory.lbst") throws {
            let path = try temp.write("bad", bytes)
            #expect(throws: LoBotError.self, "\(what) accepted") {
                try StreamFiles.openToFile(inputPath: path, outputPath: temp.file("bad-out"), key: key, name: name, what: "stream")
            }
            #expect(!temp.exists("bad-out") && !temp.exists("bad-out.part"), "\(what): a partial output was left")
        }
        for offset in [0, 5, 12, 13, 17, 40, StreamCipher.chunkSize, sealed.count / 2, sealed.count - 1] {
            var flipped = sealed
            flipped[offset] ^= 0x80
            try refused(flipped, "flip at \(offset)")
        }
        let frame = 4 + StreamCipher.chunkSize + AESGCM.tagLength
        try refused(Array(sealed.prefix(StreamCipher.headerSize + frame)), "stream cut after a full chunk")
        try refused(Array(sealed.prefix(StreamCipher.headerSize + 2 * frame)), "stream without its last chunk")
        try refused(Array(sealed.dropLast(1)), "truncated stream")
        try refused(sealed + [0], "stream with a trailing byte")
        try refused(sealed, "the memory state opened as the disk", name: "disk.lbst")
        var older = sealed
        older[4] = 1
        try refused(older, "a stream of version 1")
        #expect(throws: LoBotError.self, "another key accepted") {
            try StreamFiles.openToFile(inputPath: temp.file("sealed"), outputPath: temp.file("other"), key: [UInt8](repeating: 1, count: 32),
                                       name: "memory.lbst", what: "stream")
        }
        #expect(!temp.exists("other") && !temp.exists("other.part"))
    }

    /// The lengths at a chunk's edges: empty, one byte, exactly one and two chunks (the last full
    /// chunk is the final one, with no empty chunk after it), one byte more.
    @Test(arguments: [0, 1, StreamCipher.chunkSize, 2 * StreamCipher.chunkSize, StreamCipher.chunkSize + 1])
    func sealedStreamRoundTripsAtChunkEdges(length: Int) throws {
        let temp = try TemporaryDirectory("lobot-stream-edges")
        let plain = (0..<length).map { UInt8(truncatingIfNeeded: ($0 &* 40503) >> 7) }
        let key = [UInt8](repeating: 0x2c, count: 32)
        let file = try StreamFiles.seal(inputPath: try temp.write("plain", plain), outputPath: temp.file("sealed"), key: key, name: "disk.lbst")
        let chunks = max(1, (length + StreamCipher.chunkSize - 1) / StreamCipher.chunkSize)
        #expect(file.size == UInt64(StreamCipher.headerSize + length + chunks * (4 + AESGCM.tagLength)))
        try StreamFiles.openToFile(inputPath: temp.file("sealed"), outputPath: temp.file("opened"), key: key, name: "disk.lbst", what: "stream")
        #expect(try temp.read("opened") == plain)
    }
}
