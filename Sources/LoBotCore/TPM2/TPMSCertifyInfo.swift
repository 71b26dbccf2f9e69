// TPMS_CERTIFY_INFO (Part 2, 10.12.3): what TPM2_Certify attests, inside TPMS_ATTEST of type
// TPM_ST_ATTEST_CERTIFY: that the object with this Name is loaded in this TPM.
//
//   TPM2B_NAME name;                   /* the certified object's Name (nameAlg || H(TPMT_PUBLIC)) */
//   TPM2B_NAME qualifiedName;          /* its Qualified Name (the hash chain of its parents' Names) */

public struct TPMSCertifyInfo: WireStructure, Equatable, Sendable {
    public static var wireName: String { "TPMS_CERTIFY_INFO" }

    public var name: TPM2BName
    public var qualifiedName: TPM2BName

    public init(name: [UInt8], qualifiedName: [UInt8]) {
        self.name = TPM2BName(name)
        self.qualifiedName = TPM2BName(qualifiedName)
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        name = try TPM2BName.parse(from: &reader)
        qualifiedName = try TPM2BName.parse(from: &reader)
    }

    public func serialize(into writer: inout ByteWriter) {
        name.serialize(into: &writer)
        qualifiedName.serialize(into: &writer)
    }
}
