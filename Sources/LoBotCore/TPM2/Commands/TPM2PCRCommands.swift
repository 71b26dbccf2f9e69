// TPM2_PCR_Read and TPM2_PCR_Extend (Part 3, 22.4 and 22.2).
//
//   TPM2_PCR_Read    params: TPML_PCR_SELECTION pcrSelectionIn
//                    response: UINT32 pcrUpdateCounter; TPML_PCR_SELECTION pcrSelectionOut;
//                              TPML_DIGEST pcrValues      /* at most 8: the TPM may return fewer
//                                                             PCRs than asked; pcrSelectionOut says which */
//   TPM2_PCR_Extend  handles: TPMI_DH_PCR pcrHandle (auth: USER, the PCR's empty authValue)
//                    params: TPML_DIGEST_VALUES digests:
//                              UINT32 count; TPMT_HA digests[count] { TPMI_ALG_HASH hashAlg; BYTE digest[]; }
//                    response: nothing

public struct TPM2PCRRead: TPM2CommandBody, Equatable, Sendable {
    public static var commandCode: TPM2CommandCode { .pcrRead }

    public var pcrSelectionIn: TPMLPCRSelection
    public init(_ selection: TPMLPCRSelection) { pcrSelectionIn = selection }

    public var handles: [UInt32] { [] }
    public func serializeParameters(into writer: inout ByteWriter) { pcrSelectionIn.serialize(into: &writer) }

    public struct Response: TPM2ResponseBody, Equatable, Sendable {
        public static var handleCount: Int { 0 }
        public var pcrUpdateCounter: UInt32
        public var pcrSelectionOut: TPMLPCRSelection
        public var pcrValues: TPMLDigest
        public init(handles: [UInt32], parameters reader: inout ByteReader) throws(LoBotError) {
            pcrUpdateCounter = try reader.readUInt32()
            pcrSelectionOut = try TPMLPCRSelection.parse(from: &reader)
            pcrValues = try TPMLDigest.parse(from: &reader)
        }
    }
}

public struct TPM2PCRExtend: TPM2CommandBody, Equatable, Sendable {
    public typealias Response = TPM2EmptyResponse
    public static var commandCode: TPM2CommandCode { .pcrExtend }

    public var pcr: UInt32
    /// One digest per bank: (TPM_ALG_ID, digest).
    public var digests: [(algorithm: TPMAlgorithm, digest: [UInt8])]

    public init(pcr: UInt32, digests: [(algorithm: TPMAlgorithm, digest: [UInt8])]) {
        self.pcr = pcr
        self.digests = digests
    }

    public static func == (a: TPM2PCRExtend, b: TPM2PCRExtend) -> Bool {
        a.pcr == b.pcr && a.digests.count == b.digests.count
            && zip(a.digests, b.digests).allSatisfy { $0.algorithm == $1.algorithm && $0.digest == $1.digest }
    }

    public var handles: [UInt32] { [pcr] }
    public func serializeParameters(into writer: inout ByteWriter) {
        writer.write(UInt32(digests.count))
        for entry in digests {
            writer.write(entry.algorithm.rawValue)
            writer.write(entry.digest)
        }
    }
}
