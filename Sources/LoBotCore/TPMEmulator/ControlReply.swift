// A guest TPM server's answer to one control request, in the response layout of the request's
// command: qemu reads a fixed number of bytes for each command, so even a refusal is sent in the
// command's full layout (a bare result word where qemu waits for 8 or 16 bytes would leave it
// reading into the next answer).

public enum ControlReply: Equatable, Sendable {
    case result(ResultResponse)
    case capability(CapabilityResponse)
    case established(EstablishedResponse)
    case stateBlob(GetStateBlobResponse)
    case config(GetConfigResponse)
    case bufferSize(BufferSizeResponse)

    /// The reply a refused `request` gets: `result` in the layout its command answers with.
    public static func refusal(_ result: ControlResult, to request: ControlRequest) -> ControlReply {
        switch request {
        case .getCapability: return .capability(CapabilityResponse(result: result, capabilities: []))
        case .getEstablished: return .established(EstablishedResponse(result: result, established: false))
        case .getStateBlob: return .stateBlob(GetStateBlobResponse(result: result, blob: []))
        case .getConfig: return .config(GetConfigResponse(result: result, flags: []))
        case .setBufferSize: return .bufferSize(BufferSizeResponse(result: result, bufferSize: 0, minimumSize: 0, maximumSize: 0))
        default: return .result(ResultResponse(result))
        }
    }

    public var result: ControlResult {
        switch self {
        case .result(let r): return r.result
        case .capability(let r): return r.result
        case .established(let r): return r.result
        case .stateBlob(let r): return r.result
        case .config(let r): return r.result
        case .bufferSize(let r): return r.result
        }
    }

    public var bytes: [UInt8] {
        switch self {
        case .result(let r): return r.bytes
        case .capability(let r): return r.bytes
        case .established(let r): return r.bytes
        case .stateBlob(let r): return r.bytes
        case .config(let r): return r.bytes
        case .bufferSize(let r): return r.bytes
        }
    }
}
