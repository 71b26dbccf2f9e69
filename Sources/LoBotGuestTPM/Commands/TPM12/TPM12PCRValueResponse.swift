// The successful response to TPM_Extend and to TPM_PCRRead (TPM 1.2 Part 3, 16.1 and 16.2): one
// PCR's value, new after an extend.
//
//   UINT16 tag = TPM_TAG_RSP_COMMAND (0x00C4);  UINT32 paramSize = 30;  TPM_RESULT returnCode = 0;
//   TPM_PCRVALUE outDigest;            /* 20 bytes */
import LoBotCore

public struct TPM12PCRValueResponse: WireStructure, Equatable, Sendable {
    public static var wireName: String { "TPM_Extend/TPM_PCRRead response" }

    public var outDigest: SHA1Digest

    public init(outDigest: SHA1Digest) { self.outDigest = outDigest }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        let start = try TPMFrame.read(&reader, tag: TPMTag.tpm12Response, code: 0, codeField: "returnCode")
        outDigest = try SHA1Digest.parse(from: &reader)
        try TPMFrame.finish(reader, start)
    }

    public func serialize(into writer: inout ByteWriter) {
        TPMFrame.write(tag: TPMTag.tpm12Response, code: 0, into: &writer) { outDigest.serialize(into: &$0) }
    }
}
