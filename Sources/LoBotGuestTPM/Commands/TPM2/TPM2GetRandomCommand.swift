// TPM2_GetRandom (TPM 2.0 Part 3, 16.1): bytes from the TPM's RNG (at most a digest's worth per
// call). LoBot sends it only to check that a TPM 2.0 answers (lobot guest-tpm selftest).
//
//   TPMI_ST_COMMAND_TAG tag = TPM_ST_NO_SESSIONS (0x8001);  UINT32 commandSize = 12;
//   TPM_CC commandCode = TPM_CC_GetRandom (0x0000017B);
//   UINT16 bytesRequested;
//
// Response: TPM2GetRandomResponse.
import LoBotCore

public struct TPM2GetRandomCommand: TPMCommand, Equatable, Sendable {
    public typealias Response = TPM2GetRandomResponse
    public static var wireName: String { "TPM2_GetRandom" }
    public static var commandName: String { "TPM2_GetRandom" }
    public static let commandCode: UInt32 = 0x0000_017B

    public var bytesRequested: UInt16

    public init(bytesRequested: UInt16) { self.bytesRequested = bytesRequested }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        let start = try TPMFrame.read(&reader, tag: TPMTag.tpm2NoSessions, code: Self.commandCode, codeField: "commandCode")
        bytesRequested = try reader.readUInt16()
        try TPMFrame.finish(reader, start)
    }

    public func serialize(into writer: inout ByteWriter) {
        TPMFrame.write(tag: TPMTag.tpm2NoSessions, code: Self.commandCode, into: &writer) { $0.write(bytesRequested) }
    }
}
