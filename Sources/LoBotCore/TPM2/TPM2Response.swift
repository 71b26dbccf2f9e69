// A TPM 2.0 response as it comes from the TPM (Part 1, 18.8; Part 3, "Response Structure"): the
// header, then (on success) the handles, the parameter size and parameters, and the authorization
// area (with TPM_ST_SESSIONS), which this type keeps as bytes for each command's response type.
//
//   TPM_ST tag;                        /* UINT16: TPM_ST_NO_SESSIONS or TPM_ST_SESSIONS */
//   UINT32 responseSize;               /* the whole response, this header included */
//   TPM_RC responseCode;               /* UINT32: TPM_RC_SUCCESS (0) or an error or warning */
//   BYTE body[responseSize - 10];      /* empty unless responseCode is TPM_RC_SUCCESS */
//
// responseSize is checked against the bytes as a command's size is. A response that is not a
// success is the header alone with TPM_ST_NO_SESSIONS (Part 1, 18.8); anything else is refused.

public struct TPM2Response: WireStructure, Equatable, Sendable {
    public static var wireName: String { "TPM 2.0 response" }
    /// TPM_RC_SUCCESS
    public static let success: UInt32 = 0

    public var sessions: Bool
    public var responseCode: UInt32
    public var body: [UInt8]

    public init(sessions: Bool, responseCode: UInt32, body: [UInt8]) {
        self.sessions = sessions
        self.responseCode = responseCode
        self.body = body
    }

    /// The response of a failed command: the header alone.
    public static func failure(_ responseCode: UInt32) -> TPM2Response {
        TPM2Response(sessions: false, responseCode: responseCode, body: [])
    }

    public var tag: TPM2StructureTag { sessions ? .sessions : .noSessions }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        let at = reader.offset
        sessions = try TPM2Frame.readTag(&reader)
        let size = try TPM2Frame.readSize(&reader)
        responseCode = try reader.readUInt32()
        guard responseCode == Self.success || (size == TPM2Command.headerLength && !sessions) else {
            throw reader.failure(.inconsistent("response code \(responseCode) with a body or sessions"), at: at)
        }
        body = try reader.readBytes(size - TPM2Command.headerLength)
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(tag.rawValue)
        writer.write(UInt32(TPM2Command.headerLength + body.count))
        writer.write(responseCode)
        writer.write(body)
    }
}
