// Which of the TPM's three state blobs a GET_STATEBLOB or SET_STATEBLOB is about. qemu moves all
// three, in this order, inside its own migration stream (permanent, volatile, savestate; an
// empty one is not sent to the destination).

/// PTM_BLOB_TYPE_*. Unknown values are kept (swtpm answers them with an error).
public struct StateBlobType: RawRepresentable, Equatable, Hashable, Sendable {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// PTM_BLOB_TYPE_PERMANENT: NV state (seeds, NV indices, persistent objects, owner).
    public static let permanent = StateBlobType(rawValue: 1)
    /// PTM_BLOB_TYPE_VOLATILE: PCRs, loaded objects and sessions of the running TPM.
    public static let volatile = StateBlobType(rawValue: 2)
    /// PTM_BLOB_TYPE_SAVESTATE: what TPM_SaveState / TPM2_Shutdown(STATE) wrote (suspend).
    public static let saveState = StateBlobType(rawValue: 3)
}
