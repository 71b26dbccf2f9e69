// TPM_Startup (TPM 1.2 Part 3, 3.2): the first command after _TPM_Init, sent by LoBot when it
// manufactures or checks a guest's TPM (a guest's firmware sends its own).
//
//   UINT16 tag = TPM_TAG_RQU_COMMAND (0x00C1);  UINT32 paramSize = 12;
//   TPM_COMMAND_CODE ordinal = TPM_ORD_Startup (0x00000099);
//   TPM_STARTUP_TYPE startupType;      /* UINT16: TPM_ST_CLEAR 1, TPM_ST_STATE 2, TPM_ST_DEACTIVATED 3 */
//
// Response: TPM12EmptyResponse.
import LoBotCore

public struct TPM12StartupCommand: TPMCommand, Equatable, Sendable {
    public typealias Response = TPM12EmptyResponse
    public static var wireName: String { "TPM_Startup" }
    public static var commandName: String { "TPM_Startup" }
    public static let ordinal: UInt32 = 0x0000_0099

    /// TPM_STARTUP_TYPE (Part 2, 4.5).
    public struct StartupType: RawRepresentable, Equatable, Sendable {
        public let rawValue: UInt16
        public init(rawValue: UInt16) { self.rawValue = rawValue }
        /// TPM_ST_CLEAR: a fresh start, PCRs reset.
        public static let clear = StartupType(rawValue: 1)
        /// TPM_ST_STATE: resume what TPM_SaveState saved.
        public static let state = StartupType(rawValue: 2)
    }

    public var startupType: StartupType

    public init(_ startupType: StartupType) { self.startupType = startupType }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        let start = try TPMFrame.read(&reader, tag: TPMTag.tpm12Command, code: Self.ordinal, codeField: "ordinal")
        startupType = StartupType(rawValue: try reader.readUInt16())
        try TPMFrame.finish(reader, start)
    }

    public func serialize(into writer: inout ByteWriter) {
        TPMFrame.write(tag: TPMTag.tpm12Command, code: Self.ordinal, into: &writer) { $0.write(startupType.rawValue) }
    }
}
