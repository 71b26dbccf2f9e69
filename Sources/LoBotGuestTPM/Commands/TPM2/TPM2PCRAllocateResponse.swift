// The successful response to TPM2_PCR_Allocate (TPM 2.0 Part 3, 22.5).
//
//   TPM_ST tag = TPM_ST_SESSIONS (0x8002);  UINT32 responseSize = 32;  TPM_RC responseCode = 0;
//   UINT32 parameterSize = 13;
//   TPMI_YES_NO allocationSuccess;     /* UINT8 */
//   UINT32 maxPCR;  UINT32 sizeNeeded;  UINT32 sizeAvailable;
//   (authorisation area: TPM2PasswordAcknowledgement)
import LoBotCore

public struct TPM2PCRAllocateResponse: WireStructure, Equatable, Sendable {
    public static var wireName: String { "TPM2_PCR_Allocate response" }
    static let parameterSize: UInt32 = 13

    public var allocationSuccess: Bool
    public var maxPCR: UInt32
    public var sizeNeeded: UInt32
    public var sizeAvailable: UInt32
    public var acknowledgement: TPM2PasswordAcknowledgement

    public init(
        allocationSuccess: Bool, maxPCR: UInt32, sizeNeeded: UInt32, sizeAvailable: UInt32,
        acknowledgement: TPM2PasswordAcknowledgement = .init()
    ) {
        self.allocationSuccess = allocationSuccess
        self.maxPCR = maxPCR
        self.sizeNeeded = sizeNeeded
        self.sizeAvailable = sizeAvailable
        self.acknowledgement = acknowledgement
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        let start = try TPMFrame.read(&reader, tag: TPMTag.tpm2Sessions, code: 0, codeField: "responseCode")
        try reader.expectUInt32(Self.parameterSize, field: "parameterSize")
        let at = reader.offset
        let success = try reader.readUInt8()
        guard success <= 1 else { throw reader.failure(.unexpectedValue(field: "allocationSuccess", value: UInt64(success)), at: at) }
        allocationSuccess = success == 1
        maxPCR = try reader.readUInt32()
        sizeNeeded = try reader.readUInt32()
        sizeAvailable = try reader.readUInt32()
        acknowledgement = try TPM2PasswordAcknowledgement.parse(from: &reader)
        try TPMFrame.finish(reader, start)
    }

    public func serialize(into writer: inout ByteWriter) {
        TPMFrame.write(tag: TPMTag.tpm2Sessions, code: 0, into: &writer) {
            $0.write(Self.parameterSize)
            $0.write(UInt8(allocationSuccess ? 1 : 0))
            $0.write(maxPCR)
            $0.write(sizeNeeded)
            $0.write(sizeAvailable)
            acknowledgement.serialize(into: &$0)
        }
    }
}
