// TPM2_GetCapability (TPM 2.0 Part 3, 30.2). LoBot asks only for TPM_CAP_PCRS: which PCR banks
// the TPM has allocated, so that it measures into each of them.
//
//   TPMI_ST_COMMAND_TAG tag = TPM_ST_NO_SESSIONS (0x8001);  UINT32 commandSize = 22;
//   TPM_CC commandCode = TPM_CC_GetCapability (0x0000017A);
//   TPM_CAP capability;                /* UINT32: TPM_CAP_PCRS 5 */
//   UINT32 property;                   /* 0 for TPM_CAP_PCRS */
//   UINT32 propertyCount;
//
// Response: TPM2GetCapabilityPCRsResponse (for TPM_CAP_PCRS, the one capability LoBot reads).
import LoBotCore

public struct TPM2GetCapabilityCommand: TPMCommand, Equatable, Sendable {
    public typealias Response = TPM2GetCapabilityPCRsResponse
    public static var wireName: String { "TPM2_GetCapability" }
    public static var commandName: String { "TPM2_GetCapability" }
    public static let commandCode: UInt32 = 0x0000_017A
    /// TPM_CAP_PCRS.
    public static let capabilityPCRs: UInt32 = 0x0000_0005

    public var capability: UInt32
    public var property: UInt32
    public var propertyCount: UInt32

    /// The PCR allocation: every bank, with the PCRs allocated in it.
    public static var pcrAllocation: TPM2GetCapabilityCommand {
        TPM2GetCapabilityCommand(capability: capabilityPCRs, property: 0, propertyCount: 1)
    }

    public init(capability: UInt32, property: UInt32, propertyCount: UInt32) {
        self.capability = capability
        self.property = property
        self.propertyCount = propertyCount
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        let start = try TPMFrame.read(&reader, tag: TPMTag.tpm2NoSessions, code: Self.commandCode, codeField: "commandCode")
        capability = try reader.readUInt32()
        property = try reader.readUInt32()
        propertyCount = try reader.readUInt32()
        try TPMFrame.finish(reader, start)
    }

    public func serialize(into writer: inout ByteWriter) {
        TPMFrame.write(tag: TPMTag.tpm2NoSessions, code: Self.commandCode, into: &writer) {
            $0.write(capability)
            $0.write(property)
            $0.write(propertyCount)
        }
    }
}
