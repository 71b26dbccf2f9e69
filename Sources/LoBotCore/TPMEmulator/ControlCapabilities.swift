// The PTM_CAP_* bits of GET_CAPABILITY's answer: which control commands a server implements.
// qemu refuses to start unless its family's minimum is there, and allows migration only with
// GET_STATEBLOB, SET_STATEBLOB and STOP.

/// PTM_CAP_* flags (tpm_ioctl.h). Bits LoBot does not name are kept.
public struct ControlCapabilities: OptionSet, Equatable, Sendable {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// PTM_CAP_INIT
    public static let initialize = ControlCapabilities(rawValue: 1 << 0)
    /// PTM_CAP_SHUTDOWN
    public static let shutdown = ControlCapabilities(rawValue: 1 << 1)
    /// PTM_CAP_GET_TPMESTABLISHED
    public static let getEstablished = ControlCapabilities(rawValue: 1 << 2)
    /// PTM_CAP_SET_LOCALITY
    public static let setLocality = ControlCapabilities(rawValue: 1 << 3)
    /// PTM_CAP_HASHING (HASH_START, HASH_DATA, HASH_END)
    public static let hashing = ControlCapabilities(rawValue: 1 << 4)
    /// PTM_CAP_CANCEL_TPM_CMD
    public static let cancel = ControlCapabilities(rawValue: 1 << 5)
    /// PTM_CAP_STORE_VOLATILE
    public static let storeVolatile = ControlCapabilities(rawValue: 1 << 6)
    /// PTM_CAP_RESET_TPMESTABLISHED
    public static let resetEstablished = ControlCapabilities(rawValue: 1 << 7)
    /// PTM_CAP_GET_STATEBLOB
    public static let getStateBlob = ControlCapabilities(rawValue: 1 << 8)
    /// PTM_CAP_SET_STATEBLOB
    public static let setStateBlob = ControlCapabilities(rawValue: 1 << 9)
    /// PTM_CAP_STOP
    public static let stop = ControlCapabilities(rawValue: 1 << 10)
    /// PTM_CAP_GET_CONFIG
    public static let getConfig = ControlCapabilities(rawValue: 1 << 11)
    /// PTM_CAP_SET_DATAFD
    public static let setDataFD = ControlCapabilities(rawValue: 1 << 12)
    /// PTM_CAP_SET_BUFFERSIZE
    public static let setBufferSize = ControlCapabilities(rawValue: 1 << 13)
    /// PTM_CAP_GET_INFO
    public static let getInfo = ControlCapabilities(rawValue: 1 << 14)
    /// PTM_CAP_SEND_COMMAND_HEADER (swtpm sets it for TPM 2.0: its TCP data channel takes a
    /// command header; qemu never uses it)
    public static let sendCommandHeader = ControlCapabilities(rawValue: 1 << 15)
    /// PTM_CAP_LOCK_STORAGE (swtpm 0.8)
    public static let lockStorage = ControlCapabilities(rawValue: 1 << 16)

    /// What qemu (backends/tpm/tpm_emulator.c, tpm_emulator_check_caps) requires of a TPM 1.2.
    public static let qemuMinimumTPM12: ControlCapabilities = [
        .initialize, .shutdown, .getEstablished, .setLocality, .setDataFD, .stop, .setBufferSize,
    ]
    /// What qemu requires of a TPM 2.0: the TPM 1.2 minimum and RESET_TPMESTABLISHED.
    public static let qemuMinimumTPM2: ControlCapabilities = qemuMinimumTPM12.union(.resetEstablished)
    /// What qemu needs before it allows a migration (tpm_emulator_block_migration).
    public static let qemuMigration: ControlCapabilities = [.getStateBlob, .setStateBlob, .stop]
}
