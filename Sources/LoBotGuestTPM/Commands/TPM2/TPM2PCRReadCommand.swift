// TPM2_PCR_Read (TPM 2.0 Part 3, 22.4): the values of the selected PCRs (at most eight per call).
//
//   TPMI_ST_COMMAND_TAG tag = TPM_ST_NO_SESSIONS (0x8001);  UINT32 commandSize;
//   TPM_CC commandCode = TPM_CC_PCR_Read (0x0000017E);
//   TPML_PCR_SELECTION pcrSelectionIn;
//
// Response: TPM2PCRReadResponse.
import LoBotCore

public struct TPM2PCRReadCommand: TPMCommand, Equatable, Sendable {
    public typealias Response = TPM2PCRReadResponse
    public static var wireName: String { "TPM2_PCR_Read" }
    public static var commandName: String { "TPM2_PCR_Read" }
    public static let commandCode: UInt32 = 0x0000_017E

    public var pcrSelectionIn: TPMLPCRSelection

    public init(_ pcrSelectionIn: TPMLPCRSelection) { self.pcrSelectionIn = pcrSelectionIn }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        let start = try TPMFrame.read(&reader, tag: TPMTag.tpm2NoSessions, code: Self.commandCode, codeField: "commandCode")
        pcrSelectionIn = try TPMLPCRSelection.parse(from: &reader)
        try TPMFrame.finish(reader, start)
    }

    public func serialize(into writer: inout ByteWriter) {
        TPMFrame.write(tag: TPMTag.tpm2NoSessions, code: Self.commandCode, into: &writer) { pcrSelectionIn.serialize(into: &$0) }
    }
}
