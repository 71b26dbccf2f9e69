// TPM_QUOTE_INFO2 (Part 2, 11.4): what TPM_Quote2 signs (tpm-quote-tools uses this form).
//
//   typedef struct tdTPM_QUOTE_INFO2 {
//       TPM_STRUCTURE_TAG tag;           /* TPM_TAG_QUOTE_INFO2 = 0x0036 */
//       BYTE fixed[4];                   /* "QUT2" */
//       TPM_NONCE externalData;
//       TPM_PCR_INFO_SHORT infoShort;
//   } TPM_QUOTE_INFO2;                   /* 52 bytes with a 3-byte selection */

public struct QuoteInfo2: WireStructure, Equatable, Sendable {
    public static var wireName: String { "TPM_QUOTE_INFO2" }
    public static let fixed: [UInt8] = Array("QUT2".utf8)

    public var externalData: TPMNonce
    public var infoShort: PCRInfoShort

    public init(externalData: TPMNonce, infoShort: PCRInfoShort) {
        self.externalData = externalData
        self.infoShort = infoShort
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        try reader.expectUInt16(StructureTag.quoteInfo2.rawValue, field: "tag")
        try reader.expect(Self.fixed, field: "fixed")
        externalData = try TPMNonce(parsing: &reader)
        infoShort = try PCRInfoShort.parse(from: &reader)
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(StructureTag.quoteInfo2.rawValue)
        writer.write(Self.fixed)
        externalData.serialize(into: &writer)
        infoShort.serialize(into: &writer)
    }
}
