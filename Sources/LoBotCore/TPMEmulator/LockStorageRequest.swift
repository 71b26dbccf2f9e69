// The body of CMD_LOCK_STORAGE (swtpm 0.8, qemu 8): take the lock on the state storage, retrying
// every 10 ms. Neither swtpm 0.7.1 nor qemu 7.2 has it; a server that does not advertise
// PTM_CAP_LOCK_STORAGE never receives it, but must still be able to skip its body.
//
//   struct ptm_lockstorage {
//       union {
//           struct { uint32_t retries; } req;   /* the request body: 4 bytes */
//           struct { ptm_res tpm_result; } resp;
//       } u;
//   };

public struct LockStorageRequest: WireStructure, Equatable, Sendable {
    public static var wireName: String { "ptm_lockstorage request" }

    public var retries: UInt32

    public init(retries: UInt32) { self.retries = retries }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        retries = try reader.readUInt32()
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(retries)
    }
}
