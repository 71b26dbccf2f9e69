// The tag that starts every TPM command and response on the data channel: it says which family
// the message belongs to and, within it, whether authorisation sessions follow the handles.
// qemu probes a server's family by the tag of its answer to TPM2_ReadClock and TPM_GetTicks.

/// TPM_TAG (TPM 1.2, Part 2 section 3) or TPMI_ST_COMMAND_TAG (TPM 2.0, Part 2 section 6.9).
/// Unknown values are kept.
public struct TPMTag: RawRepresentable, Equatable, Hashable, Sendable {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// TPM_TAG_RQU_COMMAND: a TPM 1.2 command without authorisation.
    public static let requestCommand = TPMTag(rawValue: 0x00c1)
    /// TPM_TAG_RQU_AUTH1_COMMAND
    public static let requestAuth1Command = TPMTag(rawValue: 0x00c2)
    /// TPM_TAG_RQU_AUTH2_COMMAND
    public static let requestAuth2Command = TPMTag(rawValue: 0x00c3)
    /// TPM_TAG_RSP_COMMAND: a TPM 1.2 response without authorisation (and every error response).
    public static let responseCommand = TPMTag(rawValue: 0x00c4)
    /// TPM_TAG_RSP_AUTH1_COMMAND
    public static let responseAuth1Command = TPMTag(rawValue: 0x00c5)
    /// TPM_TAG_RSP_AUTH2_COMMAND
    public static let responseAuth2Command = TPMTag(rawValue: 0x00c6)
    /// TPM_ST_NO_SESSIONS: a TPM 2.0 command or response without sessions.
    public static let noSessions = TPMTag(rawValue: 0x8001)
    /// TPM_ST_SESSIONS: a TPM 2.0 command or response with sessions.
    public static let sessions = TPMTag(rawValue: 0x8002)

    /// The family this tag belongs to; nil for a value neither family defines.
    public var family: TPMFamily? {
        switch rawValue {
        case 0x00c1...0x00c6: return .tpm12
        case 0x8001, 0x8002: return .tpm2
        default: return nil
        }
    }
}
