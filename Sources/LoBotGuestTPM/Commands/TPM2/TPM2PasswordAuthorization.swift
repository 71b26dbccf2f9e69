// The authorisation area of a TPM 2.0 command with one password session (TPM 2.0 Part 1, 19.8.4;
// Part 2, 10.13.2 TPMS_AUTH_COMMAND): how LoBot authorises the two commands it sends that need it,
// TPM2_PCR_Extend (the PCR's empty authValue) and TPM2_PCR_Allocate (the platform hierarchy's
// empty authValue on a TPM LoBot has just manufactured).
//
//   UINT32 authorizationSize;          /* of what follows */
//   TPMI_SH_AUTH_SESSION sessionHandle = TPM_RS_PW (0x40000009);
//   TPM2B_NONCE nonceCaller;           /* UINT16 size = 0 */
//   TPMA_SESSION sessionAttributes;    /* UINT8 */
//   TPM2B_AUTH hmac;                   /* UINT16 size; the password */
import LoBotCore

public struct TPM2PasswordAuthorization: WireStructure, Equatable, Sendable {
    public static var wireName: String { "TPMS_AUTH_COMMAND" }
    /// TPM_RS_PW: the password session.
    public static let passwordSession: UInt32 = 0x4000_0009
    /// A password longer than the largest digest is refused (TPM2B_AUTH is a TPMU_HA in size).
    public static let maximumPassword = 64

    public var sessionAttributes: UInt8
    public var password: [UInt8]

    /// The empty password.
    public init(password: [UInt8] = [], sessionAttributes: UInt8 = 0) {
        self.password = password
        self.sessionAttributes = sessionAttributes
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        let sizeAt = reader.offset
        let size = try reader.readUInt32()
        let start = reader.offset
        try reader.expectUInt32(Self.passwordSession, field: "sessionHandle")
        try reader.expectUInt16(0, field: "nonceCaller.size")
        sessionAttributes = try reader.readUInt8()
        password = try reader.readSized(lengthWidth: 2, maximum: Self.maximumPassword, field: "hmac.size")
        guard Int(size) == reader.offset - start else {
            throw reader.failure(.inconsistent("authorizationSize \(size) is not the \(reader.offset - start) bytes of the session"), at: sizeAt)
        }
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(UInt32(4 + 2 + 1 + 2 + password.count))
        writer.write(Self.passwordSession)
        writer.write(UInt16(0))
        writer.write(sessionAttributes)
        writer.writeSized(password, lengthWidth: 2)
    }
}
