// Every TPM 1.2 structure LoBot reads, checked against bytes laid out by hand from the TPM Main
// Part 2 specification (rev 116) as commented beside each field, then round-tripped, truncated
// at every length and given a trailing byte.
import LoBotCore
import Testing
import TestSupport

@Suite struct StructureTests {
    @Test func pcrSelection() throws {
        // sizeOfSelect = 3; PCRs 0-7 -> ff, PCR 10 -> byte 1 bit 2 -> 04.
        try checkWireStructure(try PCRSelection([0, 1, 2, 3, 4, 5, 6, 7, 10]), known: hexBytes("0003 ff0400"))
        #expect(try PCRSelection(bytes: hexBytes("0003 ff0400")).indices == [0, 1, 2, 3, 4, 5, 6, 7, 10])
    }

    @Test func pcrSelectionRefusesMoreThan24PCRs() {
        #expect(parseError(PCRSelection.self, hexBytes("0004 00000000")) != nil)
        #expect(throws: LoBotError.self) { try PCRSelection([24]) }
    }

    @Test func pcrComposite() throws {
        // select {0003 010000} (PCR 0), valueSize 00000014, one PCR value of 0x11.
        let composite = try PCRComposite(selection: try PCRSelection([0]), values: [digest(0x11)])
        try checkWireStructure(composite, known: hexBytes("0003 010000 00000014") + [UInt8](repeating: 0x11, count: 20))
    }

    @Test func pcrCompositeRefusesInconsistentValueSize() {
        // Two PCRs selected but valueSize says one.
        let bytes = hexBytes("0003 030000 00000014") + [UInt8](repeating: 0, count: 40)
        guard case .parse(let failure)? = parseError(PCRComposite.self, bytes), case .inconsistent = failure.kind else {
            Issue.record("inconsistent valueSize accepted")
            return
        }
        #expect(failure.offset == 5)
    }

    @Test func quoteInfo() throws {
        // version 01010000, fixed "QUOT" 51554f54, digestValue (20 x 0x22), externalData (20 x 0x33).
        let known = hexBytes("01010000 51554f54") + [UInt8](repeating: 0x22, count: 20) + [UInt8](repeating: 0x33, count: 20)
        try checkWireStructure(
            QuoteInfo(digestValue: digest(0x22), externalData: nonce(0x33)), known: known,
            fixedFieldOffsets: Array(0..<8))
        #expect(known.count == 48)
    }

    @Test func quoteInfo2() throws {
        // tag 0036, fixed "QUT2" 51555432, externalData (20 x 0x44),
        // infoShort { select 0003 ffff00, localityAtRelease 01, digestAtRelease (20 x 0x55) }.
        let known = hexBytes("0036 51555432") + [UInt8](repeating: 0x44, count: 20) + hexBytes("0003 ffff00 01")
            + [UInt8](repeating: 0x55, count: 20)
        let info = PCRInfoShort(
            pcrSelection: try PCRSelection(Array(0..<16)), localityAtRelease: 1, digestAtRelease: digest(0x55))
        try checkWireStructure(QuoteInfo2(externalData: nonce(0x44), infoShort: info), known: known, fixedFieldOffsets: Array(0..<6))
        #expect(known.count == 52)
    }

    @Test func pcrInfoLong() throws {
        // tag 0006, localityAtCreation 01, localityAtRelease 1f, creation {0003 7f0000},
        // release {0003 7f0000}, digestAtCreation (20 x 0x66), digestAtRelease (20 x 0x77).
        let known = hexBytes("0006 01 1f 0003 7f0000 0003 7f0000") + [UInt8](repeating: 0x66, count: 20)
            + [UInt8](repeating: 0x77, count: 20)
        let selection = try PCRSelection(Array(0...6))
        try checkWireStructure(
            PCRInfoLong(
                localityAtCreation: 1, localityAtRelease: 0x1f, creationPCRSelection: selection,
                releasePCRSelection: selection, digestAtCreation: digest(0x66), digestAtRelease: digest(0x77)),
            known: known, fixedFieldOffsets: [0, 1])
    }

    static let rsa2048OAEPParms = hexBytes("00000001 0003 0001 0000000c 00000800 00000002 00000000")

    @Test func keyParms() throws {
        // algorithmID TPM_ALG_RSA, encScheme OAEP_SHA1_MGF1, sigScheme NONE, parmSize 12,
        // TPM_RSA_KEY_PARMS { keyLength 2048, numPrimes 2, exponentSize 0 }.
        try checkWireStructure(KeyParms.rsa2048(encScheme: .rsaOAEPSHA1, sigScheme: .none), known: Self.rsa2048OAEPParms)
        #expect(try KeyParms.rsa2048(encScheme: .rsaOAEPSHA1, sigScheme: .none).rsaParms().effectiveExponent == [1, 0, 1])
    }

    @Test func pubKey() throws {
        let modulus = [UInt8](repeating: 0xc3, count: 256)
        let known = Self.rsa2048OAEPParms + hexBytes("00000100") + modulus
        try checkWireStructure(
            PubKey(algorithmParms: KeyParms.rsa2048(encScheme: .rsaOAEPSHA1, sigScheme: .none), modulus: modulus), known: known)
    }

    @Test func key12() throws {
        // tag 0028, fill 0000, keyUsage BIND 0014, keyFlags 00000000, authDataUsage 00, parms,
        // PCRInfoSize 0, pubKey { 00000100, modulus }, encSize 16, encData.
        let modulus = [UInt8](repeating: 0xa5, count: 256)
        let enc = [UInt8](repeating: 0x5a, count: 16)
        let known = hexBytes("0028 0000 0014 00000000 00") + Self.rsa2048OAEPParms + hexBytes("00000000 00000100") + modulus
            + hexBytes("00000010") + enc
        let key = KeyBlob(
            is12: true, keyUsage: .bind, keyFlags: 0, authDataUsage: 0,
            algorithmParms: KeyParms.rsa2048(encScheme: .rsaOAEPSHA1, sigScheme: .none), pcrInfo: [], modulus: modulus,
            encData: enc)
        try checkWireStructure(key, known: known, fixedFieldOffsets: [0, 1, 2, 3])
        // authDataUsage is one of TPM_AUTH_NEVER, _ALWAYS, _PRIV_USE_ONLY (a TPM counts any other
        // as a failed authorisation); byte 10 inverted was the tamper matrix's case.
        for usage: UInt8 in [0x00, 0x01, 0x11] {
            var valid = known
            valid[10] = usage
            #expect(try KeyBlob(bytes: valid).authDataUsage == usage)
        }
        for usage: UInt8 in [0x02, 0x10, 0xfe, 0xff] {
            var invalid = known
            invalid[10] = usage
            #expect(parseError(KeyBlob.self, invalid).map { "\($0)".contains("authDataUsage") } == true)
        }
    }

    @Test func key11() throws {
        // The TPM 1.1 TPM_KEY form: ver 01010000 instead of tag and fill.
        let modulus = [UInt8](repeating: 0xa5, count: 256)
        let known = hexBytes("01010000 0012 00000000 01") + Self.rsa2048OAEPParms + hexBytes("00000000 00000100") + modulus
            + hexBytes("00000000")
        let key = KeyBlob(
            is12: false, keyUsage: .identity, keyFlags: 0, authDataUsage: 1,
            algorithmParms: KeyParms.rsa2048(encScheme: .rsaOAEPSHA1, sigScheme: .none), pcrInfo: [], modulus: modulus,
            encData: [])
        try checkWireStructure(key, known: known, fixedFieldOffsets: [0, 1, 2, 3])
    }

    @Test func certifyInfo() throws {
        // version 01010000, keyUsage BIND, keyFlags 0, authDataUsage 0, parms, pubkeyDigest (20 x 0x12),
        // data (20 x 0x34), parentPCRStatus 00, PCRInfoSize 0.
        let known = hexBytes("01010000 0014 00000000 00") + Self.rsa2048OAEPParms + [UInt8](repeating: 0x12, count: 20)
            + [UInt8](repeating: 0x34, count: 20) + hexBytes("00 00000000")
        let info = CertifyInfo(
            keyUsage: .bind, keyFlags: 0, authDataUsage: 0,
            algorithmParms: KeyParms.rsa2048(encScheme: .rsaOAEPSHA1, sigScheme: .none), pubkeyDigest: digest(0x12),
            data: nonce(0x34), parentPCRStatus: 0, pcrInfo: [])
        try checkWireStructure(info, known: known, fixedFieldOffsets: [0, 1, 2, 3])
        var badBool = known
        badBool[known.count - 5] = 2
        #expect(parseError(CertifyInfo.self, badBool) != nil)
    }

    @Test func boundData() throws {
        // ver 01010000, payload TPM_PT_BIND 02, payloadData to the end.
        try checkWireStructure(
            BoundData(payloadData: [0xde, 0xad]), known: hexBytes("01010000 02 dead"), fixedFieldOffsets: [0, 1, 2, 3, 4],
            openEndedAfter: 5)
    }

    @Test func spareUnknownConstantsRoundTrip() throws {
        // An unknown encScheme is kept, so the structure still round-trips.
        let bytes = hexBytes("00000001 00ff 0001 00000000")
        let parms = try KeyParms(bytes: bytes)
        #expect(parms.encScheme.rawValue == 0x00ff)
        #expect(parms.bytes == bytes)
    }

    @Test func keptFiles() throws {
        // "LBKF", version 1, one file "disk.lbst" with device 8, inode 9, size 10, times 11 and 12.
        let identity = FileIdentity(device: 8, inode: 9, size: 10, modified: 11, changed: 12)
        try checkWireStructure(
            KeptFiles(files: [(DomainFiles.disk, identity)]),
            known: Array("LBKF".utf8) + [1, 1, 9] + Array("disk.lbst".utf8)
                + hexBytes("0000000000000008 0000000000000009 000000000000000a 000000000000000b 000000000000000c"),
            fixedFieldOffsets: [0, 1, 2, 3, 4])
        #expect(KeptFiles(files: [(DomainFiles.disk, identity)]).identity(of: DomainFiles.memory) == nil)
    }
}
