// The control channel's framing: a request is decoded only once all its bytes are there, its
// blob length capped before anything is read, an unknown command refused, and the padding qemu
// sends after SET_LOCALITY's and RESET_TPMESTABLISHED's one-byte request taken with it.
import LoBotCore
import Testing
import TestSupport

@Suite struct EmulatorCodecTests {
    @Test func requestsDecodeOnlyWhenWhole() throws {
        let initialize = hexBytes("00000002 00000001")
        for length in 0..<initialize.count { #expect(try EmulatorCodec.decode(Array(initialize.prefix(length))) == nil) }
        #expect(try EmulatorCodec.decode(initialize)?.request == .initialize(flags: 1))
        #expect(try EmulatorCodec.decode(initialize)?.consumed == 8)
        let blob = hexBytes("0000000d 00000000 00000001 00000003 aabbcc")
        for length in 0..<blob.count { #expect(try EmulatorCodec.decode(Array(blob.prefix(length))) == nil) }
        #expect(try EmulatorCodec.decode(blob)?.request == .setStateBlob(flags: 0, type: 1, data: [0xaa, 0xbb, 0xcc]))
        // A blob longer than the limit is refused from its header, before anything is read.
        #expect(throws: LoBotError.self) { try EmulatorCodec.decode(hexBytes("0000000d 00000000 00000001 7fffffff")) }
        #expect(throws: LoBotError.self) { try EmulatorCodec.decode(hexBytes("00000099")) }
        #expect(throws: LoBotError.self) { try EmulatorCodec.decode(hexBytes("00000000")) }
    }

    @Test func theLocalityRequestsTakeTheUnionPaddingQemuSendsWithThem() throws {
        // qemu: the whole 4-byte union (RESET_TPMESTABLISHED's padding is not even zeroed).
        #expect(try EmulatorCodec.decode(hexBytes("00000005 03000000"))?.consumed == 8)
        #expect(try EmulatorCodec.decode(hexBytes("0000000b 03a1b2c3"))?.request == .resetEstablished(locality: 3))
        #expect(try EmulatorCodec.decode(hexBytes("0000000b 03a1b2c3"))?.consumed == 8)
        // tpm2-tss' swtpm TCTI: the one byte.
        #expect(try EmulatorCodec.decode(hexBytes("00000005 02"))?.request == .setLocality(2))
        #expect(try EmulatorCodec.decode(hexBytes("00000005 02"))?.consumed == 5)
    }

    @Test func repliesHaveTheirLayouts() {
        #expect(EmulatorCodec.encode(.result(0x0a)) == hexBytes("0000000a"))
        #expect(EmulatorCodec.encode(.capability(0x3fcf)) == hexBytes("00000000 00003fcf"))
        #expect(EmulatorCodec.encode(.established(result: 0, flag: true)) == hexBytes("00000000 01000000"))
        #expect(EmulatorCodec.encode(.stateBlob(result: 0, flags: 0, data: [1, 2])) == hexBytes("00000000 00000000 00000002 00000002 0102"))
        #expect(EmulatorCodec.encode(.bufferSize(result: 0, size: 4096, minimum: 1024, maximum: 4096))
                    == hexBytes("00000000 00001000 00000400 00001000"))
    }
}
