// TPMS_QUOTE_INFO (Part 2, 10.12.1): what TPM2_Quote attests, inside TPMS_ATTEST of type
// TPM_ST_ATTEST_QUOTE: the PCRs quoted and the digest of their values.
//
//   TPML_PCR_SELECTION pcrSelect;      /* the banks and PCRs, as the quote's caller selected them */
//   TPM2B_DIGEST pcrDigest;            /* H_signScheme(the selected PCR values, concatenated in
//                                         selection order: bank by bank, PCR by PCR ascending) */

public struct TPMSQuoteInfo: WireStructure, Equatable, Sendable {
    public static var wireName: String { "TPMS_QUOTE_INFO" }

    public var pcrSelect: TPMLPCRSelection
    public var pcrDigest: TPM2BDigest

    public init(pcrSelect: TPMLPCRSelection, pcrDigest: [UInt8]) {
        self.pcrSelect = pcrSelect
        self.pcrDigest = TPM2BDigest(pcrDigest)
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        pcrSelect = try TPMLPCRSelection.parse(from: &reader)
        pcrDigest = try TPM2BDigest.parse(from: &reader)
    }

    public func serialize(into writer: inout ByteWriter) {
        pcrSelect.serialize(into: &writer)
        pcrDigest.serialize(into: &writer)
    }
}
