// The body of CMD_GET_STATEBLOB: which state blob to read. qemu sends three when it saves the VM
// (migration's pre_save: permanent, volatile, savestate), always with PTM_STATE_FLAG_DECRYPTED
// and offset 0. Answered with a GetStateBlobResponse.
//
//   struct ptm_getstate {
//       union {
//           struct {
//               uint32_t state_flags;   /* may be: PTM_STATE_FLAG_DECRYPTED */
//               uint32_t type;          /* which blob to pull */
//               uint32_t offset;        /* offset from where to read */
//           } req;                      /* the request body: 12 bytes */
//           ...
//       } u;
//   };

public struct GetStateBlobRequest: WireStructure, Equatable, Sendable {
    public static var wireName: String { "ptm_getstate request" }

    public var flags: StateBlobFlags
    public var type: StateBlobType
    /// Where in the blob to start (0 from qemu; CUSE clients read large blobs in pieces).
    public var offset: UInt32

    public init(flags: StateBlobFlags = .decrypted, type: StateBlobType, offset: UInt32 = 0) {
        self.flags = flags
        self.type = type
        self.offset = offset
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        flags = StateBlobFlags(rawValue: try reader.readUInt32())
        type = StateBlobType(rawValue: try reader.readUInt32())
        offset = try reader.readUInt32()
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(flags.rawValue)
        writer.write(type.rawValue)
        writer.write(offset)
    }
}
