// The answer to CMD_GET_INFO: a piece of a NUL-terminated JSON text. swtpm sets totlength to
// the whole text's size (with its NUL) and sends `length` bytes of it from the request's
// offset, at most PTM_GETINFO_SIZE.
//
//   struct ptm_getinfo {
//       union {
//           ...
//           struct {
//               ptm_res tpm_result;
//               uint32_t totlength;
//               uint32_t length;
//               char buffer[];          /* length bytes */
//           } resp;
//       } u;
//   };
//
// `length` above TPMEmulatorLimits.maxInfoText is refused before anything is allocated.

public struct GetInfoResponse: WireStructure, Equatable, Sendable {
    public static var wireName: String { "ptm_getinfo response" }
    /// Bytes before the text: tpm_result, totlength, length.
    public static let headerSize = 12

    public var result: ControlResult
    /// The size of the whole text, of which `text` is a piece.
    public var totalLength: UInt32
    public var text: [UInt8]

    public init(result: ControlResult = .success, totalLength: UInt32, text: [UInt8]) {
        self.result = result
        self.totalLength = totalLength
        self.text = text
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        result = ControlResult(rawValue: try reader.readUInt32())
        totalLength = try reader.readUInt32()
        text = try reader.readSized(lengthWidth: 4, maximum: TPMEmulatorLimits.maxInfoText, field: "length")
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(result.rawValue)
        writer.write(totalLength)
        writer.writeSized(text, lengthWidth: 4)
    }
}
