// TPM2_MakeCredential in software, as a privacy CA (the factory) runs it for an AK, and its
// inverse for a verifier holding a software RSA key: credential protection (TPM 2.0 Part 1, 24;
// Part 3, 12.6) for an RSA protector key such as the TCG default EK (RSA-2048, nameAlg SHA-256,
// AES-128-CFB). The TPM alone can open what `make` produces for a real EK, and only if the object
// named is loaded in it; `activate` serves tests and a verifier's own software keys.
//
//   seed         = random, nameAlg's digest length
//   secret       = RSA-OAEP(protector, seed), OAEP and MGF1 hash = nameAlg, label "IDENTITY\0"
//   symKey       = KDFa(nameAlg, seed, "STORAGE", name, [], symmetric key bits)
//   encIdentity  = AES-CFB(symKey, IV = 0, TPM2B_DIGEST(credential))    /* size field included */
//   HMACkey      = KDFa(nameAlg, seed, "INTEGRITY", [], [], nameAlg digest bits)
//   integrityHMAC = HMAC-nameAlg(HMACkey, encIdentity || name)
//
// `name` is the Name of the object the credential is for (nameAlg || H(TPMT_PUBLIC)), including
// its algorithm identifier. A credential is at most nameAlg's digest length, as the TPM requires.

public enum TPM2Credential {
    /// The OAEP label of the encrypted seed: "IDENTITY" with its terminating zero.
    public static let oaepLabel: [UInt8] = Array("IDENTITY".utf8) + [0]

    /// TPM2_MakeCredential: `credential` for the object named `objectName`, protected by the RSA
    /// key `protector` (an EK's public area). The result is what tpm2-tools writes to a file:
    /// `credentialBlob` (TPM2B_ID_OBJECT) and `secret` (TPM2B_ENCRYPTED_SECRET).
    public static func make(
        credential: [UInt8], objectName: [UInt8], protector: TPMTPublic
    ) throws(LoBotError) -> TPM2CredentialFile {
        let parameters = try Parameters(protector)
        var seed = try SecureRandom.bytes(parameters.hash.length)
        defer { wipe(&seed) }
        let secret = try parameters.publicKey.encryptOAEP(seed, label: oaepLabel, hash: parameters.hash)
        let blob = try protect(credential: credential, objectName: objectName, seed: seed, parameters: parameters)
        return TPM2CredentialFile(credentialBlob: blob, secret: secret)
    }

    /// TPM2_ActivateCredential with a software private key: the credential in `credentialBlob` for
    /// `objectName`, after the seed in `secret` is recovered with `privateKey` (which must be the
    /// key of `protector`) and the integrity HMAC is checked (in constant time) before anything is
    /// decrypted. Altered, truncated or foreign input is refused with `.authentication`.
    /// The result is the secret credential: the caller wipes it (`wipe(&credential)`) when done.
    public static func activate(
        credentialBlob: TPM2BIDObject, secret: TPM2BEncryptedSecret, objectName: [UInt8],
        protector: TPMTPublic, privateKey: RSAPrivateKey
    ) throws(LoBotError) -> [UInt8] {
        let parameters = try Parameters(protector)
        guard privateKey.modulus == parameters.modulus else {
            throw .invalidArgument("the RSA private key is not the protector key's")
        }
        try checkName(objectName)
        var seed = try privateKey.decryptOAEP(secret.buffer, label: oaepLabel, hash: parameters.hash, what: what)
        defer { wipe(&seed) }
        guard seed.count == parameters.hash.length else { throw .authentication(what: what) }

        var hmacKey = try TPM2KDF.kdfa(
            parameters.hash, key: seed, label: "INTEGRITY", contextU: [], contextV: [], bits: parameters.hash.length * 8
        )
        defer { wipe(&hmacKey) }
        let expected = try HMAC.authenticate(
            credentialBlob.encIdentity + objectName, key: hmacKey, algorithm: parameters.hash)
        guard constantTimeEqual(expected, credentialBlob.integrityHMAC.buffer) else {
            throw .authentication(what: what)
        }

        var symKey = try TPM2KDF.kdfa(
            parameters.hash, key: seed, label: "STORAGE", contextU: objectName, contextV: [],
            bits: parameters.symmetricKeyBits)
        defer { wipe(&symKey) }
        var plain = try AESCFB.decrypt(credentialBlob.encIdentity, key: symKey, iv: zeroIV)
        defer { wipe(&plain) }
        // TPM2B_DIGEST: UINT16 size, then exactly that many bytes, at most the digest length.
        guard plain.count >= 2 else { throw .authentication(what: what) }
        let size = Int(plain[0]) << 8 | Int(plain[1])
        guard size == plain.count - 2, size <= parameters.hash.length else { throw .authentication(what: what) }
        return Array(plain[2...])
    }

    /// The credential blob for a seed already chosen: the part of `make` after the seed is
    /// encrypted (separate so that tests can fix the seed).
    static func protect(
        credential: [UInt8], objectName: [UInt8], seed: [UInt8], parameters: Parameters
    ) throws(LoBotError) -> TPM2BIDObject {
        guard !credential.isEmpty, credential.count <= parameters.hash.length else {
            throw .invalidArgument(
                "a credential must be 1 to \(parameters.hash.length) bytes for \(parameters.hash.name), not \(credential.count)"
            )
        }
        try checkName(objectName)
        var plain = [UInt8(credential.count >> 8), UInt8(credential.count & 0xff)] + credential
        defer { wipe(&plain) }
        var symKey = try TPM2KDF.kdfa(
            parameters.hash, key: seed, label: "STORAGE", contextU: objectName, contextV: [],
            bits: parameters.symmetricKeyBits)
        defer { wipe(&symKey) }
        let encIdentity = try AESCFB.encrypt(plain, key: symKey, iv: zeroIV)
        var hmacKey = try TPM2KDF.kdfa(
            parameters.hash, key: seed, label: "INTEGRITY", contextU: [], contextV: [], bits: parameters.hash.length * 8
        )
        defer { wipe(&hmacKey) }
        let integrity = try HMAC.authenticate(encIdentity + objectName, key: hmacKey, algorithm: parameters.hash)
        return TPM2BIDObject(integrityHMAC: integrity, encIdentity: encIdentity)
    }

    /// What credential protection takes from the protector's public area.
    struct Parameters {
        var hash: DigestAlgorithm
        var symmetricKeyBits: Int
        var modulus: [UInt8]
        var publicKey: RSAPublicKey

        init(_ protector: TPMTPublic) throws(LoBotError) {
            guard case .rsa(let rsa, let modulus) = protector.key else {
                throw .invalidArgument("credential protection is implemented for RSA protector keys only")
            }
            guard let hash = protector.nameAlg.digestAlgorithm else {
                throw .invalidArgument("the protector's nameAlg \(protector.nameAlg.rawValue) is not a hash LoBot has")
            }
            let symmetric = rsa.symmetric
            guard symmetric.algorithm == .aes, symmetric.mode == .cfb, let bits = symmetric.keyBits,
                bits == 128 || bits == 192 || bits == 256
            else {
                throw .invalidArgument(
                    "the protector key's symmetric algorithm is not AES-CFB (it is not a parent key)")
            }
            self.hash = hash
            self.symmetricKeyBits = Int(bits)
            self.modulus = modulus.buffer
            self.publicKey = try protector.rsaPublicKey()
        }
    }

    private static let what = "TPM 2.0 credential"
    private static let zeroIV = [UInt8](repeating: 0, count: AESCFB.blockLength)

    /// A Name of a hash-named object: a known TPM_ALG_ID, then that hash's digest.
    private static func checkName(_ name: [UInt8]) throws(LoBotError) {
        guard name.count >= 2, let hash = DigestAlgorithm(tpmAlgorithmID: UInt16(name[0]) << 8 | UInt16(name[1])),
            name.count == 2 + hash.length
        else {
            throw .invalidArgument(
                "an object Name is a hash algorithm identifier and its digest (\(name.count) bytes given)")
        }
    }

    /// Equal contents, compared without an early exit (the time does not tell where they differ).
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in 0..<a.count { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
