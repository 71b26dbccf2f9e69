// The two TPM families a guest may speak on the data channel. The server is one or the other
// (swtpm --tpm2 or not) and answers every command in its own family, whatever the command's tag.

public enum TPMFamily: Equatable, Sendable {
    /// TPM 1.2 (TPM Main Part 2/3): tags 0x00C1-0x00C6, TPM_RESULT codes.
    case tpm12
    /// TPM 2.0 (TPM 2.0 Part 2): tags 0x8001/0x8002, TPM_RC codes.
    case tpm2
}
