// The answer to CMD_GET_STATEBLOB: a 16-byte header, then the blob itself on the control
// channel. qemu reads the header, fails unless totlength == length, then reads totlength bytes;
// it takes a result of 0 or one with the non-fatal bit (0x800, swtpm's TPM_RETRY for a blob it
// does not have) and fails the migration on any other.
//
//   struct ptm_getstate {
//       union {
//           ...
//           struct {
//               ptm_res tpm_result;
//               uint32_t state_flags;   /* may be: PTM_STATE_FLAG_ENCRYPTED */
//               uint32_t totlength;     /* total length that will be transferred */
//               uint32_t length;        /* number of bytes in following buffer */
//               uint8_t  data[];        /* totlength bytes: the blob, from the request's offset */
//           } resp;
//       } u;
//   };
//
// Held to one form: totlength == length == the blob's size, at most
// TPMEmulatorLimits.maxStateBlob, and no blob with an error result (swtpm sends none; qemu
// reads none after an error it does not accept, so bytes after it would desynchronise the
// channel).

public struct GetStateBlobResponse: WireStructure, Equatable, Sendable {
    public static var wireName: String { "ptm_getstate response" }
    /// Bytes before the blob: tpm_result, state_flags, totlength, length.
    public static let headerSize = 16

    public var result: ControlResult
    public var flags: StateBlobFlags
    public var blob: [UInt8]

    public init(result: ControlResult = .success, flags: StateBlobFlags = [], blob: [UInt8]) {
        self.result = result
        self.flags = flags
        self.blob = blob
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        result = ControlResult(rawValue: try reader.readUInt32())
        flags = StateBlobFlags(rawValue: try reader.readUInt32())
        let at = reader.offset
        let total = try reader.readUInt32()
        guard total <= UInt32(TPMEmulatorLimits.maxStateBlob) else {
            throw reader.failure(
                .lengthTooLarge(field: "totlength", value: UInt64(total), maximum: UInt64(TPMEmulatorLimits.maxStateBlob)), at: at)
        }
        let lengthAt = reader.offset
        let length = try reader.readUInt32()
        guard length == total else {
            throw reader.failure(.inconsistent("length \(length) differs from totlength \(total)"), at: lengthAt)
        }
        guard result == .success || total == 0 else {
            throw reader.failure(.inconsistent("result 0x\(Hex.string(UInt(result.rawValue))) with a blob of \(total) bytes"), at: at)
        }
        blob = try reader.readBytes(Int(total))
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(result.rawValue)
        writer.write(flags.rawValue)
        writer.write(UInt32(truncatingIfNeeded: blob.count))
        writer.write(UInt32(truncatingIfNeeded: blob.count))
        writer.write(blob)
    }
}
