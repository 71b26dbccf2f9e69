// The answer to CMD_GET_CONFIG: which keys the server applies to the state (swtpm's --key for
// its files, --migration-key for the blobs of GET/SET_STATEBLOB). qemu never asks; swtpm_ioctl
// -g does.
//
//   struct ptm_getconfig {
//       union {
//           struct {
//               ptm_res tpm_result;
//               uint32_t flags;         /* PTM_CONFIG_FLAG_* */
//           } resp;                     /* the response: 8 bytes */
//       } u;
//   };

/// PTM_CONFIG_FLAG_*. Unknown bits are kept.
public struct ConfigFlags: OptionSet, Equatable, Sendable {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// PTM_CONFIG_FLAG_FILE_KEY: the state at rest is encrypted.
    public static let fileKey = ConfigFlags(rawValue: 0x1)
    /// PTM_CONFIG_FLAG_MIGRATION_KEY: the state blobs are encrypted.
    public static let migrationKey = ConfigFlags(rawValue: 0x2)
}

public struct GetConfigResponse: WireStructure, Equatable, Sendable {
    public static var wireName: String { "ptm_getconfig response" }

    public var result: ControlResult
    public var flags: ConfigFlags

    public init(result: ControlResult = .success, flags: ConfigFlags) {
        self.result = result
        self.flags = flags
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        result = ControlResult(rawValue: try reader.readUInt32())
        flags = ConfigFlags(rawValue: try reader.readUInt32())
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(result.rawValue)
        writer.write(flags.rawValue)
    }
}
