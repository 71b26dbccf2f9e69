// TPMT_RSA_SCHEME and TPMT_ECC_SCHEME (Part 2, 11.2.4.2 and 11.2.5.6): the scheme a key is
// restricted to, and its hash. Both are a scheme selector and the TPMU_ASYM_SCHEME union it picks,
// so one type reads both; TPMSRSAParms and TPMSECCParms check the scheme is one of their own.
//
//   TPMI_ALG_RSA_SCHEME / TPMI_ALG_ECC_SCHEME scheme;   /* UINT16 */
//   TPMU_ASYM_SCHEME details [scheme]:
//       NULL, RSAES:                          nothing
//       RSASSA, RSAPSS, OAEP, ECDSA, ECDH,
//       SM2, ECSCHNORR, ECMQV:                TPMI_ALG_HASH hashAlg;  /* UINT16 */
//       ECDAA:                                TPMI_ALG_HASH hashAlg;  UINT16 count;

public struct TPMTAsymScheme: WireStructure, Equatable, Sendable {
    public static var wireName: String { "TPMT_ASYM_SCHEME" }
    /// The schemes a TPMT_RSA_SCHEME may hold.
    public static let rsaSchemes: [TPMAlgorithm] = [.null, .rsassa, .rsaes, .rsapss, .oaep]
    /// The schemes a TPMT_ECC_SCHEME may hold.
    public static let eccSchemes: [TPMAlgorithm] = [.null, .ecdsa, .ecdh, .ecdaa, .sm2, .ecschnorr, .ecmqv]
    static let hashed: [TPMAlgorithm] = [.rsassa, .rsapss, .oaep, .ecdsa, .ecdh, .sm2, .ecschnorr, .ecmqv, .ecdaa]

    public var scheme: TPMAlgorithm
    /// The scheme's hash; nil exactly for NULL and RSAES.
    public var hashAlg: TPMAlgorithm?
    /// ECDAA's commit count; nil for every other scheme.
    public var count: UInt16?

    /// TPM_ALG_NULL: the key is not restricted to a scheme.
    public static let null = TPMTAsymScheme(scheme: .null, hashAlg: nil, count: nil)

    /// A scheme with a hash (RSASSA, RSAPSS, OAEP, ECDSA, ...).
    public static func scheme(_ scheme: TPMAlgorithm, hash: TPMAlgorithm) -> TPMTAsymScheme {
        TPMTAsymScheme(scheme: scheme, hashAlg: hash, count: scheme == .ecdaa ? 0 : nil)
    }

    init(scheme: TPMAlgorithm, hashAlg: TPMAlgorithm?, count: UInt16?) {
        self.scheme = scheme
        self.hashAlg = hashAlg
        self.count = count
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        let at = reader.offset
        scheme = TPMAlgorithm(rawValue: try reader.readUInt16())
        hashAlg = nil
        count = nil
        if scheme == .null || scheme == .rsaes { return }
        guard Self.hashed.contains(scheme) else {
            throw reader.failure(.unexpectedValue(field: "scheme", value: UInt64(scheme.rawValue)), at: at)
        }
        hashAlg = TPMAlgorithm(rawValue: try reader.readUInt16())
        if scheme == .ecdaa { count = try reader.readUInt16() }
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(scheme.rawValue)
        if let hashAlg { writer.write(hashAlg.rawValue) }
        if let count { writer.write(count) }
    }
}
