// The shapes of the TPM 2.0 keys LoBot makes, in one place: the templates the platform asks its TPM
// to create (TPM2_Create, TPM2_CreatePrimary) and the checks that a public area is shaped as LoBot
// makes that kind, which the platform runs before a key blob reaches the TPM (a tampered blob must
// fail here, never at the TPM) and the factory runs before it certifies or trusts a key. Every key
// is RSA-2048 with a SHA-256 name, fixed to its TPM and parent, generated inside it, with an empty
// authorisation value and noDA (no dictionary-attack counting: LoBot never sends a secret that
// could be guessed).

public enum TPM2KeyKind: Equatable, Sendable {
    /// The attestation key (AK): restricted signing, RSASSA SHA-256; quotes and certifies.
    case attestation
    /// The bind key: unrestricted decryption, RSA-OAEP SHA-256; what LSM's secrets are sealed to.
    case bind
    /// The signing key: unrestricted signing, RSASSA SHA-256; signs digests LoBot chooses.
    case signing
    /// The storage primary (the SRK's role) under the owner hierarchy: the parent of the others.
    case storage

    public var name: String {
        switch self {
        case .attestation: return "attestation key"
        case .bind: return "bind key"
        case .signing: return "signing key"
        case .storage: return "storage key"
        }
    }

    static let common: TPMAObject = [.fixedTPM, .fixedParent, .sensitiveDataOrigin, .userWithAuth, .noDA]

    public var attributes: TPMAObject {
        switch self {
        case .attestation: return Self.common.union([.restricted, .sign])
        case .bind: return Self.common.union([.decrypt])
        case .signing: return Self.common.union([.sign])
        case .storage: return Self.common.union([.restricted, .decrypt])
        }
    }

    public var parameters: TPMSRSAParms {
        switch self {
        case .attestation, .signing:
            return TPMSRSAParms(symmetric: .null, scheme: .scheme(.rsassa, hash: .sha256), keyBits: 2048)
        case .bind:
            return TPMSRSAParms(symmetric: .null, scheme: .scheme(.oaep, hash: .sha256), keyBits: 2048)
        case .storage:
            return TPMSRSAParms(symmetric: .aes(keyBits: 128), scheme: .null, keyBits: 2048)
        }
    }

    /// What LoBot asks the TPM to create: the public area with an empty modulus (a primary's is
    /// all zeros, as the TCG's templates have it, so that every creation gives the same key).
    public var template: TPMTPublic {
        let unique = self == .storage ? [UInt8](repeating: 0, count: 256) : []
        return TPMTPublic(nameAlg: .sha256, objectAttributes: attributes,
                          key: .rsa(parameters: parameters, modulus: TPM2BPublicKeyRSA(unique)))
    }

    /// Refuses a public area not shaped as LoBot makes this kind: any attribute, parameter, policy
    /// or name algorithm other than the template's, or a modulus that is not 2048 bits.
    public func check(_ key: TPMTPublic) throws(LoBotError) {
        guard case .rsa(let parameters, let modulus) = key.key else { throw .invalidArgument("the \(name) is not an RSA key") }
        guard key.nameAlg == .sha256, key.objectAttributes == attributes, key.authPolicy.buffer.isEmpty,
            parameters == self.parameters
        else {
            throw .invalidArgument(
                "the \(name) is not shaped as LoBot makes it (attributes 0x\(Hex.string(UInt(key.objectAttributes.rawValue))), "
                    + "expected 0x\(Hex.string(UInt(attributes.rawValue))); RSA-2048, SHA-256, no policy)")
        }
        guard modulus.buffer.count == 256, modulus.buffer.first != 0 else { throw .invalidArgument("the \(name)'s modulus is not 2048 bits") }
    }
}

/// The endorsement key a factory encrypts credentials to: an RSA-2048 restricted decryption key,
/// fixed to its TPM, with a SHA-256 Name and AES-128 or AES-256 CFB protection (the TCG EK
/// profile's RSA templates; its policy and other details are the manufacturer's, and the factory
/// trusts the key through its certificate, not its template).
public enum TPM2EndorsementKey {
    static let required: TPMAObject = [.fixedTPM, .fixedParent, .sensitiveDataOrigin, .restricted, .decrypt]

    public static func check(_ key: TPMTPublic) throws(LoBotError) {
        guard case .rsa(let parameters, let modulus) = key.key else { throw .invalidArgument("the EK is not an RSA key (LoBot takes RSA EKs)") }
        guard key.objectAttributes.isSuperset(of: required), !key.objectAttributes.contains(.sign) else {
            throw .invalidArgument("the EK is not a restricted decryption key fixed to its TPM")
        }
        guard key.nameAlg == .sha256 else { throw .invalidArgument("the EK's name algorithm is not SHA-256") }
        guard parameters.symmetric.algorithm == .aes, parameters.symmetric.mode == .cfb,
            parameters.symmetric.keyBits == 128 || parameters.symmetric.keyBits == 256
        else { throw .invalidArgument("the EK does not protect with AES-CFB") }
        guard parameters.keyBits == 2048, modulus.buffer.count == 256 else { throw .invalidArgument("the EK is not RSA-2048") }
    }
}
