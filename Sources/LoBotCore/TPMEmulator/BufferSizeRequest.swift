// The body of CMD_SET_BUFFERSIZE: the TPM's I/O buffer size, the largest TPM command or response
// on the data channel. qemu sends it at every machine reset, twice, each after a STOP: 0 to ask
// for the current size, then the size it wants (4096 for tpm-tis, 3968 for tpm-crb, both
// families). Answered with a BufferSizeResponse; a size other than 0 while the TPM runs is
// refused (swtpm: a 4-byte TPM_BAD_ORDINAL).
//
//   struct ptm_setbuffersize {
//       union {
//           struct { uint32_t buffersize; } req;   /* 0 to query for current buffer size */
//           ...
//       } u;
//   };

public struct BufferSizeRequest: WireStructure, Equatable, Sendable {
    public static var wireName: String { "ptm_setbuffersize request" }

    /// The size wanted, or 0 to ask for the current one.
    public var bufferSize: UInt32

    public init(bufferSize: UInt32) { self.bufferSize = bufferSize }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        bufferSize = try reader.readUInt32()
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(bufferSize)
    }

    /// A query for the current size rather than a request to change it.
    public var isQuery: Bool { bufferSize == 0 }
}
