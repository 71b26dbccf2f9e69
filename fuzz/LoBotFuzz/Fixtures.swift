// Keys the targets check fuzzed signatures and certificates against, made once per process, and
// the fixed key fuzzed streams are opened with (the seed streams are sealed under it).
import FactoryKit
import LoBotCore

enum Fixtures {
    /// The key LoBot streams in the corpus are sealed under: a fixed, public test key, so an
    /// accepted stream the corpus did not contain would be a forgery.
    static let streamKey: [UInt8] = Array(0..<32)
    /// The name the fuzzed streams are sealed and opened under (the additional data of each chunk).
    static let streamName = "memory.lbst"
    nonisolated(unsafe) static var signer: RSAPublicKey! = nil
    nonisolated(unsafe) static var authority: CertificateAuthority! = nil

    static func prepare() {
        do {
            signer = try RSAPrivateKey.generate().publicKey()
            authority = try CertificateAuthority.create(name: "LoBot Fuzz CA")
        } catch {
            violation("cannot make the fixture keys: \(error)")
        }
    }
}
