// The successful response to TPM2_GetRandom (TPM 2.0 Part 3, 16.1).
//
//   TPM_ST tag = TPM_ST_NO_SESSIONS (0x8001);  UINT32 responseSize;  TPM_RC responseCode = 0;
//   TPM2B_DIGEST randomBytes;          /* UINT16 size (at most 64); BYTE buffer[size] */
import LoBotCore

public struct TPM2GetRandomResponse: WireStructure, Equatable, Sendable {
    public static var wireName: String { "TPM2_GetRandom response" }

    public var randomBytes: [UInt8]

    public init(randomBytes: [UInt8]) { self.randomBytes = randomBytes }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        let start = try TPMFrame.read(&reader, tag: TPMTag.tpm2NoSessions, code: 0, codeField: "responseCode")
        randomBytes = try reader.readSized(lengthWidth: 2, maximum: TPMLDigest.maximumDigestBytes, field: "randomBytes.size")
        try TPMFrame.finish(reader, start)
    }

    public func serialize(into writer: inout ByteWriter) {
        TPMFrame.write(tag: TPMTag.tpm2NoSessions, code: 0, into: &writer) { $0.writeSized(randomBytes, lengthWidth: 2) }
    }
}
