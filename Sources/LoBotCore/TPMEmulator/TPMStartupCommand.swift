// TPM_Startup (TPM 1.2, Part 3 section 3.2) and TPM2_Startup (TPM 2.0, Part 3 section 9.3): the
// first command a guest's firmware sends after every INIT, the one a server watches for to know
// whether the guest resumed a saved state or started afresh.
//
//   TPM 1.2: tag 00C1, paramSize 12, ordinal TPM_ORD_Startup (0x99), TPM_STARTUP_TYPE (UINT16)
//   TPM 2.0: tag 8001, commandSize 12, TPM_CC_Startup (0x144), TPM_SU (UINT16)

public struct TPMStartupCommand: WireStructure, Equatable, Sendable {
    public static var wireName: String { "TPM_Startup" }
    /// TPM_ORD_Startup
    public static let ordinal12: UInt32 = 0x0000_0099
    /// TPM_CC_Startup
    public static let commandCode2: UInt32 = 0x0000_0144

    public var family: TPMFamily
    /// TPM 1.2's TPM_STARTUP_TYPE (1 TPM_ST_CLEAR, 2 TPM_ST_STATE, 3 TPM_ST_DEACTIVATED) or
    /// TPM 2.0's TPM_SU (0 TPM_SU_CLEAR, 1 TPM_SU_STATE), as sent.
    public var startupType: UInt16

    public init(family: TPMFamily, startupType: UInt16) {
        self.family = family
        self.startupType = startupType
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        let start = reader.offset
        let header = try TPMMessageHeader.parse(from: &reader)
        switch (header.tag, header.code) {
        case (.requestCommand, Self.ordinal12): family = .tpm12
        case (.noSessions, Self.commandCode2): family = .tpm2
        default:
            throw reader.failure(.unexpectedValue(field: "tag and code", value: UInt64(header.tag.rawValue) << 32 | UInt64(header.code)), at: start)
        }
        guard header.size == 12 else { throw reader.failure(.unexpectedValue(field: "size", value: UInt64(header.size)), at: start + 2) }
        startupType = try reader.readUInt16()
    }

    public func serialize(into writer: inout ByteWriter) {
        switch family {
        case .tpm12: TPMMessageHeader(tag: .requestCommand, size: 12, code: Self.ordinal12).serialize(into: &writer)
        case .tpm2: TPMMessageHeader(tag: .noSessions, size: 12, code: Self.commandCode2).serialize(into: &writer)
        }
        writer.write(startupType)
    }

    /// Whether this startup resumes a saved state (TPM_ST_STATE, TPM_SU_STATE).
    public var resumesState: Bool {
        switch family {
        case .tpm12: return startupType == 2
        case .tpm2: return startupType == 1
        }
    }
}
