// The command word that starts every request on qemu's TPM emulator control channel (swtpm's
// include/swtpm/tpm_ioctl.h, the CMD_* codes of the non-CUSE protocol). A server reads it first:
// it decides the request's size (ControlFraming) and the response's layout.

/// A CMD_* code, sent as a big-endian UINT32. Unknown codes are kept: swtpm answers them with
/// TPM_BAD_ORDINAL, and so must a server that wants to stay in step with its client.
public struct ControlCommand: RawRepresentable, Equatable, Hashable, Sendable {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// CMD_GET_CAPABILITY: which commands the server implements (no body; CapabilityResponse).
    public static let getCapability = ControlCommand(rawValue: 0x01)
    /// CMD_INIT: (re)start the TPM (InitRequest; ResultResponse).
    public static let initialize = ControlCommand(rawValue: 0x02)
    /// CMD_SHUTDOWN: stop the TPM and end the server (no body; ResultResponse).
    public static let shutdown = ControlCommand(rawValue: 0x03)
    /// CMD_GET_TPMESTABLISHED: read the tpmEstablished bit (no body; EstablishedResponse).
    public static let getEstablished = ControlCommand(rawValue: 0x04)
    /// CMD_SET_LOCALITY: the locality of the next TPM commands (LocalityRequest; ResultResponse).
    public static let setLocality = ControlCommand(rawValue: 0x05)
    /// CMD_HASH_START: start the locality-4 hash sequence (no body; ResultResponse).
    public static let hashStart = ControlCommand(rawValue: 0x06)
    /// CMD_HASH_DATA: a length-prefixed chunk of data to hash (ResultResponse).
    public static let hashData = ControlCommand(rawValue: 0x07)
    /// CMD_HASH_END: end the hash sequence (no body; ResultResponse).
    public static let hashEnd = ControlCommand(rawValue: 0x08)
    /// CMD_CANCEL_TPM_CMD: cancel the TPM command in progress (no body; ResultResponse).
    public static let cancel = ControlCommand(rawValue: 0x09)
    /// CMD_STORE_VOLATILE: write the volatile state to storage (no body; ResultResponse).
    public static let storeVolatile = ControlCommand(rawValue: 0x0a)
    /// CMD_RESET_TPMESTABLISHED: clear the tpmEstablished bit (LocalityRequest; ResultResponse).
    public static let resetEstablished = ControlCommand(rawValue: 0x0b)
    /// CMD_GET_STATEBLOB: read a state blob (GetStateBlobRequest; GetStateBlobResponse).
    public static let getStateBlob = ControlCommand(rawValue: 0x0c)
    /// CMD_SET_STATEBLOB: replace a state blob (SetStateBlobRequest; ResultResponse).
    public static let setStateBlob = ControlCommand(rawValue: 0x0d)
    /// CMD_STOP: stop the TPM, keep the server (no body; ResultResponse).
    public static let stop = ControlCommand(rawValue: 0x0e)
    /// CMD_GET_CONFIG: which keys protect the state (no body; GetConfigResponse).
    public static let getConfig = ControlCommand(rawValue: 0x0f)
    /// CMD_SET_DATAFD: the TPM data channel, a file descriptor in SCM_RIGHTS ancillary data
    /// (no body bytes; ResultResponse).
    public static let setDataFD = ControlCommand(rawValue: 0x10)
    /// CMD_SET_BUFFERSIZE: query (0) or set the TPM's I/O buffer size (BufferSizeRequest; BufferSizeResponse).
    public static let setBufferSize = ControlCommand(rawValue: 0x11)
    /// CMD_GET_INFO: libtpms' JSON information (16-byte body; a length-prefixed text response).
    public static let getInfo = ControlCommand(rawValue: 0x12)
    /// CMD_LOCK_STORAGE: lock the state storage, with retries (swtpm 0.8; 4-byte body; ResultResponse).
    public static let lockStorage = ControlCommand(rawValue: 0x13)

    /// The CMD_ name without its prefix, for logs; unknown codes in hexadecimal.
    public var name: String {
        switch rawValue {
        case 0x01: return "GET_CAPABILITY"
        case 0x02: return "INIT"
        case 0x03: return "SHUTDOWN"
        case 0x04: return "GET_TPMESTABLISHED"
        case 0x05: return "SET_LOCALITY"
        case 0x06: return "HASH_START"
        case 0x07: return "HASH_DATA"
        case 0x08: return "HASH_END"
        case 0x09: return "CANCEL_TPM_CMD"
        case 0x0a: return "STORE_VOLATILE"
        case 0x0b: return "RESET_TPMESTABLISHED"
        case 0x0c: return "GET_STATEBLOB"
        case 0x0d: return "SET_STATEBLOB"
        case 0x0e: return "STOP"
        case 0x0f: return "GET_CONFIG"
        case 0x10: return "SET_DATAFD"
        case 0x11: return "SET_BUFFERSIZE"
        case 0x12: return "GET_INFO"
        case 0x13: return "LOCK_STORAGE"
        default: return "0x" + Hex.string(UInt(rawValue))
        }
    }
}
