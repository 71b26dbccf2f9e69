// TPM_QUOTE_INFO (Part 2, 11.3): what TPM_Quote signs with an AIK.
//
//   typedef struct tdTPM_QUOTE_INFO {
//       TPM_STRUCT_VER version;          /* 1.1.0.0 */
//       BYTE fixed[4];                   /* "QUOT" */
//       TPM_COMPOSITE_HASH digestValue;  /* SHA-1 of the TPM_PCR_COMPOSITE */
//       TPM_NONCE externalData;          /* the verifier's nonce */
//   } TPM_QUOTE_INFO;                    /* 48 bytes */

public struct QuoteInfo: WireStructure, Equatable, Sendable {
    public static var wireName: String { "TPM_QUOTE_INFO" }
    public static let fixed: [UInt8] = Array("QUOT".utf8)

    public var digestValue: SHA1Digest
    public var externalData: TPMNonce

    public init(digestValue: SHA1Digest, externalData: TPMNonce) {
        self.digestValue = digestValue
        self.externalData = externalData
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        _ = try StructVersion.parse(from: &reader)
        try reader.expect(Self.fixed, field: "fixed")
        digestValue = try SHA1Digest(parsing: &reader)
        externalData = try TPMNonce(parsing: &reader)
    }

    public func serialize(into writer: inout ByteWriter) {
        StructVersion.v1_1.serialize(into: &writer)
        writer.write(Self.fixed)
        digestValue.serialize(into: &writer)
        externalData.serialize(into: &writer)
    }
}
