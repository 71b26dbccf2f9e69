// The answer to CMD_GET_TPMESTABLISHED: the TPM's tpmEstablished bit, which qemu shows the guest
// in the TIS ACCESS and CRB LOC_STATE registers. qemu asks once and keeps the answer until it
// sends RESET_TPMESTABLISHED (not at a reset, not after STOP or INIT).
//
//   struct ptm_est {
//       union {
//           struct {
//               ptm_res tpm_result;
//               unsigned char bit;          /* TPM established bit */
//               unsigned char pad[3];       /* force alignment */
//           } resp;                         /* the response: 8 bytes */
//       } u;
//   };
//
// swtpm zeroes the padding and writes the bit as 0 or 1; so must this.

public struct EstablishedResponse: WireStructure, Equatable, Sendable {
    public static var wireName: String { "ptm_est response" }

    public var result: ControlResult
    public var established: Bool

    public init(result: ControlResult = .success, established: Bool) {
        self.result = result
        self.established = established
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        result = ControlResult(rawValue: try reader.readUInt32())
        let at = reader.offset
        let bit = try reader.readUInt8()
        guard bit <= 1 else { throw reader.failure(.unexpectedValue(field: "bit", value: UInt64(bit)), at: at) }
        established = bit == 1
        try reader.expect([0, 0, 0], field: "pad")
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(result.rawValue)
        writer.write(UInt8(established ? 1 : 0))
        writer.write([0, 0, 0] as [UInt8])
    }
}
