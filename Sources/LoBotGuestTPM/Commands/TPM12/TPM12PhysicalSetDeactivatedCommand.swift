// TPM_PhysicalSetDeactivated (TPM 1.2 Part 3, 6.3): sets TPM_PERMANENT_FLAGS.deactivated, which
// takes effect at the next TPM_Startup; needs physical presence. LoBot sends FALSE when it
// manufactures a guest's TPM 1.2 (as swtpm_setup does), so the guest finds it activated.
//
//   UINT16 tag = TPM_TAG_RQU_COMMAND (0x00C1);  UINT32 paramSize = 11;
//   TPM_COMMAND_CODE ordinal = TPM_ORD_PhysicalSetDeactivated (0x00000072);
//   BOOL state;                        /* TRUE 1, FALSE 0 */
//
// Response: TPM12EmptyResponse.
import LoBotCore

public struct TPM12PhysicalSetDeactivatedCommand: TPMCommand, Equatable, Sendable {
    public typealias Response = TPM12EmptyResponse
    public static var wireName: String { "TPM_PhysicalSetDeactivated" }
    public static var commandName: String { "TPM_PhysicalSetDeactivated" }
    public static let ordinal: UInt32 = 0x0000_0072

    public var deactivated: Bool

    public init(deactivated: Bool) { self.deactivated = deactivated }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        let start = try TPMFrame.read(&reader, tag: TPMTag.tpm12Command, code: Self.ordinal, codeField: "ordinal")
        let at = reader.offset
        let state = try reader.readUInt8()
        guard state <= 1 else { throw reader.failure(.unexpectedValue(field: "state", value: UInt64(state)), at: at) }
        deactivated = state == 1
        try TPMFrame.finish(reader, start)
    }

    public func serialize(into writer: inout ByteWriter) {
        TPMFrame.write(tag: TPMTag.tpm12Command, code: Self.ordinal, into: &writer) { $0.write(UInt8(deactivated ? 1 : 0)) }
    }
}
