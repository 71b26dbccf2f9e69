// The requests of qemu's TPM emulator protocol (swtpm's control channel) as the guest TPM server
// reads them, and its replies, as values: EmulatorCodec turns bytes into these and back, the
// service's rules (LoBotGuestTPM's GuestTPMService) decide between them.

/// qemu's requests, as the server loop decoded them from the control channel.
public enum EmulatorRequest: Equatable, Sendable {
    case getCapability
    case initialize(flags: UInt32)
    case shutdown
    case getEstablished
    case setLocality(UInt8)
    case cancelCommand
    case storeVolatile
    case resetEstablished(locality: UInt8)
    case getStateBlob(flags: UInt32, type: UInt32, offset: UInt32)
    case setStateBlob(flags: UInt32, type: UInt32, data: [UInt8])
    case stop
    case getConfig
    case setDataFD
    case setBufferSize(UInt32)
    /// A request the protocol has but this server does not offer (hashing for a dynamic launch,
    /// GET_INFO, LOCK_STORAGE): answered TPM_BAD_ORDINAL.
    case unsupported(code: UInt32)
}

/// The server's answers, for the loop to encode.
public enum EmulatorReply: Equatable, Sendable {
    /// A bare result word.
    case result(UInt32)
    case capability(UInt32)
    case established(result: UInt32, flag: Bool)
    case stateBlob(result: UInt32, flags: UInt32, data: [UInt8])
    case config(result: UInt32, flags: UInt32)
    case bufferSize(result: UInt32, size: UInt32, minimum: UInt32, maximum: UInt32)
}

/// Result codes the control channel answers with (TPM 1.2 return codes, as swtpm uses them).
public enum EmulatorResult {
    public static let success: UInt32 = 0
    public static let badParameter: UInt32 = 0x03
    public static let fail: UInt32 = 0x09
    public static let badOrdinal: UInt32 = 0x0A
    public static let ioError: UInt32 = 0x1F
    public static let badLocality: UInt32 = 0x3D
}
