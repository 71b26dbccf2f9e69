// TPMS_RSA_PARMS (Part 2, 12.2.3.5): the parameters of an RSA key's public area.
//
//   TPMT_SYM_DEF_OBJECT symmetric;     /* NULL unless the key is a parent (the EK: AES-128-CFB) */
//   TPMT_RSA_SCHEME scheme;            /* NULL, RSASSA, RSAES, RSAPSS or OAEP, with its hash */
//   TPMI_RSA_KEY_BITS keyBits;         /* UINT16: 1024, 2048, 3072 or 4096 */
//   UINT32 exponent;                   /* 0 means the default, 65537 */

public struct TPMSRSAParms: WireStructure, Equatable, Sendable {
    public static var wireName: String { "TPMS_RSA_PARMS" }
    static let keySizes: [UInt16] = [1024, 2048, 3072, 4096]

    public var symmetric: TPMTSymDefObject
    public var scheme: TPMTAsymScheme
    public var keyBits: UInt16
    public var exponent: UInt32

    public init(symmetric: TPMTSymDefObject, scheme: TPMTAsymScheme, keyBits: UInt16, exponent: UInt32 = 0) {
        self.symmetric = symmetric
        self.scheme = scheme
        self.keyBits = keyBits
        self.exponent = exponent
    }

    /// The exponent as big-endian bytes, 65537 for 0.
    public var effectiveExponent: [UInt8] {
        let value = exponent == 0 ? 65537 : exponent
        var bytes: [UInt8] = []
        var v = value
        while v != 0 {
            bytes.insert(UInt8(truncatingIfNeeded: v), at: 0)
            v >>= 8
        }
        return bytes
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        symmetric = try TPMTSymDefObject.parse(from: &reader)
        let schemeAt = reader.offset
        scheme = try TPMTAsymScheme.parse(from: &reader)
        guard TPMTAsymScheme.rsaSchemes.contains(scheme.scheme) else {
            throw reader.failure(.unexpectedValue(field: "scheme", value: UInt64(scheme.scheme.rawValue)), at: schemeAt)
        }
        let bitsAt = reader.offset
        keyBits = try reader.readUInt16()
        guard Self.keySizes.contains(keyBits) else {
            throw reader.failure(.unexpectedValue(field: "keyBits", value: UInt64(keyBits)), at: bitsAt)
        }
        exponent = try reader.readUInt32()
    }

    public func serialize(into writer: inout ByteWriter) {
        symmetric.serialize(into: &writer)
        scheme.serialize(into: &writer)
        writer.write(keyBits)
        writer.write(exponent)
    }
}
