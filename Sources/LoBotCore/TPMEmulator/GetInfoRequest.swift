// The body of CMD_GET_INFO: which of libtpms' JSON documents to return (SWTPM_INFO_* bits:
// 1 the TPM specification, 2 its attributes, ...). qemu never sends it; swtpm_ioctl --info and
// swtpm_setup do. Answered with a GetInfoResponse.
//
//   struct ptm_getinfo {
//       union {
//           struct {
//               uint64_t flags;
//               uint32_t offset;        /* offset from where to read */
//               uint32_t pad;           /* 32 bit arch */
//           } req;                      /* the request body: 16 bytes */
//           ...
//       } u;
//   };

public struct GetInfoRequest: WireStructure, Equatable, Sendable {
    public static var wireName: String { "ptm_getinfo request" }

    public var flags: UInt64
    public var offset: UInt32
    /// Kept as read so that the request round-trips (swtpm_ioctl sends 0).
    public var pad: UInt32

    public init(flags: UInt64, offset: UInt32 = 0, pad: UInt32 = 0) {
        self.flags = flags
        self.offset = offset
        self.pad = pad
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        flags = try reader.readUInt64()
        offset = try reader.readUInt32()
        pad = try reader.readUInt32()
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(flags)
        writer.write(offset)
        writer.write(pad)
    }
}
