// The body of CMD_INIT: (re)start the TPM. qemu sends it at every machine reset (flags 0) and
// after loading migrated state blobs (PTM_INIT_FLAG_DELETE_VOLATILE). Answered with a
// ResultResponse; qemu exits when the result is not 0.
//
//   struct ptm_init {
//       union {
//           struct { uint32_t init_flags; } req;   /* the request body: 4 bytes */
//           struct { ptm_res tpm_result; } resp;
//       } u;
//   };

/// init_flags. Unknown bits are kept.
public struct InitFlags: OptionSet, Equatable, Sendable {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// PTM_INIT_FLAG_DELETE_VOLATILE: delete the volatile state after reading it (qemu: on the
    /// migration's destination, after SET_STATEBLOB).
    public static let deleteVolatile = InitFlags(rawValue: 1 << 0)
}

public struct InitRequest: WireStructure, Equatable, Sendable {
    public static var wireName: String { "ptm_init request" }

    public var flags: InitFlags

    public init(flags: InitFlags) { self.flags = flags }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        flags = InitFlags(rawValue: try reader.readUInt32())
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(flags.rawValue)
    }
}
