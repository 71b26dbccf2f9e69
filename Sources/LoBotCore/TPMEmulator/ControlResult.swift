// The result word of the control channel (swtpm's ptm_res): a TPM 1.2 TPM_RESULT, or a TPM 2.0
// TPM_RC where libtpms returns one. Every control response starts with it except
// GET_CAPABILITY's, and for most commands it is the whole response (ResultResponse).

/// A ptm_res value. Unknown values are kept.
public struct ControlResult: RawRepresentable, Equatable, Hashable, Sendable {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// TPM_SUCCESS
    public static let success = ControlResult(rawValue: 0x0000_0000)
    /// TPM_BAD_PARAMETER: swtpm's answer to a request of the wrong size.
    public static let badParameter = ControlResult(rawValue: 0x0000_0003)
    /// TPM_FAIL
    public static let fail = ControlResult(rawValue: 0x0000_0009)
    /// TPM_BAD_ORDINAL: swtpm's answer to an unknown command, and to one the TPM's state forbids
    /// (GET_TPMESTABLISHED while stopped, SET_STATEBLOB while running).
    public static let badOrdinal = ControlResult(rawValue: 0x0000_000a)
    /// TPM_SIZE: swtpm's answer when it runs out of memory.
    public static let size = ControlResult(rawValue: 0x0000_0017)
    /// TPM_IOERROR: swtpm's answer to a second SET_DATAFD.
    public static let ioError = ControlResult(rawValue: 0x0000_001f)
    /// TPM_INVALID_POSTINIT: TPM 1.2's answer to HASH_START before TPM_Startup.
    public static let invalidPostInit = ControlResult(rawValue: 0x0000_0026)
    /// TPM_BAD_LOCALITY: a locality above 4.
    public static let badLocality = ControlResult(rawValue: 0x0000_003d)
    /// TPM_RC_FAILURE: TPM 2.0's failure code.
    public static let rcFailure = ControlResult(rawValue: 0x0000_0101)
    /// TPM_RETRY: swtpm's answer to GET_STATEBLOB for a blob it does not have (no savestate
    /// blob unless the guest saved its state); qemu takes it as an empty blob.
    public static let retry = ControlResult(rawValue: 0x0000_0800)

    /// TPM 1.2's non-fatal bit (TPM_NON_FATAL): qemu accepts a GET_STATEBLOB answer that is 0 or
    /// has this bit set, and fails the migration on any other.
    public var isSuccessOrNonFatal: Bool { rawValue == 0 || rawValue & 0x800 != 0 }
}
