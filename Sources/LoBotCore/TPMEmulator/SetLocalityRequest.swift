// The body of CMD_SET_LOCALITY: the locality of the TPM commands that follow on the data
// channel. qemu sends it before a command whose locality differs from the last one it set, and
// not again after a reset: the server keeps the locality across STOP and INIT. Answered with a
// ResultResponse (swtpm: TPM_BAD_LOCALITY above 4).
//
//   struct ptm_loc {
//       union {
//           struct { uint8_t loc; } req;           /* locality 0-4 */
//           struct { ptm_res tpm_result; } resp;
//       } u;
//   };
//
// qemu 7.2 sends the whole 4-byte union (the locality, then 3 bytes it zeroed); swtpm_ioctl
// sends 1 byte. This is qemu's form: the locality and 3 bytes kept as read.

public struct SetLocalityRequest: WireStructure, Equatable, Sendable {
    public static var wireName: String { "ptm_loc request" }

    /// The locality as sent; not checked here (a server answers TPM_BAD_LOCALITY above 4).
    public var locality: UInt8
    /// The rest of qemu's union (zero from qemu), kept so the request round-trips.
    public private(set) var padding: [UInt8]

    /// A request as qemu makes one (the 3 bytes after the locality zero).
    public init(locality: UInt8) {
        self.locality = locality
        self.padding = [0, 0, 0]
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        locality = try reader.readUInt8()
        padding = try reader.readBytes(3)
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(locality)
        writer.write(padding)
    }
}
