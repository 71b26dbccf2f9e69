// TPMT_KDF_SCHEME (Part 2, 11.2.3.3): the key derivation an ECC key uses for ECDH; TPM_ALG_NULL
// for every key LoBot makes or reads.
//
//   TPMI_ALG_KDF scheme;               /* UINT16: MGF1, KDF1_SP800_56A, KDF2, KDF1_SP800_108 or NULL */
//   TPMU_KDF_SCHEME details [scheme];  /* TPMI_ALG_HASH hashAlg, absent for NULL */

public struct TPMTKDFScheme: WireStructure, Equatable, Sendable {
    public static var wireName: String { "TPMT_KDF_SCHEME" }
    /// TPM_ALG_MGF1 and the three KDFs.
    static let kdfs: [TPMAlgorithm] = [
        TPMAlgorithm(rawValue: 0x0007), .kdf1SP800_56A, .kdf2, .kdf1SP800_108,
    ]

    public var scheme: TPMAlgorithm
    /// The KDF's hash; nil exactly for NULL.
    public var hashAlg: TPMAlgorithm?

    public static let null = TPMTKDFScheme(scheme: .null, hashAlg: nil)

    public init(scheme: TPMAlgorithm, hashAlg: TPMAlgorithm?) {
        self.scheme = scheme
        self.hashAlg = scheme == .null ? nil : hashAlg
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        let at = reader.offset
        scheme = TPMAlgorithm(rawValue: try reader.readUInt16())
        if scheme == .null {
            hashAlg = nil
            return
        }
        guard Self.kdfs.contains(scheme) else {
            throw reader.failure(.unexpectedValue(field: "scheme", value: UInt64(scheme.rawValue)), at: at)
        }
        hashAlg = TPMAlgorithm(rawValue: try reader.readUInt16())
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(scheme.rawValue)
        if let hashAlg { writer.write(hashAlg.rawValue) }
    }
}
