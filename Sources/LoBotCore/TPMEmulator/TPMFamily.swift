// The two TPM families: what a guest may speak on the data channel (the server is one or the
// other, swtpm --tpm2 or not, and answers every command in its own family, whatever the command's
// tag), and what a platform has (PlatformPublicKey, PlatformQuote).

public enum TPMFamily: Equatable, Sendable {
    /// TPM 1.2 (TPM Main Part 2/3): tags 0x00C1-0x00C6, TPM_RESULT codes.
    case tpm12
    /// TPM 2.0 (TPM 2.0 Part 2): tags 0x8001/0x8002, TPM_RC codes.
    case tpm2

    public var name: String {
        switch self {
        case .tpm12: return "TPM 1.2"
        case .tpm2: return "TPM 2.0"
        }
    }
}
