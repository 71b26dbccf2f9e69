// The TPM 1.2 structures LoBot reads from a TPM, a key file or a message, each by a selector
// byte, with what the project then does with one: PCR indices, composite hashes, RSA keys from
// TPM_PUBKEY, the certify info inside a certified key.
import LoBotCore

enum TPM12Target {
    static let count = 15

    static func run(_ bytes: [UInt8]) {
        guard let input = Selected(bytes, count: count) else { return }
        let data = input.rest
        switch input.index {
        case 0: roundTrip(QuoteInfo.self, data)
        case 1: roundTrip(QuoteInfo2.self, data)
        case 2:
            if let composite = roundTrip(PCRComposite.self, data) {
                _ = attempt("composite hash") { () throws(LoBotError) in try composite.compositeHash() }
                for index in 0..<TPMLimits.pcrCount { _ = composite.value(of: index) }
            }
        case 3:
            if let selection = roundTrip(PCRSelection.self, data) {
                guard let again = attempt("PCR selection", { () throws(LoBotError) in
                    try PCRSelection(selection.indices, byteCount: max(1, selection.mask.count))
                }) else { return }
                // Empty masks have no byte count of their own; every other mask is its indices.
                guard selection.mask.isEmpty || again == selection else { violation("PCR selection: indices do not rebuild the mask") }
            }
        case 4: roundTrip(PCRInfoLong.self, data)
        case 5: roundTrip(PCRInfoShort.self, data)
        case 6:
            if let blob = roundTrip(KeyBlob.self, data) { rsaKey(blob.publicKey) }
        case 7:
            if let parms = roundTrip(KeyParms.self, data) { _ = attempt("rsa parms") { () throws(LoBotError) in try parms.rsaParms() } }
        case 8:
            if let parms = roundTrip(RSAKeyParms.self, data) { _ = parms.effectiveExponent }
        case 9:
            if let key = roundTrip(PubKey.self, data) { rsaKey(key) }
        case 10: roundTrip(BoundData.self, data)
        case 11: roundTrip(CertifyInfo.self, data)
        case 12:
            if let certified = roundTrip(CertifiedKey.self, data) {
                let nonce = TPMNonce(unchecked: [UInt8](repeating: 0, count: 20))
                _ = attempt("certified key") { () throws(LoBotError) in try certified.verify(aik: Fixtures.signer, nonce: nonce) }
                rsaKey(certified.key)
            }
        case 13: roundTrip(StructVersion.self, data)
        default:
            roundTrip(SHA1Digest.self, data)
            roundTrip(TPMNonce.self, data)
        }
    }

    /// A TPM_PUBKEY as LoBot uses one: an OpenSSL RSA key, whose modulus must be the one given.
    static func rsaKey(_ key: PubKey) {
        guard let rsa = attempt("RSA key", { () throws(LoBotError) in try key.rsaPublicKey() }) else { return }
        guard rsa.modulus == key.modulus else {
            violation("TPM_PUBKEY: OpenSSL key has another modulus (\(rsa.modulus.count) bytes, \(key.modulus.count) given, exponent \(Hex.string(rsa.exponent)))")
        }
        let roundTripped = PubKey.rsa(rsa, encScheme: key.algorithmParms.encScheme, sigScheme: key.algorithmParms.sigScheme)
        guard roundTripped.modulus == key.modulus else { violation("TPM_PUBKEY: rebuilt key has another modulus") }
    }
}
