// The factory's certificate authority (swift-certificates): a self-signed RSA-2048 root that
// certifies platform AIKs, factory-issued EK certificates and LoBot vTPM keys. The key is kept as
// PKCS#1 DER (mode 0600), which both swift-crypto and LoBotCore's libcrypto layer read, so the
// same root also signs golden-value records and the audit chain.
import Crypto
import Foundation
import LoBotCore
import SwiftASN1
import X509
import _CryptoExtras

package struct CertificateAuthority {
    package let key: _RSA.Signing.PrivateKey
    package let certificate: Certificate

    /// TCG OIDs for what a certificate vouches for (TCG EK Credential Profile, 2.23.133.8.x).
    package enum Role {
        case endorsement, identity, vtpmEndorsement, vtpmIdentity, vtpmStorage

        var extendedKeyUsage: ASN1ObjectIdentifier {
            switch self {
            case .endorsement, .vtpmEndorsement: return [2, 23, 133, 8, 1]  // tcg-kp-EKCertificate
            case .identity, .vtpmIdentity: return [2, 23, 133, 8, 3]  // tcg-kp-AIKCertificate
            case .vtpmStorage: return [1, 3, 6, 1, 4, 1, 55_555, 1, 1]  // LoBot vTPM storage key
            }
        }

        var organizationalUnit: String {
            switch self {
            case .endorsement: return "LoBot platform EK"
            case .identity: return "LoBot platform AIK"
            case .vtpmEndorsement: return "LoBot vTPM EK"
            case .vtpmIdentity: return "LoBot vTPM AIK"
            case .vtpmStorage: return "LoBot vTPM SRK"
            }
        }
    }

    /// A new root named `name`.
    package static func create(name: String) throws(FactoryError) -> CertificateAuthority {
        let key = try crypto("cannot generate the CA key") { try _RSA.Signing.PrivateKey(keySize: .bits2048) }
        return try x509("cannot make the CA certificate") {
            try CertificateAuthority(key: key, certificate: selfSigned(name: name, key: key))
        }
    }

    private static func selfSigned(name: String, key: _RSA.Signing.PrivateKey) throws(any Error) -> Certificate {
        let subject = try DistinguishedName {
            CommonName(name)
            OrganizationName("LoBot factory")
        }
        let now = Date()
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(),
            publicKey: Certificate.PublicKey(key.publicKey),
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(20 * 365 * 86400),
            issuer: subject, subject: subject, signatureAlgorithm: .sha256WithRSAEncryption,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: Certificate.PublicKey(key.publicKey))
            },
            issuerPrivateKey: Certificate.PrivateKey(key))
        return certificate
    }

    package init(key: _RSA.Signing.PrivateKey, certificate: Certificate) {
        self.key = key
        self.certificate = certificate
    }

    package init(keyDER: [UInt8], certificateDER: [UInt8]) throws(FactoryError) {
        key = try crypto("cannot read the CA key") { try _RSA.Signing.PrivateKey(derRepresentation: keyDER) }
        certificate = try x509("cannot read the CA certificate") { try Certificate(derEncoded: certificateDER) }
        guard certificate.publicKey == Certificate.PublicKey(key.publicKey) else {
            throw .refused("the CA key and certificate do not belong together")
        }
    }

    package var keyDER: [UInt8] { [UInt8](key.derRepresentation) }
    package var certificateDER: [UInt8] { get throws(FactoryError) { try certificate.serializeAsDER() } }

    /// The same key in LoBotCore's libcrypto form, for TPM-style signatures.
    package func coreKey() throws(FactoryError) -> RSAPrivateKey {
        var der = keyDER
        defer { wipe(&der) }
        return try factoryCore { () throws(LoBotError) in try RSAPrivateKey(der: der) }
    }

    /// A certificate for the RSA key with `modulus` and `exponent`, owned by `owner`.
    package func issue(owner: String, role: Role, modulus: [UInt8], exponent: [UInt8], years: Double = 10) throws(FactoryError) -> Certificate {
        let publicKey = try crypto("cannot read \(owner)'s RSA key") { try _RSA.Signing.PublicKey(n: modulus, e: exponent) }
        return try x509("cannot issue \(owner)'s \(role.organizationalUnit) certificate") {
            try issue(owner: owner, role: role, publicKey: publicKey, years: years)
        }
    }

    private func issue(owner: String, role: Role, publicKey: _RSA.Signing.PublicKey, years: Double) throws(any Error) -> Certificate {
        let subject = try DistinguishedName {
            CommonName(owner)
            OrganizationalUnitName(role.organizationalUnit)
            OrganizationName("LoBot factory")
        }
        let now = Date()
        return try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(),
            publicKey: Certificate.PublicKey(publicKey),
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(years * 365 * 86400),
            issuer: certificate.subject, subject: subject, signatureAlgorithm: .sha256WithRSAEncryption,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true, keyEncipherment: role == .endorsement || role == .vtpmEndorsement || role == .vtpmStorage))
                try ExtendedKeyUsage([ExtendedKeyUsage.Usage(oid: role.extendedKeyUsage)])
                AuthorityKeyIdentifier(keyIdentifier: SubjectKeyIdentifier(hash: certificate.publicKey).keyIdentifier)
            },
            issuerPrivateKey: Certificate.PrivateKey(key))
    }

    /// Checks a certificate claims to come from this CA: its signature, its validity period, and
    /// that it carries the given role.
    package func check(_ certificate: Certificate, role: Role, what: String) throws(FactoryError) {
        guard certificate.issuer == self.certificate.subject,
            self.certificate.publicKey.isValidSignature(certificate.signature, for: certificate)
        else { throw .refused("\(what) certificate is not signed by this factory's CA") }
        let now = Date()
        guard certificate.notValidBefore <= now, now <= certificate.notValidAfter else {
            throw .refused("\(what) certificate is expired or not yet valid")
        }
        let usages = try x509("\(what) certificate's extended key usage is malformed") { try certificate.extensions.extendedKeyUsage }
        guard usages?.contains(ExtendedKeyUsage.Usage(oid: role.extendedKeyUsage)) == true else {
            throw .refused("\(what) certificate is not a \(role.organizationalUnit) certificate")
        }
    }
}

extension Certificate {
    package func serializeAsDER() throws(FactoryError) -> [UInt8] {
        try x509("cannot encode a certificate") {
            var serializer = DER.Serializer()
            try serializer.serialize(self)
            return serializer.serializedBytes
        }
    }

    /// The subject's RSA modulus and exponent.
    package func rsaComponents() throws(FactoryError) -> (modulus: [UInt8], exponent: [UInt8]) {
        guard let rsa = _RSA.Signing.PublicKey(publicKey) else { throw .invalidInput("certificate does not hold an RSA key") }
        let pkcs1 = [UInt8](rsa.pkcs1DERRepresentation)
        return try x509("certificate's RSA key is malformed") {
            try DER.sequence(try DER.parse(pkcs1), identifier: .sequence) { nodes in
                let n = try ArraySlice<UInt8>(derEncoded: &nodes)
                let e = try ArraySlice<UInt8>(derEncoded: &nodes)
                return (Self.unsigned(n), Self.unsigned(e))
            }
        }
    }

    private static func unsigned(_ integer: ArraySlice<UInt8>) -> [UInt8] {
        Array(integer.drop(while: { $0 == 0 }))
    }

    package var commonName: String? {
        for rdn in subject {
            for attribute in rdn where attribute.type == .RDNAttributeType.commonName {
                return attribute.value.description
            }
        }
        return nil
    }
}
