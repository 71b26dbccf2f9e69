// The response a TPM gives when a command fails before it produces anything: the header alone,
// carrying the return code. The engine answers one itself where libtpms cannot be asked (no TPM
// running, a command larger than the buffer, a locality out of range), in the family's own form,
// as swtpm does.
//
//   TPM 1.2:  UINT16 tag = TPM_TAG_RSP_COMMAND (0x00C4);  UINT32 paramSize = 10;  TPM_RESULT returnCode
//   TPM 2.0:  UINT16 tag = TPM_ST_NO_SESSIONS (0x8001);   UINT32 responseSize = 10;  TPM_RC responseCode
import LoBotCore

public struct TPMErrorResponse: WireStructure, Equatable, Sendable {
    public static var wireName: String { "TPM error response" }
    public var tag: UInt16
    public var returnCode: UInt32

    /// TPM_FAIL (TPM 1.2) and TPM_RC_FAILURE (TPM 2.0): the TPM cannot answer at all.
    public static func failure(_ family: GuestTPMFamily) -> TPMErrorResponse {
        TPMErrorResponse(family, family == .tpm12 ? 0x09 : 0x101)
    }

    /// TPM_BAD_PARAM_SIZE (TPM 1.2) and TPM_RC_COMMAND_SIZE (TPM 2.0): a command larger than the buffer.
    public static func commandSize(_ family: GuestTPMFamily) -> TPMErrorResponse {
        TPMErrorResponse(family, family == .tpm12 ? 0x19 : 0x142)
    }

    /// TPM_BAD_LOCALITY (TPM 1.2) and TPM_RC_LOCALITY (TPM 2.0): a locality above 4.
    public static func locality(_ family: GuestTPMFamily) -> TPMErrorResponse {
        TPMErrorResponse(family, family == .tpm12 ? 0x3D : 0x907)
    }

    public init(_ family: GuestTPMFamily, _ returnCode: UInt32) {
        tag = family == .tpm12 ? TPMTag.tpm12Response : TPMTag.tpm2NoSessions
        self.returnCode = returnCode
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        let at = reader.offset
        tag = try reader.readUInt16()
        guard tag == TPMTag.tpm12Response || tag == TPMTag.tpm2NoSessions else {
            throw reader.failure(.unexpectedValue(field: "tag", value: UInt64(tag)), at: at)
        }
        try reader.expectUInt32(UInt32(TPMFrame.headerLength), field: "size")
        let codeAt = reader.offset
        returnCode = try reader.readUInt32()
        guard returnCode != 0 else { throw reader.failure(.unexpectedValue(field: "returnCode", value: 0), at: codeAt) }
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(tag)
        writer.write(UInt32(TPMFrame.headerLength))
        writer.write(returnCode)
    }
}
