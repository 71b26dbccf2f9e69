// The successful response to TPM2_GetCapability(TPM_CAP_PCRS) (TPM 2.0 Part 3, 30.2; Part 2,
// 10.10.2 TPMS_CAPABILITY_DATA): every bank the TPM implements, with the PCRs allocated in it
// (none, for a bank that is not allocated).
//
//   TPM_ST tag = TPM_ST_NO_SESSIONS (0x8001);  UINT32 responseSize;  TPM_RC responseCode = 0;
//   TPMI_YES_NO moreData;              /* UINT8 */
//   TPM_CAP capability = TPM_CAP_PCRS (5);
//   TPML_PCR_SELECTION assignedPCR;
import LoBotCore

public struct TPM2GetCapabilityPCRsResponse: WireStructure, Equatable, Sendable {
    public static var wireName: String { "TPM2_GetCapability(TPM_CAP_PCRS) response" }

    public var moreData: Bool
    public var assignedPCR: TPMLPCRSelection

    public init(moreData: Bool, assignedPCR: TPMLPCRSelection) {
        self.moreData = moreData
        self.assignedPCR = assignedPCR
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        let start = try TPMFrame.read(&reader, tag: TPMTag.tpm2NoSessions, code: 0, codeField: "responseCode")
        let at = reader.offset
        let more = try reader.readUInt8()
        guard more <= 1 else { throw reader.failure(.unexpectedValue(field: "moreData", value: UInt64(more)), at: at) }
        moreData = more == 1
        try reader.expectUInt32(TPM2GetCapabilityCommand.capabilityPCRs, field: "capability")
        assignedPCR = try TPMLPCRSelection.parse(from: &reader)
        try TPMFrame.finish(reader, start)
    }

    public func serialize(into writer: inout ByteWriter) {
        TPMFrame.write(tag: TPMTag.tpm2NoSessions, code: 0, into: &writer) {
            $0.write(UInt8(moreData ? 1 : 0))
            $0.write(TPM2GetCapabilityCommand.capabilityPCRs)
            assignedPCR.serialize(into: &$0)
        }
    }
}
