// TPMS_ECC_PARMS (Part 2, 12.2.3.6): the parameters of an ECC key's public area.
//
//   TPMT_SYM_DEF_OBJECT symmetric;     /* NULL unless the key is a parent (the ECC EK: AES-CFB) */
//   TPMT_ECC_SCHEME scheme;            /* NULL, ECDSA, ECDH, ECDAA, SM2, ECSCHNORR or ECMQV */
//   TPMI_ECC_CURVE curveID;            /* UINT16 TPM_ECC_CURVE */
//   TPMT_KDF_SCHEME kdf;               /* NULL for every key LoBot sees */

public struct TPMSECCParms: WireStructure, Equatable, Sendable {
    public static var wireName: String { "TPMS_ECC_PARMS" }

    public var symmetric: TPMTSymDefObject
    public var scheme: TPMTAsymScheme
    public var curveID: TPMECCCurve
    public var kdf: TPMTKDFScheme

    public init(symmetric: TPMTSymDefObject, scheme: TPMTAsymScheme, curveID: TPMECCCurve, kdf: TPMTKDFScheme = .null) {
        self.symmetric = symmetric
        self.scheme = scheme
        self.curveID = curveID
        self.kdf = kdf
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        symmetric = try TPMTSymDefObject.parse(from: &reader)
        let schemeAt = reader.offset
        scheme = try TPMTAsymScheme.parse(from: &reader)
        guard TPMTAsymScheme.eccSchemes.contains(scheme.scheme) else {
            throw reader.failure(.unexpectedValue(field: "scheme", value: UInt64(scheme.scheme.rawValue)), at: schemeAt)
        }
        curveID = TPMECCCurve(rawValue: try reader.readUInt16())
        kdf = try TPMTKDFScheme.parse(from: &reader)
    }

    public func serialize(into writer: inout ByteWriter) {
        symmetric.serialize(into: &writer)
        scheme.serialize(into: &writer)
        writer.write(curveID.rawValue)
        kdf.serialize(into: &writer)
    }
}
