// The caps on every length a peer of the TPM emulator protocol sends, checked before anything is
// allocated. swtpm itself trusts them (a SET_STATEBLOB length goes straight to malloc); LoBot
// refuses a frame above these instead.

public enum TPMEmulatorLimits {
    /// Largest state blob accepted in SET_STATEBLOB or GET_STATEBLOB (1 MiB). swtpm 0.7.1's
    /// blobs measured 1.2-4.3 KiB (permanent) and 1.3-9 KiB (volatile), see
    /// Tests/LoBotCoreTests/Fixtures/tpm-emulator/NOTES.md.
    public static let maxStateBlob = 1 << 20
    /// Largest TPM command or response on the data channel: libtpms' largest buffer size (the
    /// `maxsize` of SET_BUFFERSIZE, 4096 for both families).
    public static let maxTPMMessage = 4096
    /// Largest CMD_HASH_DATA chunk (ptm_hdata's buffer in tpm_ioctl.h).
    public static let maxHashData = 4096
    /// Largest CMD_GET_INFO text (PTM_GETINFO_SIZE).
    public static let maxInfoText = 3072
}
