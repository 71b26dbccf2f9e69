// TPM2_Quote and TPM2_Certify (Part 3, 18.4 and 18.2): the AK's signed statements. The TPMS_ATTEST
// is kept as the TPM sent it as well as parsed: the signature is over those bytes.
//
//   TPM2_Quote    handles: TPMI_DH_OBJECT signHandle (auth)
//                 params: TPM2B_DATA qualifyingData; TPMT_SIG_SCHEME inScheme (UINT16 TPM_ALG_NULL:
//                         the key's own scheme); TPML_PCR_SELECTION PCRselect
//                 response: TPM2B_ATTEST quoted; TPMT_SIGNATURE signature
//   TPM2_Certify  handles: TPMI_DH_OBJECT objectHandle (auth, ADMIN role); TPMI_DH_OBJECT signHandle (auth)
//                 params: TPM2B_DATA qualifyingData; TPMT_SIG_SCHEME inScheme (TPM_ALG_NULL)
//                 response: TPM2B_ATTEST certifyInfo; TPMT_SIGNATURE signature

/// A TPM2B_ATTEST and TPMT_SIGNATURE as a TPM returns them.
public struct TPM2SignedAttestation: TPM2ResponseBody, Equatable, Sendable {
    public static var handleCount: Int { 0 }
    /// The TPMS_ATTEST's bytes, as signed.
    public var attestBytes: [UInt8]
    public var attest: TPMSAttest
    public var signature: TPMTSignature

    public init(handles: [UInt32], parameters reader: inout ByteReader) throws(LoBotError) {
        attestBytes = try reader.readSized(
            lengthWidth: 2, maximum: TPM2Limits.maxAttestBytes, field: "TPM2B_ATTEST.size")
        attest = try TPMSAttest(bytes: attestBytes)
        signature = try TPMTSignature.parse(from: &reader)
    }
}

public struct TPM2Quote: TPM2CommandBody, Equatable, Sendable {
    public typealias Response = TPM2SignedAttestation
    public static var commandCode: TPM2CommandCode { .quote }

    public var signHandle: UInt32
    public var qualifyingData: TPM2BData
    public var selection: TPMLPCRSelection

    public init(signHandle: UInt32, qualifyingData: [UInt8], selection: TPMLPCRSelection) {
        self.signHandle = signHandle
        self.qualifyingData = TPM2BData(qualifyingData)
        self.selection = selection
    }

    public var handles: [UInt32] { [signHandle] }
    public func serializeParameters(into writer: inout ByteWriter) {
        qualifyingData.serialize(into: &writer)
        writer.write(TPMAlgorithm.null.rawValue)
        selection.serialize(into: &writer)
    }
}

public struct TPM2Certify: TPM2CommandBody, Equatable, Sendable {
    public typealias Response = TPM2SignedAttestation
    public static var commandCode: TPM2CommandCode { .certify }

    public var object: UInt32
    public var signHandle: UInt32
    public var qualifyingData: TPM2BData

    public init(object: UInt32, signHandle: UInt32, qualifyingData: [UInt8]) {
        self.object = object
        self.signHandle = signHandle
        self.qualifyingData = TPM2BData(qualifyingData)
    }

    public var handles: [UInt32] { [object, signHandle] }
    public func serializeParameters(into writer: inout ByteWriter) {
        qualifyingData.serialize(into: &writer)
        writer.write(TPMAlgorithm.null.rawValue)
    }
}
