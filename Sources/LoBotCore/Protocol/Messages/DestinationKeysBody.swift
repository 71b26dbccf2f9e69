// The destination-keys body (step 4): the destination's answer to open. Destination -> factory.
// Its first key's magic says which TPM the destination has.
//
//   TPM 1.2:  LoBot certified key bindKey ("LBCK");  LoBot certified key signingKey ("LBCK");
//             UINT16 size; BYTE aikCertificate[size] (X.509 DER from the factory CA, at most 8192)
//   TPM 2.0:  LoBot TPM 2.0 certified key bindKey ("LB2K");  LoBot TPM 2.0 certified key signingKey ("LB2K");
//             TPM2B_PUBLIC ak (the AK's public area, which the certificate's key must be);
//             UINT16 size; BYTE aikCertificate[size] (X.509 DER from the factory CA, at most 8192)

/// A destination's bind and signing keys with their certifications by its AIK (TPM 1.2:
/// TPM_CertifyKey) or AK (TPM 2.0: TPM2_Certify).
public enum CertifiedPlatformKeys: Equatable, Sendable {
    case tpm12(bind: CertifiedKey, signing: CertifiedKey)
    case tpm20(bind: TPM2CertifiedKey, signing: TPM2CertifiedKey, ak: TPMTPublic)

    public var bindKey: PlatformPublicKey {
        switch self {
        case .tpm12(let bind, _): return .tpm12(bind.key)
        case .tpm20(let bind, _, _): return .tpm20(bind.key.publicArea)
        }
    }

    public var signingKey: PlatformPublicKey {
        switch self {
        case .tpm12(_, let signing): return .tpm12(signing.key)
        case .tpm20(_, let signing, _): return .tpm20(signing.key.publicArea)
        }
    }

    public var family: TPMFamily { bindKey.family }
}

/// 4 (destination-keys): the destination's bind and signing keys, each certified by its AIK
/// with the session nonce, and the AIK's certificate from the factory.
public struct DestinationKeysBody: WireStructure, Equatable, Sendable {
    public static var wireName: String { "destination-keys message body" }
    public var keys: CertifiedPlatformKeys
    public var aikCertificate: [UInt8]

    public init(keys: CertifiedPlatformKeys, aikCertificate: [UInt8]) {
        self.keys = keys
        self.aikCertificate = aikCertificate
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        if try reader.startsWith(TPM2CertifiedKey.magic) {
            let bind = try TPM2CertifiedKey.parse(from: &reader)
            let signing = try TPM2CertifiedKey.parse(from: &reader)
            keys = .tpm20(bind: bind, signing: signing, ak: try TPM2BPublic.parse(from: &reader).publicArea)
        } else {
            keys = .tpm12(bind: try CertifiedKey.parse(from: &reader), signing: try CertifiedKey.parse(from: &reader))
        }
        aikCertificate = try reader.readSized(lengthWidth: 2, maximum: 8192, field: "aikCertificate")
    }

    public func serialize(into writer: inout ByteWriter) {
        switch keys {
        case .tpm12(let bind, let signing):
            bind.serialize(into: &writer)
            signing.serialize(into: &writer)
        case .tpm20(let bind, let signing, let ak):
            bind.serialize(into: &writer)
            signing.serialize(into: &writer)
            TPM2BPublic(ak).serialize(into: &writer)
        }
        writer.writeSized(aikCertificate, lengthWidth: 2)
    }

    /// The seed's step-4 check, by any receiver: the AIK certificate chains to the factory CA,
    /// the AIK certified both keys with this session's nonce, and they are what they claim.
    /// Returns the certificate's AIK (the key a receiver compares with the one it enrolled).
    @discardableResult
    public func verify(factory: RSAPublicKey, nonce: TPMNonce) throws(LoBotError) -> RSAPublicKey {
        let certificate = try X509Certificate(der: aikCertificate)
        guard certificate.isSigned(by: factory) else { throw .authentication(what: "destination AIK certificate (not signed by the factory CA)") }
        let aik = try certificate.publicKey()
        switch keys {
        case .tpm12(let bind, let signing):
            _ = try bind.verify(aik: aik, nonce: nonce)
            _ = try signing.verify(aik: aik, nonce: nonce, usage: .signing)
        case .tpm20(let bind, let signing, let ak):
            guard try ak.rsaPublicKey().modulus == aik.modulus else {
                throw .authentication(what: "destination AK (not the key its certificate names)")
            }
            _ = try bind.verify(ak: ak, nonce: nonce.value, kind: .bind)
            _ = try signing.verify(ak: ak, nonce: nonce.value, kind: .signing)
        }
        return aik
    }
}
