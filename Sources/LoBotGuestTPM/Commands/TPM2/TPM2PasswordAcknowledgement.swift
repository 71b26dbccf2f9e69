// The authorisation area of a TPM 2.0 response to a command with one password session (TPM 2.0
// Part 1, 19.8.4; Part 2, 10.13.3 TPMS_AUTH_RESPONSE): empty nonce, the session's attributes,
// empty acknowledgement.
//
//   TPM2B_NONCE nonceTPM;              /* UINT16 size = 0 */
//   TPMA_SESSION sessionAttributes;    /* UINT8 */
//   TPM2B_AUTH hmac;                   /* UINT16 size = 0 */
import LoBotCore

public struct TPM2PasswordAcknowledgement: WireStructure, Equatable, Sendable {
    public static var wireName: String { "TPMS_AUTH_RESPONSE" }

    public var sessionAttributes: UInt8

    public init(sessionAttributes: UInt8 = 0) { self.sessionAttributes = sessionAttributes }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        try reader.expectUInt16(0, field: "nonceTPM.size")
        sessionAttributes = try reader.readUInt8()
        try reader.expectUInt16(0, field: "hmac.size")
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(UInt16(0))
        writer.write(sessionAttributes)
        writer.write(UInt16(0))
    }
}
