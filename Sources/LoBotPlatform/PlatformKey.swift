// The three keys LoBot makes in a platform's TPM (the AIK, the bind key, the signing key) and the
// public shape each is made with: RSA-2048 with the default exponent, not migratable, no PCR
// binding, asking for its usage secret, and the usage and schemes of its job. A blob that is not
// so shaped was changed after LoBot made it, and is refused before it reaches the TPM.
import LoBotCore

public enum PlatformKey: Sendable {
    case aik
    case bind
    case signing

    var name: String {
        switch self {
        case .aik: return "AIK"
        case .bind: return "bind key"
        case .signing: return "signing key"
        }
    }

    var usage: KeyUsage {
        switch self {
        case .aik: return .identity
        case .bind: return .bind
        case .signing: return .signing
        }
    }

    var parms: KeyParms {
        switch self {
        case .aik: return .rsa2048(encScheme: .none, sigScheme: .rsaPKCS1v15SHA1)
        case .bind: return .rsa2048(encScheme: .rsaOAEPSHA1, sigScheme: .none)
        case .signing: return .rsa2048(encScheme: .none, sigScheme: .rsaPKCS1v15DER)
        }
    }

    func check(_ key: KeyBlob) throws(LoBotError) {
        var wrong: [String] = []
        if key.keyUsage != usage { wrong.append("keyUsage") }
        if key.keyFlags != 0 { wrong.append("keyFlags") }
        if key.authDataUsage != KeyBlob.authAlways { wrong.append("authDataUsage") }
        if key.algorithmParms != parms { wrong.append("algorithmParms") }
        if !key.pcrInfo.isEmpty { wrong.append("PCRInfo") }
        if key.modulus.count != 256 { wrong.append("modulus") }
        guard wrong.isEmpty else {
            throw .tpmRule("the \(name) is not shaped as LoBot makes it (\(wrong.joined(separator: ", "))): it was changed")
        }
    }
}
