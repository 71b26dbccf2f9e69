// The successful response to TPM2_PCR_Extend (TPM 2.0 Part 3, 22.2): no parameters, the password
// session's acknowledgement.
//
//   TPM_ST tag = TPM_ST_SESSIONS (0x8002);  UINT32 responseSize = 19;  TPM_RC responseCode = 0;
//   UINT32 parameterSize = 0;
//   (authorisation area: TPM2PasswordAcknowledgement)
import LoBotCore

public struct TPM2PCRExtendResponse: WireStructure, Equatable, Sendable {
    public static var wireName: String { "TPM2_PCR_Extend response" }

    public var acknowledgement: TPM2PasswordAcknowledgement

    public init(acknowledgement: TPM2PasswordAcknowledgement = .init()) { self.acknowledgement = acknowledgement }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        let start = try TPMFrame.read(&reader, tag: TPMTag.tpm2Sessions, code: 0, codeField: "responseCode")
        try reader.expectUInt32(0, field: "parameterSize")
        acknowledgement = try TPM2PasswordAcknowledgement.parse(from: &reader)
        try TPMFrame.finish(reader, start)
    }

    public func serialize(into writer: inout ByteWriter) {
        TPMFrame.write(tag: TPMTag.tpm2Sessions, code: 0, into: &writer) {
            $0.write(UInt32(0))
            acknowledgement.serialize(into: &$0)
        }
    }
}
