// One request on qemu's TPM emulator control channel: the command word, then its body. A server
// reads exactly ControlFraming.requestLength bytes, then parses them with this. Commands with no
// body (GET_CAPABILITY, SHUTDOWN, GET_TPMESTABLISHED, HASH_START, HASH_END, CANCEL_TPM_CMD,
// STORE_VOLATILE, STOP, GET_CONFIG, SET_DATAFD) are the command word alone; so is a code swtpm
// does not know, which it answers with TPM_BAD_ORDINAL.
//
//   uint32_t cmd;              /* CMD_*, big-endian */
//   uint8_t  body[];           /* the `req` part of the command's ptm_* union, if any */

public enum ControlRequest: WireStructure, Equatable, Sendable {
    case getCapability
    case initialize(InitRequest)
    case shutdown
    case getEstablished
    case setLocality(LocalityRequest)
    case hashStart
    case hashData(HashDataRequest)
    case hashEnd
    case cancel
    case storeVolatile
    case resetEstablished(LocalityRequest)
    case getStateBlob(GetStateBlobRequest)
    case setStateBlob(SetStateBlobRequest)
    case stop
    case getConfig
    /// The data channel's file descriptor travels beside these bytes, as SCM_RIGHTS.
    case setDataFD
    case setBufferSize(BufferSizeRequest)
    case getInfo(GetInfoRequest)
    case lockStorage(LockStorageRequest)
    /// A code no CMD_ names: the command word alone. Only for such codes (a named code given
    /// here would be read back as its own case).
    case unknown(ControlCommand)

    public static var wireName: String { "control request" }

    public var command: ControlCommand {
        switch self {
        case .getCapability: return .getCapability
        case .initialize: return .initialize
        case .shutdown: return .shutdown
        case .getEstablished: return .getEstablished
        case .setLocality: return .setLocality
        case .hashStart: return .hashStart
        case .hashData: return .hashData
        case .hashEnd: return .hashEnd
        case .cancel: return .cancel
        case .storeVolatile: return .storeVolatile
        case .resetEstablished: return .resetEstablished
        case .getStateBlob: return .getStateBlob
        case .setStateBlob: return .setStateBlob
        case .stop: return .stop
        case .getConfig: return .getConfig
        case .setDataFD: return .setDataFD
        case .setBufferSize: return .setBufferSize
        case .getInfo: return .getInfo
        case .lockStorage: return .lockStorage
        case .unknown(let command): return command
        }
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        let command = ControlCommand(rawValue: try reader.readUInt32())
        switch command {
        case .getCapability: self = .getCapability
        case .initialize: self = .initialize(try InitRequest.parse(from: &reader))
        case .shutdown: self = .shutdown
        case .getEstablished: self = .getEstablished
        case .setLocality: self = .setLocality(try LocalityRequest.parse(from: &reader))
        case .hashStart: self = .hashStart
        case .hashData: self = .hashData(try HashDataRequest.parse(from: &reader))
        case .hashEnd: self = .hashEnd
        case .cancel: self = .cancel
        case .storeVolatile: self = .storeVolatile
        case .resetEstablished: self = .resetEstablished(try LocalityRequest.parse(from: &reader))
        case .getStateBlob: self = .getStateBlob(try GetStateBlobRequest.parse(from: &reader))
        case .setStateBlob: self = .setStateBlob(try SetStateBlobRequest.parse(from: &reader))
        case .stop: self = .stop
        case .getConfig: self = .getConfig
        case .setDataFD: self = .setDataFD
        case .setBufferSize: self = .setBufferSize(try BufferSizeRequest.parse(from: &reader))
        case .getInfo: self = .getInfo(try GetInfoRequest.parse(from: &reader))
        case .lockStorage: self = .lockStorage(try LockStorageRequest.parse(from: &reader))
        default: self = .unknown(command)
        }
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(command.rawValue)
        switch self {
        case .initialize(let body): body.serialize(into: &writer)
        case .setLocality(let body): body.serialize(into: &writer)
        case .hashData(let body): body.serialize(into: &writer)
        case .resetEstablished(let body): body.serialize(into: &writer)
        case .getStateBlob(let body): body.serialize(into: &writer)
        case .setStateBlob(let body): body.serialize(into: &writer)
        case .setBufferSize(let body): body.serialize(into: &writer)
        case .getInfo(let body): body.serialize(into: &writer)
        case .lockStorage(let body): body.serialize(into: &writer)
        case .getCapability, .shutdown, .getEstablished, .hashStart, .hashEnd, .cancel, .storeVolatile, .stop, .getConfig,
            .setDataFD, .unknown:
            break
        }
    }
}
