// The byte layer: big-endian reads, bounds, length caps and error offsets.
import LoBotCore
import Testing

@Suite struct ByteReaderTests {
    @Test func readsBigEndianIntegers() throws {
        var reader = ByteReader([0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f])
        #expect(try reader.readUInt8() == 0x01)
        #expect(try reader.readUInt16() == 0x0203)
        #expect(try reader.readUInt32() == 0x0405_0607)
        #expect(try reader.readUInt64() == 0x0809_0a0b_0c0d_0e0f)
        #expect(reader.isAtEnd)
    }

    @Test func writerMirrorsReader() throws {
        var writer = ByteWriter()
        writer.write(UInt8(0xab))
        writer.write(UInt16(0x1234))
        writer.write(UInt32(0xdead_beef))
        writer.write(UInt64(42))
        writer.writeSized([9, 8, 7], lengthWidth: 2)
        #expect(writer.bytes == [0xab, 0x12, 0x34, 0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 0, 0, 0, 0, 42, 0, 3, 9, 8, 7])
        var reader = ByteReader(writer.bytes)
        #expect(try reader.readUInt8() == 0xab)
        #expect(try reader.readUInt16() == 0x1234)
        #expect(try reader.readUInt32() == 0xdead_beef)
        #expect(try reader.readUInt64() == 42)
        #expect(try reader.readSized(lengthWidth: 2, maximum: 3, field: "f") == [9, 8, 7])
    }

    @Test func truncationReportsOffsetAndNeed() {
        var reader = ByteReader([1, 2, 3], structure: "THING")
        _ = try? reader.readUInt16()
        #expect(throws: LoBotError.parse(ParseFailure(structure: "THING", kind: .truncated(needed: 4, available: 1), offset: 2))) {
            try reader.readUInt32()
        }
    }

    @Test func hostileLengthIsRefusedBeforeAllocation() {
        var reader = ByteReader([0xff, 0xff, 0xff, 0xff], structure: "BLOB")
        #expect(throws: LoBotError.parse(ParseFailure(
            structure: "BLOB", kind: .lengthTooLarge(field: "size", value: 0xffff_ffff, maximum: 64), offset: 0))) {
            try reader.readSized(lengthWidth: 4, maximum: 64, field: "size")
        }
    }

    @Test func errorMessageIsOneLine() {
        let failure = ParseFailure(structure: "TPM_QUOTE_INFO", kind: .truncated(needed: 20, available: 3), offset: 25)
        #expect(failure.message == "malformed TPM_QUOTE_INFO: truncated at byte 25: need 20 bytes, 3 left")
        #expect(!LoBotError.parse(failure).message.contains("\n"))
    }

    @Test func hexRoundTrips() {
        #expect(Hex.string([0x00, 0x0f, 0xa0, 0xff]) == "000fa0ff")
        #expect(Hex.bytes("000FA0ff") == [0x00, 0x0f, 0xa0, 0xff])
        #expect(Hex.bytes("abc") == nil)
        #expect(Hex.bytes("zz") == nil)
    }

    @Test func pcrListsParseAndPrint() throws {
        #expect(try PCRList.parse("0-7,10") == [0, 1, 2, 3, 4, 5, 6, 7, 10])
        #expect(try PCRList.parse("23,0,0") == [0, 23])
        #expect(PCRList.describe([0, 1, 2, 3, 5, 7, 8]) == "0-3,5,7-8")
        for bad in ["", "24", "-1", "3-1", "a", "1,,2", "0-"] {
            #expect(throws: LoBotError.self, "\(bad) accepted") { try PCRList.parse(bad) }
        }
    }

    /// Found by the quote fuzz target: the refusal quoted the input, newlines and all.
    @Test func pcrListRefusalsStayOneLine() {
        for bad in ["0-6\nLBGV\u{1}\nhost-lobot", "0-6\u{1b}[2J", String(repeating: "9", count: 200)] {
            do throws(LoBotError) {
                _ = try PCRList.parse(bad)
                Issue.record("\(bad) accepted")
            } catch {
                #expect(!error.message.contains("\n") && !error.message.contains("\u{1b}") && error.message.utf8.count < 200)
            }
        }
        do throws(LoBotError) { _ = try PCRList.parse("0-24") } catch { #expect(error.message.contains("\"0-24\"")) }
    }
}
