// The successful response of a TPM 1.2 command that returns no parameters (TPM_Startup,
// TSC_PhysicalPresence, TPM_PhysicalEnable, TPM_PhysicalSetDeactivated).
//
//   UINT16 tag = TPM_TAG_RSP_COMMAND (0x00C4);  UINT32 paramSize = 10;  TPM_RESULT returnCode = 0
import LoBotCore

public struct TPM12EmptyResponse: WireStructure, Equatable, Sendable {
    public static var wireName: String { "TPM 1.2 response" }

    public init() {}

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        let start = try TPMFrame.read(&reader, tag: TPMTag.tpm12Response, code: 0, codeField: "returnCode")
        try TPMFrame.finish(reader, start)
    }

    public func serialize(into writer: inout ByteWriter) {
        TPMFrame.write(tag: TPMTag.tpm12Response, code: 0, into: &writer) { _ in }
    }
}
