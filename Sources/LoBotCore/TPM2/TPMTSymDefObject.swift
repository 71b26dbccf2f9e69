// TPMT_SYM_DEF_OBJECT (Part 2, 11.1.7): the symmetric algorithm of a key's public area: what a
// parent (a storage key, an EK) protects its children and seeds with; TPM_ALG_NULL for keys that
// are not parents (an AK, a bind key).
//
//   TPMI_ALG_SYM_OBJECT algorithm;     /* UINT16: AES, SM4, CAMELLIA or NULL */
//   TPMU_SYM_KEY_BITS keyBits;         /* UINT16, absent for NULL */
//   TPMU_SYM_MODE mode;                /* UINT16 TPM_ALG_ID (CFB for a parent), absent for NULL */

public struct TPMTSymDefObject: WireStructure, Equatable, Sendable {
    public static var wireName: String { "TPMT_SYM_DEF_OBJECT" }
    /// The block ciphers TPMI_ALG_SYM_OBJECT allows besides NULL.
    static let ciphers: [TPMAlgorithm] = [.aes, .sm4, .camellia]

    public var algorithm: TPMAlgorithm
    /// keyBits and mode, nil exactly when the algorithm is TPM_ALG_NULL.
    public var keyBits: UInt16?
    public var mode: TPMAlgorithm?

    /// TPM_ALG_NULL: no symmetric algorithm.
    public static let null = TPMTSymDefObject(algorithm: .null, keyBits: nil, mode: nil)

    /// AES with `keyBits` in `mode` (a parent's: 128 or 256 bits, CFB).
    public static func aes(keyBits: UInt16, mode: TPMAlgorithm = .cfb) -> TPMTSymDefObject {
        TPMTSymDefObject(algorithm: .aes, keyBits: keyBits, mode: mode)
    }

    init(algorithm: TPMAlgorithm, keyBits: UInt16?, mode: TPMAlgorithm?) {
        self.algorithm = algorithm
        self.keyBits = keyBits
        self.mode = mode
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        let at = reader.offset
        algorithm = TPMAlgorithm(rawValue: try reader.readUInt16())
        if algorithm == .null {
            keyBits = nil
            mode = nil
            return
        }
        guard Self.ciphers.contains(algorithm) else {
            throw reader.failure(.unexpectedValue(field: "algorithm", value: UInt64(algorithm.rawValue)), at: at)
        }
        keyBits = try reader.readUInt16()
        mode = TPMAlgorithm(rawValue: try reader.readUInt16())
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(algorithm.rawValue)
        if let keyBits, let mode {
            writer.write(keyBits)
            writer.write(mode.rawValue)
        }
    }
}
