// TPM2_Shutdown (TPM 2.0 Part 3, 9.4): makes the power-off that follows orderly. LoBot sends it
// before it stops a TPM 2.0 whose guest did not (as swtpm does), so the stop never counts as a
// disorderly shutdown against the guest's dictionary-attack lockout; and at the end of
// manufacture.
//
//   TPMI_ST_COMMAND_TAG tag = TPM_ST_NO_SESSIONS (0x8001);  UINT32 commandSize = 12;
//   TPM_CC commandCode = TPM_CC_Shutdown (0x00000145);
//   TPM_SU shutdownType;
//
// Response: TPM2EmptyResponse.
import LoBotCore

public struct TPM2ShutdownCommand: TPMCommand, Equatable, Sendable {
    public typealias Response = TPM2EmptyResponse
    public static var wireName: String { "TPM2_Shutdown" }
    public static var commandName: String { "TPM2_Shutdown" }
    public static let commandCode: UInt32 = 0x0000_0145

    public var shutdownType: TPM2StartupType

    public init(_ shutdownType: TPM2StartupType) { self.shutdownType = shutdownType }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        let start = try TPMFrame.read(&reader, tag: TPMTag.tpm2NoSessions, code: Self.commandCode, codeField: "commandCode")
        shutdownType = TPM2StartupType(rawValue: try reader.readUInt16())
        try TPMFrame.finish(reader, start)
    }

    public func serialize(into writer: inout ByteWriter) {
        TPMFrame.write(tag: TPMTag.tpm2NoSessions, code: Self.commandCode, into: &writer) { $0.write(shutdownType.rawValue) }
    }
}
