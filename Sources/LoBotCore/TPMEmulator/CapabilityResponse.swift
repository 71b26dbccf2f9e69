// The answer to CMD_GET_CAPABILITY. swtpm writes a result word and the capability bits; qemu
// reads the same 8 bytes as one big-endian UINT64 and takes all of it as capabilities, so a
// non-zero result would show up as capability bits 32-63 (which qemu ignores) rather than as
// an error.
//
//   struct ptm_cap_n {                 /* the response: 8 bytes */
//       ptm_res tpm_result;            /* always TPM_SUCCESS */
//       uint32_t caps;                 /* PTM_CAP_* */
//   };                                 /* qemu: be64_to_cpu(ptm_cap) */

public struct CapabilityResponse: WireStructure, Equatable, Sendable {
    public static var wireName: String { "ptm_cap_n response" }

    public var result: ControlResult
    public var capabilities: ControlCapabilities

    public init(result: ControlResult = .success, capabilities: ControlCapabilities) {
        self.result = result
        self.capabilities = capabilities
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        result = ControlResult(rawValue: try reader.readUInt32())
        capabilities = ControlCapabilities(rawValue: try reader.readUInt32())
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(result.rawValue)
        writer.write(capabilities.rawValue)
    }

    /// The value qemu reads: the 8 bytes as one big-endian UINT64.
    public var qemuValue: UInt64 { UInt64(result.rawValue) << 32 | UInt64(capabilities.rawValue) }
}
