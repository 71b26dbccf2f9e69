// The successful response to TPM_GetRandom (TPM 1.2 Part 3, 13.6); the TPM may return fewer bytes
// than asked.
//
//   UINT16 tag = TPM_TAG_RSP_COMMAND (0x00C4);  UINT32 paramSize;  TPM_RESULT returnCode = 0;
//   UINT32 randomBytesSize;  BYTE randomBytes[randomBytesSize];
import LoBotCore

public struct TPM12GetRandomResponse: WireStructure, Equatable, Sendable {
    public static var wireName: String { "TPM_GetRandom response" }
    /// More than a TPM 1.2's whole I/O buffer (4 KiB in libtpms) is refused before allocating.
    public static let maximumBytes = 4096

    public var randomBytes: [UInt8]

    public init(randomBytes: [UInt8]) { self.randomBytes = randomBytes }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        let start = try TPMFrame.read(&reader, tag: TPMTag.tpm12Response, code: 0, codeField: "returnCode")
        randomBytes = try reader.readSized(lengthWidth: 4, maximum: Self.maximumBytes, field: "randomBytesSize")
        try TPMFrame.finish(reader, start)
    }

    public func serialize(into writer: inout ByteWriter) {
        TPMFrame.write(tag: TPMTag.tpm12Response, code: 0, into: &writer) { $0.writeSized(randomBytes, lengthWidth: 4) }
    }
}
