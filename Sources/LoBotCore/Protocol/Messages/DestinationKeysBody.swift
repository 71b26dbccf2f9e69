// The destination-keys body (step 4): the destination's answer to open. Destination -> factory.
//
//   LoBot certified key bindKey ("LBCK");  LoBot certified key signingKey ("LBCK");
//   UINT16 size; BYTE aikCertificate[size] (X.509 DER from the factory CA, at most 8192)

/// 4 (destination-keys): the destination's bind and signing keys, each certified by its AIK
/// with the session nonce, and the AIK's certificate from the factory.
public struct DestinationKeysBody: WireStructure, Equatable, Sendable {
    public static var wireName: String { "destination-keys message body" }
    public var bindKey: CertifiedKey
    public var signingKey: CertifiedKey
    public var aikCertificate: [UInt8]

    public init(bindKey: CertifiedKey, signingKey: CertifiedKey, aikCertificate: [UInt8]) {
        self.bindKey = bindKey
        self.signingKey = signingKey
        self.aikCertificate = aikCertificate
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        bindKey = try CertifiedKey.parse(from: &reader)
        signingKey = try CertifiedKey.parse(from: &reader)
        aikCertificate = try reader.readSized(lengthWidth: 2, maximum: 8192, field: "aikCertificate")
    }

    public func serialize(into writer: inout ByteWriter) {
        bindKey.serialize(into: &writer)
        signingKey.serialize(into: &writer)
        writer.writeSized(aikCertificate, lengthWidth: 2)
    }

    /// The seed's step-4 check, by any receiver: the AIK certificate chains to the factory CA,
    /// the AIK certified both keys with this session's nonce, and they are what they claim.
    public func verify(factory: RSAPublicKey, nonce: TPMNonce) throws(LoBotError) -> RSAPublicKey {
        let certificate = try X509Certificate(der: aikCertificate)
        guard certificate.isSigned(by: factory) else { throw .authentication(what: "destination AIK certificate (not signed by the factory CA)") }
        let aik = try certificate.publicKey()
        _ = try bindKey.verify(aik: aik, nonce: nonce)
        _ = try signingKey.verify(aik: aik, nonce: nonce, usage: .signing)
        return try signingKey.key.rsaPublicKey()
    }
}
