// TPMT_PUBLIC (Part 2, 12.2.4): the public area of a TPM object, what tpm2_readpublic shows and
// what an object's Name is the hash of. LoBot reads RSA and ECC keys (EKs, AKs, bind and signing
// keys); keyed-hash and symmetric objects are refused.
//
//   TPMI_ALG_PUBLIC type;              /* UINT16: TPM_ALG_RSA or TPM_ALG_ECC */
//   TPMI_ALG_HASH nameAlg;             /* UINT16: the hash of the object's Name */
//   TPMA_OBJECT objectAttributes;      /* UINT32 */
//   TPM2B_DIGEST authPolicy;           /* empty, or the policy digest (the EK's) */
//   TPMU_PUBLIC_PARMS parameters [type];   /* TPMS_RSA_PARMS or TPMS_ECC_PARMS */
//   TPMU_PUBLIC_ID unique [type];      /* TPM2B_PUBLIC_KEY_RSA (the modulus) or TPMS_ECC_POINT */
//
// The Name (Part 1, 16) is nameAlg (UINT16, big-endian) followed by H_nameAlg(TPMT_PUBLIC): what
// TPM2_MakeCredential binds a credential to and what TPMS_ATTEST names its signer and subject by.

public struct TPMTPublic: WireStructure, Equatable, Sendable {
    public static var wireName: String { "TPMT_PUBLIC" }

    /// The key's algorithm-specific parts: the `type` selector, `parameters` and `unique`.
    public enum Key: Equatable, Sendable {
        case rsa(parameters: TPMSRSAParms, modulus: TPM2BPublicKeyRSA)
        case ecc(parameters: TPMSECCParms, point: TPMSECCPoint)

        public var type: TPMAlgorithm {
            switch self {
            case .rsa: return .rsa
            case .ecc: return .ecc
            }
        }
    }

    public var nameAlg: TPMAlgorithm
    public var objectAttributes: TPMAObject
    public var authPolicy: TPM2BDigest
    public var key: Key

    public init(nameAlg: TPMAlgorithm, objectAttributes: TPMAObject, authPolicy: TPM2BDigest = .empty, key: Key) {
        self.nameAlg = nameAlg
        self.objectAttributes = objectAttributes
        self.authPolicy = authPolicy
        self.key = key
    }

    public var type: TPMAlgorithm { key.type }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        let typeAt = reader.offset
        let type = TPMAlgorithm(rawValue: try reader.readUInt16())
        guard type == .rsa || type == .ecc else {
            throw reader.failure(.unexpectedValue(field: "type", value: UInt64(type.rawValue)), at: typeAt)
        }
        nameAlg = TPMAlgorithm(rawValue: try reader.readUInt16())
        objectAttributes = TPMAObject(rawValue: try reader.readUInt32())
        authPolicy = try TPM2BDigest.parse(from: &reader)
        if type == .rsa {
            let parameters = try TPMSRSAParms.parse(from: &reader)
            key = .rsa(parameters: parameters, modulus: try TPM2BPublicKeyRSA.parse(from: &reader))
        } else {
            let parameters = try TPMSECCParms.parse(from: &reader)
            key = .ecc(parameters: parameters, point: try TPMSECCPoint.parse(from: &reader))
        }
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(key.type.rawValue)
        writer.write(nameAlg.rawValue)
        writer.write(objectAttributes.rawValue)
        authPolicy.serialize(into: &writer)
        switch key {
        case .rsa(let parameters, let modulus):
            parameters.serialize(into: &writer)
            modulus.serialize(into: &writer)
        case .ecc(let parameters, let point):
            parameters.serialize(into: &writer)
            point.serialize(into: &writer)
        }
    }

    /// The object's Name: nameAlg || H_nameAlg(this TPMT_PUBLIC).
    public func name() throws(LoBotError) -> [UInt8] {
        guard let algorithm = nameAlg.digestAlgorithm else {
            throw .invalidArgument("TPMT_PUBLIC nameAlg \(nameAlg.rawValue) is not a hash LoBot has")
        }
        return [UInt8(nameAlg.rawValue >> 8), UInt8(nameAlg.rawValue & 0xff)] + (try Digest.hash(algorithm, bytes))
    }

    /// An RSA key as an OpenSSL public key; refused for ECC keys and for a modulus whose length is
    /// not keyBits.
    public func rsaPublicKey() throws(LoBotError) -> RSAPublicKey {
        guard case .rsa(let parameters, let modulus) = key else {
            throw .invalidArgument("TPMT_PUBLIC is a key of type \(key.type.rawValue), not RSA")
        }
        guard modulus.buffer.count * 8 == Int(parameters.keyBits), modulus.buffer.first != 0 else {
            throw .invalidArgument("TPMT_PUBLIC says \(parameters.keyBits) bits but holds a \(modulus.buffer.count * 8)-bit modulus")
        }
        return try RSAPublicKey(modulus: modulus.buffer, exponent: parameters.effectiveExponent)
    }
}
