// TPM2_Startup (TPM 2.0 Part 3, 9.3): the first command after _TPM_Init, sent by LoBot when it
// manufactures or checks a guest's TPM (a guest's firmware sends its own).
//
//   TPMI_ST_COMMAND_TAG tag = TPM_ST_NO_SESSIONS (0x8001);  UINT32 commandSize = 12;
//   TPM_CC commandCode = TPM_CC_Startup (0x00000144);
//   TPM_SU startupType;
//
// Response: TPM2EmptyResponse.
import LoBotCore

public struct TPM2StartupCommand: TPMCommand, Equatable, Sendable {
    public typealias Response = TPM2EmptyResponse
    public static var wireName: String { "TPM2_Startup" }
    public static var commandName: String { "TPM2_Startup" }
    public static let commandCode: UInt32 = 0x0000_0144

    public var startupType: TPM2StartupType

    public init(_ startupType: TPM2StartupType) { self.startupType = startupType }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        let start = try TPMFrame.read(&reader, tag: TPMTag.tpm2NoSessions, code: Self.commandCode, codeField: "commandCode")
        startupType = TPM2StartupType(rawValue: try reader.readUInt16())
        try TPMFrame.finish(reader, start)
    }

    public func serialize(into writer: inout ByteWriter) {
        TPMFrame.write(tag: TPMTag.tpm2NoSessions, code: Self.commandCode, into: &writer) { $0.write(startupType.rawValue) }
    }
}
