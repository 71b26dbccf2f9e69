// Certificates as the two sides read them: the factory through swift-certificates (DER or PEM,
// X509Input; the RSA key, common name, extended key usage and the CA's check), the agent through
// libcrypto (LoBotCore's X509Certificate: strict DER, key, name, validity, issuer signature).
import FactoryKit
import Foundation
import LoBotCore
import X509

enum CertificateTarget {
    static func run(_ bytes: [UInt8]) {
        factory(bytes)
        agent(bytes)
    }

    static func factory(_ bytes: [UInt8]) {
        guard let certificate = try? X509Input.certificate(bytes) else { return }
        let der: [UInt8]
        do { der = try certificate.serializeAsDER() } catch { violation("certificate: accepted but not serializable: \(error)") }
        let isPEM = bytes.first != 0x30
        if !isPEM, der != bytes { violation("certificate: accepted DER serializes to other bytes") }
        guard let again = try? Certificate(derEncoded: der), again == certificate else {
            violation("certificate: its own DER reads back as another certificate")
        }
        _ = try? certificate.rsaComponents()
        _ = certificate.commonName
        _ = try? certificate.extensions.extendedKeyUsage
        _ = try? Fixtures.authority.check(certificate, role: .identity, what: "fuzzed")
    }

    static func agent(_ bytes: [UInt8]) {
        guard let certificate = attempt("X.509", { () throws(LoBotError) in try X509Certificate(der: bytes) }) else { return }
        _ = attempt("certificate key") { () throws(LoBotError) in try certificate.publicKey() }
        _ = certificate.commonName
        _ = certificate.isCurrentlyValid
        guard !certificate.isSigned(by: Fixtures.signer) else { violation("certificate: signed by a key made in this process") }
    }
}
