// Certificates as users hand them to the factory: DER, or PEM as swtpm-localca writes them.
import Foundation
import X509

package enum X509Input {
    package static func certificate(_ bytes: [UInt8]) throws(FactoryError) -> Certificate {
        try x509("not a valid X.509 certificate (DER or PEM)") {
            if let text = String(bytes: bytes, encoding: .utf8), text.contains("-----BEGIN CERTIFICATE-----") {
                return try Certificate(pemEncoded: text)
            }
            return try Certificate(derEncoded: bytes)
        }
    }
}
