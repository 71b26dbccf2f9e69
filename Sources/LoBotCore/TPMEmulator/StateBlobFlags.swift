// The state_flags of GET_STATEBLOB and SET_STATEBLOB: whether a blob is, or should be, encrypted
// by the server's migration key. qemu asks for decrypted blobs and hands back whatever flags
// it was given, so the blobs sit in qemu's migration stream as the server chose to give them.

/// PTM_STATE_FLAG_*. Unknown bits are kept.
public struct StateBlobFlags: OptionSet, Equatable, Sendable {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// PTM_STATE_FLAG_DECRYPTED: in a GET_STATEBLOB request, "give me the blob decrypted".
    public static let decrypted = StateBlobFlags(rawValue: 1)
    /// PTM_STATE_FLAG_ENCRYPTED: in a GET_STATEBLOB response or a SET_STATEBLOB request, "this
    /// blob is encrypted".
    public static let encrypted = StateBlobFlags(rawValue: 2)
}
