// The frame every TPM command and response sits in, in both families, written and checked in one
// place so that each command's file holds only its own fields:
//
//   command:   UINT16 tag;  UINT32 size;  UINT32 ordinal (TPM 1.2) / commandCode (TPM 2.0);  ...
//   response:  UINT16 tag;  UINT32 size;  UINT32 returnCode;  ...
//
// `size` counts the whole command or response, header included. A parser reads the header first
// and checks `size` once it has read its last field, so a short input is refused as truncated and
// a long one as trailing bytes; a size field that disagrees with the fields is refused as
// inconsistent. The structures here are the successful responses (returnCode 0): the engine
// turns any other return code into `.guestTPM` before it parses one (TPMCommand.swift).
import LoBotCore

/// Header tags (TPM 1.2 Part 2, 6: TPM_TAG; TPM 2.0 Part 2, 6.9: TPM_ST).
public enum TPMTag {
    /// TPM_TAG_RQU_COMMAND: a TPM 1.2 command without authorisation.
    public static let tpm12Command: UInt16 = 0x00C1
    /// TPM_TAG_RSP_COMMAND: its response.
    public static let tpm12Response: UInt16 = 0x00C4
    /// TPM_ST_NO_SESSIONS: a TPM 2.0 command or response without an authorisation area.
    public static let tpm2NoSessions: UInt16 = 0x8001
    /// TPM_ST_SESSIONS: with one.
    public static let tpm2Sessions: UInt16 = 0x8002
}

/// Where a frame started and what its size field said, for the check at its end.
struct TPMFrameStart {
    let offset: Int
    let sizeOffset: Int
    let size: UInt32
}

enum TPMFrame {
    /// The header's length: tag, size and ordinal or return code.
    static let headerLength = 10

    /// Writes a frame: the header, with its size computed, then what `body` writes.
    static func write(
        tag: UInt16, code: UInt32, into writer: inout ByteWriter, body: (inout ByteWriter) -> Void
    ) {
        var inner = ByteWriter()
        body(&inner)
        writer.write(tag)
        writer.write(UInt32(headerLength + inner.bytes.count))
        writer.write(code)
        writer.write(inner.bytes)
    }

    /// Reads a header with this tag and ordinal / command code (or return code 0, for a response).
    static func read(_ reader: inout ByteReader, tag: UInt16, code: UInt32, codeField: String) throws(LoBotError)
        -> TPMFrameStart
    {
        let offset = reader.offset
        try reader.expectUInt16(tag, field: "tag")
        let sizeOffset = reader.offset
        let size = try reader.readUInt32()
        try reader.expectUInt32(code, field: codeField)
        return TPMFrameStart(offset: offset, sizeOffset: sizeOffset, size: size)
    }

    /// Checks, after the last field, that the size field counted exactly the bytes read.
    static func finish(_ reader: ByteReader, _ start: TPMFrameStart) throws(LoBotError) {
        let read = reader.offset - start.offset
        guard Int(start.size) == read else {
            throw reader.failure(.inconsistent("size \(start.size) is not the \(read) bytes of the fields"), at: start.sizeOffset)
        }
    }

    /// The return code of a response, read from its header alone (any tag), or nil if the
    /// response is too short to have one.
    static func returnCode(of response: [UInt8]) -> UInt32? {
        var reader = ByteReader(response, structure: "TPM response")
        guard (try? reader.readUInt16()) != nil, (try? reader.readUInt32()) != nil else { return nil }
        return try? reader.readUInt32()
    }
}
