// The body of CMD_HASH_DATA: one chunk of the locality-4 hash sequence (HASH_START, HASH_DATA...,
// HASH_END) a platform uses for a dynamic root of trust. qemu never sends it; swtpm_ioctl -h
// does. Answered with a ResultResponse.
//
//   struct ptm_hdata {
//       union {
//           struct {
//               uint32_t length;
//               uint8_t data[4096];     /* length bytes follow */
//           } req;
//           ...
//       } u;
//   };
//
// `length` above TPMEmulatorLimits.maxHashData is refused before anything is allocated.

public struct HashDataRequest: WireStructure, Equatable, Sendable {
    public static var wireName: String { "ptm_hdata request" }

    public var data: [UInt8]

    public init(data: [UInt8]) { self.data = data }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        data = try reader.readSized(lengthWidth: 4, maximum: TPMEmulatorLimits.maxHashData, field: "length")
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.writeSized(data, lengthWidth: 4)
    }
}
