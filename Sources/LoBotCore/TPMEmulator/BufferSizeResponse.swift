// The answer to CMD_SET_BUFFERSIZE: the buffer size now in use and the limits of the TPM.
// Captured from swtpm 0.7.1 (libtpms 0.9): TPM 2.0 min 2808, TPM 1.2 min 3072, both max 4096.
//
//   struct ptm_setbuffersize {
//       union {
//           ...
//           struct {
//               ptm_res tpm_result;
//               uint32_t buffersize;   /* buffer size in use */
//               uint32_t minsize;      /* min. supported buffer size */
//               uint32_t maxsize;      /* max. supported buffer size */
//           } resp;                    /* the response: 16 bytes */
//       } u;
//   };

public struct BufferSizeResponse: WireStructure, Equatable, Sendable {
    public static var wireName: String { "ptm_setbuffersize response" }

    public var result: ControlResult
    public var bufferSize: UInt32
    public var minimumSize: UInt32
    public var maximumSize: UInt32

    public init(result: ControlResult = .success, bufferSize: UInt32, minimumSize: UInt32, maximumSize: UInt32) {
        self.result = result
        self.bufferSize = bufferSize
        self.minimumSize = minimumSize
        self.maximumSize = maximumSize
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        result = ControlResult(rawValue: try reader.readUInt32())
        bufferSize = try reader.readUInt32()
        minimumSize = try reader.readUInt32()
        maximumSize = try reader.readUInt32()
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(result.rawValue)
        writer.write(bufferSize)
        writer.write(minimumSize)
        writer.write(maximumSize)
    }
}
