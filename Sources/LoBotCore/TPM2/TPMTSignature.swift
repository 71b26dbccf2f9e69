// TPMT_SIGNATURE (Part 2, 11.3.4): a TPM's signature with its scheme and hash, as TPM2_Quote and
// TPM2_Certify return it and as `tpm2_quote -s` / `tpm2_certify -s` write it (format `tss`, the
// default). LoBot reads RSASSA and RSAPSS (RSA AKs, both verified) and ECDSA (ECC AKs, read only);
// other schemes are refused.
//
//   TPMI_ALG_SIG_SCHEME sigAlg;        /* UINT16: RSASSA, RSAPSS or ECDSA */
//   TPMU_SIGNATURE signature [sigAlg]:
//       RSASSA, RSAPSS:  TPMS_SIGNATURE_RSA { TPMI_ALG_HASH hash;  TPM2B_PUBLIC_KEY_RSA sig; }
//       ECDSA:           TPMS_SIGNATURE_ECC { TPMI_ALG_HASH hash;  TPM2B_ECC_PARAMETER signatureR;
//                                             TPM2B_ECC_PARAMETER signatureS; }

public struct TPMTSignature: WireStructure, Equatable, Sendable {
    public static var wireName: String { "TPMT_SIGNATURE" }

    public enum Signature: Equatable, Sendable {
        /// RSASSA-PKCS1-v1_5: the signature, as long as the modulus.
        case rsassa(TPM2BPublicKeyRSA)
        /// RSASSA-PSS.
        case rsapss(TPM2BPublicKeyRSA)
        /// ECDSA: r and s.
        case ecdsa(r: TPM2BECCParameter, s: TPM2BECCParameter)

        public var sigAlg: TPMAlgorithm {
            switch self {
            case .rsassa: return .rsassa
            case .rsapss: return .rsapss
            case .ecdsa: return .ecdsa
            }
        }
    }

    /// The hash the signed data was digested with.
    public var hash: TPMAlgorithm
    public var signature: Signature

    public init(hash: TPMAlgorithm, signature: Signature) {
        self.hash = hash
        self.signature = signature
    }

    public var sigAlg: TPMAlgorithm { signature.sigAlg }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        let at = reader.offset
        let sigAlg = TPMAlgorithm(rawValue: try reader.readUInt16())
        guard sigAlg == .rsassa || sigAlg == .rsapss || sigAlg == .ecdsa else {
            throw reader.failure(.unexpectedValue(field: "sigAlg", value: UInt64(sigAlg.rawValue)), at: at)
        }
        hash = TPMAlgorithm(rawValue: try reader.readUInt16())
        switch sigAlg {
        case .rsassa: signature = .rsassa(try TPM2BPublicKeyRSA.parse(from: &reader))
        case .rsapss: signature = .rsapss(try TPM2BPublicKeyRSA.parse(from: &reader))
        default:
            let r = try TPM2BECCParameter.parse(from: &reader)
            signature = .ecdsa(r: r, s: try TPM2BECCParameter.parse(from: &reader))
        }
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(signature.sigAlg.rawValue)
        writer.write(hash.rawValue)
        switch signature {
        case .rsassa(let sig), .rsapss(let sig):
            sig.serialize(into: &writer)
        case .ecdsa(let r, let s):
            r.serialize(into: &writer)
            s.serialize(into: &writer)
        }
    }

    /// Checks this RSASSA or RSAPSS signature over `message` (a TPMS_ATTEST's bytes) with the RSA
    /// key `key`: `.authentication("TPM 2.0 signature")` if it does not verify. ECDSA is refused.
    public func verify(_ message: [UInt8], key: TPMTPublic) throws(LoBotError) {
        let sig: TPM2BPublicKeyRSA
        let pss: Bool
        switch signature {
        case .rsassa(let value): (sig, pss) = (value, false)
        case .rsapss(let value): (sig, pss) = (value, true)
        case .ecdsa: throw .invalidArgument("TPMT_SIGNATURE scheme \(sigAlg.rawValue) is not RSASSA or RSAPSS")
        }
        guard let algorithm = hash.digestAlgorithm else {
            throw .invalidArgument("TPMT_SIGNATURE hash \(hash.rawValue) is not a hash LoBot has")
        }
        let rsa = try key.rsaPublicKey()
        let digest = try Digest.hash(algorithm, message)
        let valid = pss
            ? rsa.verifyPSS(signature: sig.buffer, digest: digest, algorithm: algorithm)
            : rsa.verify(signature: sig.buffer, digest: digest, algorithm: algorithm)
        guard sig.buffer.count == rsa.sizeInBytes, valid else { throw .authentication(what: "TPM 2.0 signature") }
    }
}
