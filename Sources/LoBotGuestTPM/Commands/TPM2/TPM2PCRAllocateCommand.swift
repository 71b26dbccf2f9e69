// TPM2_PCR_Allocate (TPM 2.0 Part 3, 22.5): which PCR banks the TPM keeps from its next
// _TPM_Init. LoBot sends it once, while it manufactures a guest's TPM 2.0 (as swtpm_setup does),
// authorised by the platform hierarchy's empty authValue; libtpms manufactures every bank it
// implements, and the guest gets the banks LoBot chose.
//
//   TPMI_ST_COMMAND_TAG tag = TPM_ST_SESSIONS (0x8002);  UINT32 commandSize;
//   TPM_CC commandCode = TPM_CC_PCR_Allocate (0x0000012B);
//   TPMI_RH_PLATFORM authHandle = TPM_RH_PLATFORM (0x4000000C);
//   (authorisation area: TPM2PasswordAuthorization)
//   TPML_PCR_SELECTION pcrAllocation;  /* every bank: the PCRs to keep, or none */
//
// Response: TPM2PCRAllocateResponse.
import LoBotCore

public struct TPM2PCRAllocateCommand: TPMCommand, Equatable, Sendable {
    public typealias Response = TPM2PCRAllocateResponse
    public static var wireName: String { "TPM2_PCR_Allocate" }
    public static var commandName: String { "TPM2_PCR_Allocate" }
    public static let commandCode: UInt32 = 0x0000_012B
    /// TPM_RH_PLATFORM.
    public static let platformHierarchy: UInt32 = 0x4000_000C

    public var authorization: TPM2PasswordAuthorization
    public var pcrAllocation: TPMLPCRSelection

    public init(pcrAllocation: TPMLPCRSelection, authorization: TPM2PasswordAuthorization = .init()) {
        self.authorization = authorization
        self.pcrAllocation = pcrAllocation
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        let start = try TPMFrame.read(&reader, tag: TPMTag.tpm2Sessions, code: Self.commandCode, codeField: "commandCode")
        try reader.expectUInt32(Self.platformHierarchy, field: "authHandle")
        authorization = try TPM2PasswordAuthorization.parse(from: &reader)
        pcrAllocation = try TPMLPCRSelection.parse(from: &reader)
        try TPMFrame.finish(reader, start)
    }

    public func serialize(into writer: inout ByteWriter) {
        TPMFrame.write(tag: TPMTag.tpm2Sessions, code: Self.commandCode, into: &writer) {
            $0.write(Self.platformHierarchy)
            authorization.serialize(into: &$0)
            pcrAllocation.serialize(into: &$0)
        }
    }
}
