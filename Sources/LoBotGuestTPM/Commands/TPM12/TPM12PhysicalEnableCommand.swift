// TPM_PhysicalEnable (TPM 1.2 Part 3, 6.1): enables the TPM (clears TPM_PERMANENT_FLAGS.disable);
// needs physical presence. Sent when LoBot manufactures a guest's TPM 1.2, as swtpm_setup does.
//
//   UINT16 tag = TPM_TAG_RQU_COMMAND (0x00C1);  UINT32 paramSize = 10;
//   TPM_COMMAND_CODE ordinal = TPM_ORD_PhysicalEnable (0x0000006F)
//
// Response: TPM12EmptyResponse.
import LoBotCore

public struct TPM12PhysicalEnableCommand: TPMCommand, Equatable, Sendable {
    public typealias Response = TPM12EmptyResponse
    public static var wireName: String { "TPM_PhysicalEnable" }
    public static var commandName: String { "TPM_PhysicalEnable" }
    public static let ordinal: UInt32 = 0x0000_006F

    public init() {}

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        let start = try TPMFrame.read(&reader, tag: TPMTag.tpm12Command, code: Self.ordinal, codeField: "ordinal")
        try TPMFrame.finish(reader, start)
    }

    public func serialize(into writer: inout ByteWriter) {
        TPMFrame.write(tag: TPMTag.tpm12Command, code: Self.ordinal, into: &writer) { _ in }
    }
}
