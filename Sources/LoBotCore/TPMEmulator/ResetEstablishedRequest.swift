// The body of CMD_RESET_TPMESTABLISHED: clear the tpmEstablished bit, as a TPM 2.0 guest asks by
// writing resetEstablishment to the TIS STS register at locality 3 or 4 (qemu sends nothing for
// a TPM 1.2, nor from tpm-crb). Answered with a ResultResponse.
//
//   struct ptm_reset_est {
//       union {
//           struct { uint8_t loc; } req;           /* locality to use */
//           struct { ptm_res tpm_result; } resp;
//       } u;
//   };
//
// qemu 7.2 sends the 4-byte union without zeroing it: the locality (the last one it set with
// SET_LOCALITY, not the one the guest wrote from), then 3 bytes of whatever its stack held
// (captured: 03 7f 00 00). They are kept as read and mean nothing.

public struct ResetEstablishedRequest: WireStructure, Equatable, Sendable {
    public static var wireName: String { "ptm_reset_est request" }

    /// The locality as sent; not checked here (swtpm answers TPM_BAD_LOCALITY above 4).
    public var locality: UInt8
    /// The rest of qemu's uninitialised union, kept so the request round-trips.
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
