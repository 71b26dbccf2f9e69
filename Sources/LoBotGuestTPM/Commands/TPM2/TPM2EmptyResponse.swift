// The successful response of a TPM 2.0 command without sessions that returns no parameters
// (TPM2_Startup, TPM2_Shutdown).
//
//   TPM_ST tag = TPM_ST_NO_SESSIONS (0x8001);  UINT32 responseSize = 10;  TPM_RC responseCode = 0
import LoBotCore

public struct TPM2EmptyResponse: WireStructure, Equatable, Sendable {
    public static var wireName: String { "TPM 2.0 response" }

    public init() {}

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        let start = try TPMFrame.read(&reader, tag: TPMTag.tpm2NoSessions, code: 0, codeField: "responseCode")
        try TPMFrame.finish(reader, start)
    }

    public func serialize(into writer: inout ByteWriter) {
        TPMFrame.write(tag: TPMTag.tpm2NoSessions, code: 0, into: &writer) { _ in }
    }
}
