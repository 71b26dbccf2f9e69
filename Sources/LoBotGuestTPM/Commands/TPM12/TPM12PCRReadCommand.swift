// TPM_PCRRead (TPM 1.2 Part 3, 16.2): one PCR's value.
//
//   UINT16 tag = TPM_TAG_RQU_COMMAND (0x00C1);  UINT32 paramSize = 14;
//   TPM_COMMAND_CODE ordinal = TPM_ORD_PcrRead (0x00000015);
//   TPM_PCRINDEX pcrIndex;             /* UINT32 */
//
// Response: TPM12PCRValueResponse.
import LoBotCore

public struct TPM12PCRReadCommand: TPMCommand, Equatable, Sendable {
    public typealias Response = TPM12PCRValueResponse
    public static var wireName: String { "TPM_PCRRead" }
    public static var commandName: String { "TPM_PCRRead" }
    public static let ordinal: UInt32 = 0x0000_0015

    public var pcrIndex: UInt32

    public init(pcrIndex: UInt32) { self.pcrIndex = pcrIndex }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        let start = try TPMFrame.read(&reader, tag: TPMTag.tpm12Command, code: Self.ordinal, codeField: "ordinal")
        pcrIndex = try reader.readUInt32()
        try TPMFrame.finish(reader, start)
    }

    public func serialize(into writer: inout ByteWriter) {
        TPMFrame.write(tag: TPMTag.tpm12Command, code: Self.ordinal, into: &writer) { $0.write(pcrIndex) }
    }
}
