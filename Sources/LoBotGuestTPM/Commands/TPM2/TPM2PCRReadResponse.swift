// The successful response to TPM2_PCR_Read (TPM 2.0 Part 3, 22.4): the selection the TPM read
// (PCRs it could not read are left out) and the values, in the selection's order (bank by bank,
// PCR by PCR ascending).
//
//   TPM_ST tag = TPM_ST_NO_SESSIONS (0x8001);  UINT32 responseSize;  TPM_RC responseCode = 0;
//   UINT32 pcrUpdateCounter;
//   TPML_PCR_SELECTION pcrSelectionOut;
//   TPML_DIGEST pcrValues;
import LoBotCore

public struct TPM2PCRReadResponse: WireStructure, Equatable, Sendable {
    public static var wireName: String { "TPM2_PCR_Read response" }

    public var pcrUpdateCounter: UInt32
    public var pcrSelectionOut: TPMLPCRSelection
    public var pcrValues: TPMLDigest

    public init(pcrUpdateCounter: UInt32, pcrSelectionOut: TPMLPCRSelection, pcrValues: TPMLDigest) {
        self.pcrUpdateCounter = pcrUpdateCounter
        self.pcrSelectionOut = pcrSelectionOut
        self.pcrValues = pcrValues
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        let start = try TPMFrame.read(&reader, tag: TPMTag.tpm2NoSessions, code: 0, codeField: "responseCode")
        pcrUpdateCounter = try reader.readUInt32()
        pcrSelectionOut = try TPMLPCRSelection.parse(from: &reader)
        pcrValues = try TPMLDigest.parse(from: &reader)
        try TPMFrame.finish(reader, start)
    }

    public func serialize(into writer: inout ByteWriter) {
        TPMFrame.write(tag: TPMTag.tpm2NoSessions, code: 0, into: &writer) {
            $0.write(pcrUpdateCounter)
            pcrSelectionOut.serialize(into: &$0)
            pcrValues.serialize(into: &$0)
        }
    }
}
