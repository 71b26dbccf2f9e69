// A TPM 2.0 platform quote as LoBot writes it (`lobot platform quote` on a TPM 2.0 platform) and the
// factory reads it (`lobot-factory verify-quote --quote`): TPM2_Quote's attestation and signature
// with the PCR values it covers, in one file; the TPM 1.2 quote file's counterpart. The values are
// read in the selection's order (the quote's TPMS_QUOTE_INFO says which bank and which PCRs); the
// quote's PCR digest is the hash of their concatenation, which a verifier recomputes.
//
//   BYTE magic[4];                     /* "LB2Q" */
//   UINT8 version;                     /* 1 */
//   TPM2B_ATTEST quoted;               /* TPMS_ATTEST of type TPM_ST_ATTEST_QUOTE */
//   TPMT_SIGNATURE signature;          /* the AK's, over the TPMS_ATTEST */
//   UINT8 count;                       /* at most 24 */
//   TPM2B_DIGEST values[count];        /* the quoted PCRs' values, in selection order */

public struct TPM2QuoteFile: WireStructure, Equatable, Sendable {
    public static var wireName: String { "LoBot TPM 2.0 quote" }
    public static let magic: [UInt8] = Array("LB2Q".utf8)
    public static let version: UInt8 = 1
    public static let maximumValues = 24

    public var quoted: TPM2BAttest
    public var signature: TPMTSignature
    public var values: [TPM2BDigest]

    public init(quoted: TPMSAttest, signature: TPMTSignature, values: [[UInt8]]) {
        self.quoted = TPM2BAttest(quoted)
        self.signature = signature
        self.values = values.map { TPM2BDigest($0) }
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        try reader.expect(Self.magic, field: "magic")
        try reader.expect([Self.version], field: "version")
        quoted = try TPM2BAttest.parse(from: &reader)
        guard quoted.attestationData.quote != nil else { throw .invalidArgument("the attestation in a TPM 2.0 quote file is not a quote") }
        signature = try TPMTSignature.parse(from: &reader)
        let countAt = reader.offset
        let count = Int(try reader.readUInt8())
        guard count <= Self.maximumValues else {
            throw reader.failure(.lengthTooLarge(field: "count", value: UInt64(count), maximum: UInt64(Self.maximumValues)), at: countAt)
        }
        values = []
        for _ in 0..<count { values.append(try TPM2BDigest.parse(from: &reader)) }
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(Self.magic)
        writer.write(Self.version)
        quoted.serialize(into: &writer)
        signature.serialize(into: &writer)
        writer.write(UInt8(values.count))
        for value in values { value.serialize(into: &writer) }
    }
}

extension TPM2QuoteFile {
    /// The quote as tpm2-tools writes it (`tpm2_quote -m -s -o`): the TPMS_ATTEST, the
    /// TPMT_SIGNATURE and the PCR file, for TPM2SignedQuote's check or tpm2_checkquote.
    public func toolFiles() throws(LoBotError) -> (quote: TPM2SignedQuote, pcrs: TPM2PCRFile) {
        let quote = try TPM2SignedQuote(message: quoted.attestationData.bytes, signature: signature.bytes)
        var values: [UInt8] = []
        for value in self.values { values += value.buffer }
        return (quote, try TPM2PCRFile(values: values, selection: quote.info.pcrSelect))
    }

    /// TPM2SignedQuote's one check, on this file's attestation, signature and values.
    public func verify(ak: TPMTPublic, nonce: [UInt8]) throws(LoBotError) {
        let (quote, pcrs) = try toolFiles()
        try quote.verify(ak: ak, nonce: nonce, pcrs: pcrs)
    }
}
