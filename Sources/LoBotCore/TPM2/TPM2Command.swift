// A TPM 2.0 command as it goes to the TPM (Part 1, 18.2; Part 3, "Command Structure"): the header,
// then the handles, the authorization area (with TPM_ST_SESSIONS) and the parameters, which this
// type keeps as bytes for each command's own type to read.
//
//   TPMI_ST_COMMAND_TAG tag;           /* UINT16: TPM_ST_NO_SESSIONS or TPM_ST_SESSIONS */
//   UINT32 commandSize;                /* the whole command, this header included */
//   TPM_CC commandCode;                /* UINT32 */
//   BYTE body[commandSize - 10];
//
// commandSize is checked against the bytes: more than there are is refused as truncation, fewer as
// trailing bytes; the serializer writes the size of what it holds.

public struct TPM2Command: WireStructure, Equatable, Sendable {
    public static var wireName: String { "TPM 2.0 command" }
    public static let headerLength = 10

    /// TPM_ST_SESSIONS rather than TPM_ST_NO_SESSIONS.
    public var sessions: Bool
    public var commandCode: TPM2CommandCode
    /// Handles, authorization area and parameters.
    public var body: [UInt8]

    public init(sessions: Bool, commandCode: TPM2CommandCode, body: [UInt8]) {
        self.sessions = sessions
        self.commandCode = commandCode
        self.body = body
    }

    public var tag: TPM2StructureTag { sessions ? .sessions : .noSessions }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        sessions = try TPM2Frame.readTag(&reader)
        let size = try TPM2Frame.readSize(&reader)
        commandCode = TPM2CommandCode(rawValue: try reader.readUInt32())
        body = try reader.readBytes(size - Self.headerLength)
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(tag.rawValue)
        writer.write(UInt32(Self.headerLength + body.count))
        writer.write(commandCode.rawValue)
        writer.write(body)
    }
}

/// The header checks commands and responses share.
enum TPM2Frame {
    /// Reads the tag: true for TPM_ST_SESSIONS, false for TPM_ST_NO_SESSIONS, anything else refused.
    static func readTag(_ reader: inout ByteReader) throws(LoBotError) -> Bool {
        let at = reader.offset
        let tag = TPM2StructureTag(rawValue: try reader.readUInt16())
        guard tag == .sessions || tag == .noSessions else {
            throw reader.failure(.unexpectedValue(field: "tag", value: UInt64(tag.rawValue)), at: at)
        }
        return tag == .sessions
    }

    /// Reads the size field: at least the header, at most TPM2Limits.maxMessageBytes.
    static func readSize(_ reader: inout ByteReader) throws(LoBotError) -> Int {
        let at = reader.offset
        let size = try reader.readUInt32()
        guard size <= UInt32(TPM2Limits.maxMessageBytes) else {
            throw reader.failure(
                .lengthTooLarge(field: "size", value: UInt64(size), maximum: UInt64(TPM2Limits.maxMessageBytes)), at: at)
        }
        guard size >= UInt32(TPM2Command.headerLength) else {
            throw reader.failure(.unexpectedValue(field: "size", value: UInt64(size)), at: at)
        }
        return Int(size)
    }
}
