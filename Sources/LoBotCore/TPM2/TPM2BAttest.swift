// TPM2B_ATTEST (Part 2, 10.12.13): a TPMS_ATTEST with its size, as TPM2_Quote and TPM2_Certify
// return it (tpm2-tools strips the size before writing the file).
//
//   UINT16 size;                       /* the TPMS_ATTEST's length, refused if it is not */
//   TPMS_ATTEST attestationData;

public struct TPM2BAttest: WireStructure, Equatable, Sendable {
    public static var wireName: String { "TPM2B_ATTEST" }

    public var attestationData: TPMSAttest

    public init(_ attestationData: TPMSAttest) { self.attestationData = attestationData }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        attestationData = try reader.readSizedStructure(TPMSAttest.self, maximum: TPM2Limits.maxAttestBytes, field: "size")
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.writeSizedStructure(attestationData)
    }
}
