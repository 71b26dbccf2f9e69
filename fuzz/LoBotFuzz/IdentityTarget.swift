// The TPM 1.2 privacy-CA exchange as the factory reads a platform's request and a platform reads
// the factory's answer, and AIK public keys in any of the forms they arrive in.
import LoBotCore

enum IdentityTarget {
    static let count = 8

    static func run(_ bytes: [UInt8]) {
        guard let input = Selected(bytes, count: count) else { return }
        let data = input.rest
        switch input.index {
        case 0: roundTrip(IdentityRequest.self, data)
        case 1: roundTrip(SymmetricKey.self, data)
        case 2:
            if let proof = roundTrip(IdentityProof.self, data) {
                _ = String(validating: proof.label, as: UTF8.self)
                roundTrip(IdentityContents.self, IdentityContents(labelPrivCADigest: .zero, identityPubKey: proof.identityKey).bytes)
            }
        case 3: roundTrip(IdentityContents.self, data)
        case 4: roundTrip(AsymCAContents.self, data)
        case 5: roundTrip(SymCAAttestation.self, data)
        case 6:
            if let answer = roundTrip(EnrollmentAnswer.self, data) { roundTrip(SymCAAttestation.self, answer.symmetric) }
        default: aikPublicKey(data)
        }
    }

    /// TSS DER, TPM_KEY(12) or TPM_PUBKEY: the key read must be the key the bytes hold.
    static func aikPublicKey(_ data: [UInt8]) {
        guard let key = attempt("AIK public key", { () throws(LoBotError) in try AIKPublicKey.read(data) }) else { return }
        checkSerialization(key, accepted: nil)
        if data.first == 0x30 {
            guard let der = attempt("TSS DER", { () throws(LoBotError) in try TSSPublicKeyFile.parse(data) }), der == key else {
                violation("TSS DER public key: read twice, two keys")
            }
            // The blob is the file's tail, byte for byte.
            guard data.count >= key.bytes.count, Array(data.suffix(key.bytes.count)) == key.bytes else {
                violation("TSS DER public key: the TPM_PUBKEY is not the file's OCTET STRING")
            }
        }
        TPM12Target.rsaKey(key)
    }
}
