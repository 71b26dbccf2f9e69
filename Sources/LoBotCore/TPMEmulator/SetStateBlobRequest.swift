// The body of CMD_SET_STATEBLOB: a 12-byte header, then `length` bytes of blob. qemu sends the
// header and the blob as two writes, then reads one ResultResponse; it sends one per non-empty
// blob (permanent, volatile, savestate) on the migration's destination, after a STOP and before
// INIT with PTM_INIT_FLAG_DELETE_VOLATILE. swtpm refuses it while the TPM runs.
//
//   struct ptm_setstate {
//       union {
//           struct {
//               uint32_t state_flags;   /* may be PTM_STATE_FLAG_ENCRYPTED */
//               uint32_t type;          /* which blob to set */
//               uint32_t length;        /* length of the data */
//               uint8_t data[];         /* length bytes */
//           } req;
//           ...
//       } u;
//   };
//
// `length` above TPMEmulatorLimits.maxStateBlob is refused before anything is allocated.

public struct SetStateBlobRequest: WireStructure, Equatable, Sendable {
    public static var wireName: String { "ptm_setstate request" }
    /// Bytes before the blob: state_flags, type, length.
    public static let headerSize = 12

    public var flags: StateBlobFlags
    public var type: StateBlobType
    public var blob: [UInt8]

    public init(flags: StateBlobFlags = [], type: StateBlobType, blob: [UInt8]) {
        self.flags = flags
        self.type = type
        self.blob = blob
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        flags = StateBlobFlags(rawValue: try reader.readUInt32())
        type = StateBlobType(rawValue: try reader.readUInt32())
        blob = try reader.readSized(lengthWidth: 4, maximum: TPMEmulatorLimits.maxStateBlob, field: "length")
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(flags.rawValue)
        writer.write(type.rawValue)
        writer.writeSized(blob, lengthWidth: 4)
    }
}
