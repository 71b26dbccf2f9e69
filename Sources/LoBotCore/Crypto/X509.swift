// Reading X.509 certificates in the agent, where swift-certificates is not available (Embedded
// Swift): the factory's certificates for AIKs, EKs and keys are checked here with libcrypto:
// strict DER, signature by the expected issuer key, validity period, subject common name.
import CLibCrypto

public final class X509Certificate {
    let certificate: OpaquePointer
    public let der: [UInt8]

    public init(der: [UInt8]) throws(LoBotError) {
        guard der.count <= 16 << 10 else { throw .invalidArgument("certificate larger than 16 KiB") }
        certificate = try OpenSSL.decodeDER(der, what: "an X.509 certificate", free: { X509_free($0) }) { pointer, length in
            d2i_X509(nil, &pointer, length)
        }
        self.der = der
    }

    deinit { X509_free(certificate) }

    /// The subject's RSA public key.
    public func publicKey() throws(LoBotError) -> RSAPublicKey {
        guard let key = X509_get0_pubkey(certificate), EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA else {
            throw .invalidArgument("certificate does not hold an RSA key")
        }
        EVP_PKEY_up_ref(key)
        return RSAPublicKey(owning: key)
    }

    /// True when `issuer` signed this certificate.
    public func isSigned(by issuer: RSAPublicKey) -> Bool {
        defer { ERR_clear_error() }
        return X509_verify(certificate, issuer.key) == 1
    }

    /// True when now lies within notBefore ... notAfter.
    public var isCurrentlyValid: Bool {
        guard let notBefore = X509_get0_notBefore(certificate), let notAfter = X509_get0_notAfter(certificate) else { return false }
        return X509_cmp_current_time(notBefore) < 0 && X509_cmp_current_time(notAfter) > 0
    }

    /// The subject's common name, if there is one.
    public var commonName: String? {
        guard let name = X509_get_subject_name(certificate) else { return nil }
        var buffer = [CChar](repeating: 0, count: 256)
        let length = X509_NAME_get_text_by_NID(name, NID_commonName, &buffer, Int32(buffer.count))
        guard length > 0 else { return nil }
        return String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Checks that `issuer` signed the certificate, it is valid now, and it holds `key` if given.
    public func verify(issuer: RSAPublicKey, subjectKey modulus: [UInt8]? = nil, what: String) throws(LoBotError) {
        guard isSigned(by: issuer) else { throw .authentication(what: "\(what) certificate (not signed by the factory CA)") }
        guard isCurrentlyValid else { throw .authentication(what: "\(what) certificate (expired or not yet valid)") }
        if let modulus {
            guard try publicKey().modulus == modulus else {
                throw .authentication(what: "\(what) certificate (it certifies another key)")
            }
        }
    }
}
