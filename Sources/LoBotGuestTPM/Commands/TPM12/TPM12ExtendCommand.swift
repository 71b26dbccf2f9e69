// TPM_Extend (TPM 1.2 Part 3, 16.1): PCR[pcrNum] = SHA-1(PCR[pcrNum] || inDigest). How LoBot
// measures into a guest's TPM 1.2.
//
//   UINT16 tag = TPM_TAG_RQU_COMMAND (0x00C1);  UINT32 paramSize = 34;
//   TPM_COMMAND_CODE ordinal = TPM_ORD_Extend (0x00000014);
//   TPM_PCRINDEX pcrNum;               /* UINT32 */
//   TPM_DIGEST inDigest;
//
// Response: TPM12PCRValueResponse.
import LoBotCore

public struct TPM12ExtendCommand: TPMCommand, Equatable, Sendable {
    public typealias Response = TPM12PCRValueResponse
    public static var wireName: String { "TPM_Extend" }
    public static var commandName: String { "TPM_Extend" }
    public static let ordinal: UInt32 = 0x0000_0014

    public var pcrNum: UInt32
    public var inDigest: SHA1Digest

    public init(pcrNum: UInt32, inDigest: SHA1Digest) {
        self.pcrNum = pcrNum
        self.inDigest = inDigest
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        let start = try TPMFrame.read(&reader, tag: TPMTag.tpm12Command, code: Self.ordinal, codeField: "ordinal")
        pcrNum = try reader.readUInt32()
        inDigest = try SHA1Digest.parse(from: &reader)
        try TPMFrame.finish(reader, start)
    }

    public func serialize(into writer: inout ByteWriter) {
        TPMFrame.write(tag: TPMTag.tpm12Command, code: Self.ordinal, into: &writer) {
            $0.write(pcrNum)
            inDigest.serialize(into: &$0)
        }
    }
}
