// TPM_GetRandom (TPM 1.2 Part 3, 13.6): bytes from the TPM's RNG. LoBot sends it only to check
// that a TPM 1.2 answers (lobot guest-tpm selftest).
//
//   UINT16 tag = TPM_TAG_RQU_COMMAND (0x00C1);  UINT32 paramSize = 14;
//   TPM_COMMAND_CODE ordinal = TPM_ORD_GetRandom (0x00000046);
//   UINT32 bytesRequested;
//
// Response: TPM12GetRandomResponse.
import LoBotCore

public struct TPM12GetRandomCommand: TPMCommand, Equatable, Sendable {
    public typealias Response = TPM12GetRandomResponse
    public static var wireName: String { "TPM_GetRandom" }
    public static var commandName: String { "TPM_GetRandom" }
    public static let ordinal: UInt32 = 0x0000_0046

    public var bytesRequested: UInt32

    public init(bytesRequested: UInt32) { self.bytesRequested = bytesRequested }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        let start = try TPMFrame.read(&reader, tag: TPMTag.tpm12Command, code: Self.ordinal, codeField: "ordinal")
        bytesRequested = try reader.readUInt32()
        try TPMFrame.finish(reader, start)
    }

    public func serialize(into writer: inout ByteWriter) {
        TPMFrame.write(tag: TPMTag.tpm12Command, code: Self.ordinal, into: &writer) { $0.write(bytesRequested) }
    }
}
