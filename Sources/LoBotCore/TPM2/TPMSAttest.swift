// TPMS_ATTEST (Part 2, 10.12.12): what a TPM 2.0 signs when it attests: a quote's PCR digest
// (TPM2_Quote) or a loaded key's Name (TPM2_Certify). `tpm2_quote -m` and `tpm2_certify -o` write
// it as is; its signature is over H(these bytes). The magic is what makes it the TPM's own word:
// a TPM refuses to sign outside data that starts with TPM_GENERATED_VALUE.
//
//   TPM_GENERATED magic;               /* UINT32 0xff544347 */
//   TPMI_ST_ATTEST type;               /* UINT16 TPM_ST_ATTEST_QUOTE or TPM_ST_ATTEST_CERTIFY */
//   TPM2B_NAME qualifiedSigner;        /* the signing key's Qualified Name */
//   TPM2B_DATA extraData;              /* the caller's qualifying data: the verifier's nonce */
//   TPMS_CLOCK_INFO clockInfo;         /* 17 bytes */
//   UINT64 firmwareVersion;            /* vendor-specific */
//   TPMU_ATTEST attested [type];       /* TPMS_QUOTE_INFO or TPMS_CERTIFY_INFO */
//
// Other attestation types (time, audit, creation, NV) are refused: LoBot asks for none.

public struct TPMSAttest: WireStructure, Equatable, Sendable {
    public static var wireName: String { "TPMS_ATTEST" }

    /// The attested kinds LoBot reads; the `type` field is the case.
    public enum Attested: Equatable, Sendable {
        case quote(TPMSQuoteInfo)
        case certify(TPMSCertifyInfo)

        public var type: TPM2StructureTag {
            switch self {
            case .quote: return .attestQuote
            case .certify: return .attestCertify
            }
        }
    }

    public var qualifiedSigner: TPM2BName
    public var extraData: TPM2BData
    public var clockInfo: TPMSClockInfo
    public var firmwareVersion: UInt64
    public var attested: Attested

    public init(
        qualifiedSigner: [UInt8], extraData: [UInt8], clockInfo: TPMSClockInfo, firmwareVersion: UInt64, attested: Attested
    ) {
        self.qualifiedSigner = TPM2BName(qualifiedSigner)
        self.extraData = TPM2BData(extraData)
        self.clockInfo = clockInfo
        self.firmwareVersion = firmwareVersion
        self.attested = attested
    }

    public var type: TPM2StructureTag { attested.type }

    /// The quote, when this is one.
    public var quote: TPMSQuoteInfo? {
        if case .quote(let info) = attested { return info }
        return nil
    }

    /// The certification, when this is one.
    public var certify: TPMSCertifyInfo? {
        if case .certify(let info) = attested { return info }
        return nil
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        try reader.expectUInt32(TPM2Generated.value, field: "magic")
        let typeAt = reader.offset
        let type = TPM2StructureTag(rawValue: try reader.readUInt16())
        guard type == .attestQuote || type == .attestCertify else {
            throw reader.failure(.unexpectedValue(field: "type", value: UInt64(type.rawValue)), at: typeAt)
        }
        qualifiedSigner = try TPM2BName.parse(from: &reader)
        extraData = try TPM2BData.parse(from: &reader)
        clockInfo = try TPMSClockInfo.parse(from: &reader)
        firmwareVersion = try reader.readUInt64()
        if type == .attestQuote {
            attested = .quote(try TPMSQuoteInfo.parse(from: &reader))
        } else {
            attested = .certify(try TPMSCertifyInfo.parse(from: &reader))
        }
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(TPM2Generated.value)
        writer.write(attested.type.rawValue)
        qualifiedSigner.serialize(into: &writer)
        extraData.serialize(into: &writer)
        clockInfo.serialize(into: &writer)
        writer.write(firmwareVersion)
        switch attested {
        case .quote(let info): info.serialize(into: &writer)
        case .certify(let info): info.serialize(into: &writer)
        }
    }
}
