// The body of the two control commands that carry a locality, both answered with a
// ResultResponse (a server answers TPM_BAD_LOCALITY above 4):
// - CMD_SET_LOCALITY: the locality of the TPM commands that follow on the data channel. qemu sends
//   it before a command whose locality differs from the last one it set, and not again after a
//   reset: the server keeps the locality across STOP and INIT.
// - CMD_RESET_TPMESTABLISHED: clear the tpmEstablished bit, as a TPM 2.0 guest asks by writing
//   resetEstablishment to the TIS STS register at locality 3 or 4 (qemu sends nothing for a TPM
//   1.2, nor from tpm-crb).
//
//   struct ptm_loc {                               struct ptm_reset_est {
//       union {                                        union {
//           struct { uint8_t loc; } req;                   struct { uint8_t loc; } req;
//           struct { ptm_res tpm_result; } resp;           struct { ptm_res tpm_result; } resp;
//       } u;                                           } u;
//   };                                             };
//
// qemu 7.2 sends the whole 4-byte union: the locality, then 3 bytes, zeroed for SET_LOCALITY and
// left as its stack held them for RESET_TPMESTABLISHED (captured: 03 7f 00 00), whose locality
// is the last one qemu set, not the one the guest wrote from. swtpm_ioctl sends 1 byte. This is
// qemu's form: the locality and 3 bytes kept as read, which mean nothing.

public struct LocalityRequest: WireStructure, Equatable, Sendable {
    public static var wireName: String { "ptm_loc request" }

    /// The locality as sent; not checked here.
    public var locality: UInt8
    /// The rest of qemu's union, kept so the request round-trips.
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
