// The factory as a TPM 1.2 privacy CA: it opens a platform's TPM_IDENTITY_REQ, checks that the
// AIK inside was made by a TPM whose EK the factory trusts, certifies the AIK, and answers so
// that only that TPM can recover the certificate (TPM_ActivateIdentity). Formats as TrouSerS
// 0.3.15 writes and reads them:
//   - asymBlob: RSA-OAEP (SHA-1, MGF1, empty label) of TPM_SYMMETRIC_KEY to the privacy-CA key;
//   - symBlob: IV || AES-128-CBC-PKCS#7 of TPM_IDENTITY_PROOF;
//   - identityBinding: the AIK's PKCS#1 SHA-1 signature over TPM_IDENTITY_CONTENTS, whose
//     labelPrivCADigest is SHA-1(label || the privacy-CA TPM_PUBKEY);
//   - answer: TPM_ASYM_CA_CONTENTS under RSA-OAEP "TCPA" to the EK (idDigest = SHA-1 of the AIK
//     TPM_PUBKEY), and TPM_SYM_CA_ATTESTATION holding IV || AES-128-CBC of the certificate.
import Foundation
import GRDB
import LoBotCore
import X509

extension Factory {
    package struct Enrollment {
        package let platform: String
        /// The answer's bytes: TPM_ASYM_CA_CONTENTS and TPM_SYM_CA_ATTESTATION (TPM 1.2) or a
        /// TPM2EnrollmentAnswer (TPM 2.0).
        package let answer: [UInt8]
        package let certificate: [UInt8]
    }

    /// TPM_ES_SYM_CBC_PKCS5PAD: the session key's scheme, which TrouSerS decrypts with.
    package static let cbcPKCS5: UInt16 = 0x00ff

    /// Enrolls the platform whose request `bytes` is: a TPM 2.0 one (TPM2IdentityRequest, by its
    /// magic) or TrouSerS' TPM_IDENTITY_REQ.
    package func enroll(request bytes: [UInt8]) throws(FactoryError) -> Enrollment {
        if bytes.starts(with: TPM2IdentityRequest.magic) { return try enrollTPM2(request: bytes) }
        // Opening the request touches no state; a refusal here is still logged below.
        var result: Enrollment? = nil
        let opened = Result { () throws(FactoryError) in try openIdentityRequest(bytes) }
        let subject = (try? opened.get().platform) ?? "(unreadable request)"
        try decide(action: "enroll", subject: subject) { (db) throws(FactoryError) in
            let (platform, proof) = try opened.get()
            let ek = try checkEndorsement(proof.endorsementCredential, platform: platform, in: db)
            guard try database.owner(platform, in: db)?.state != "revoked" else { throw .revoked("platform \(platform)") }
            let aikParms = try factoryCore { () throws(LoBotError) in try proof.identityKey.algorithmParms.rsaParms() }
            guard aikParms.keyLength == 2048, proof.identityKey.algorithmParms.sigScheme == .rsaPKCS1v15SHA1 else {
                throw .invalidInput("AIK is not an RSA-2048 PKCS#1 SHA-1 signing key")
            }
            let aikFingerprint = try database.recordKey(
                modulus: proof.identityKey.modulus, owner: platform, kind: .platform, purpose: .identity,
                publicKey: proof.identityKey.bytes, in: db)
            let certificate = try ca.issue(owner: platform, role: .identity, modulus: proof.identityKey.modulus,
                                           exponent: aikParms.effectiveExponent)
            let der = try certificate.serializeAsDER()
            guard der.count <= 4000 else { throw .invalidInput("AIK certificate too large for TrouSerS (4096-byte limit)") }
            try database.recordCertificate(der: der, serial: Array(certificate.serialNumber.bytes), keyFingerprint: aikFingerprint,
                                           owner: platform, purpose: .identity, in: db)
            let answer = try factoryCore { () throws(LoBotError) in
                var sessionKey = try SecureRandom.bytes(16)
                defer { wipe(&sessionKey) }
                let contents = AsymCAContents(
                    sessionKey: SymmetricKey(algorithm: .aes128, encScheme: Self.cbcPKCS5, data: sessionKey),
                    idDigest: try SHA1Digest.of(proof.identityKey.bytes))
                let asymmetric = try ek.encryptOAEP(contents.bytes, label: tcpaOAEPLabel)
                let attestation = SymCAAttestation(
                    algorithm: KeyParms(algorithmID: .aes128, encScheme: EncryptionScheme(rawValue: Self.cbcPKCS5), sigScheme: .none, parms: []),
                    credential: try AESCBC.encrypt(der, key: sessionKey))
                return EnrollmentAnswer(asymmetric: asymmetric, symmetric: attestation.bytes).bytes
            }
            result = Enrollment(platform: platform, answer: answer, certificate: der)
            return "AIK \(Hex.string(Array(aikFingerprint.prefix(8)))) certified"
        }
        guard let result else { throw .notFound("enrollment produced no answer") }
        return result
    }

    /// Decrypts and parses a request, and checks the AIK's binding signature over the label and
    /// this CA's key. Returns the platform's name (the label) and the proof.
    package func openIdentityRequest(_ bytes: [UInt8]) throws(FactoryError) -> (platform: String, proof: IdentityProof) {
        try factoryCore { () throws(LoBotError) in
            let request = try IdentityRequest(bytes: bytes)
            guard request.asymAlgorithm == privacyCAPublic.algorithmParms else {
                throw LoBotError.invalidArgument("identity request is not for this factory's privacy CA")
            }
            guard request.symAlgorithm.algorithmID == .aes128 else {
                throw LoBotError.invalidArgument("identity request uses symmetric algorithm \(request.symAlgorithm.algorithmID.rawValue); only AES-128 is accepted")
            }
            var keyBytes = try privacyCAKey.decryptOAEP(request.asymBlob, label: [], what: "identity request")
            defer { wipe(&keyBytes) }
            let sessionKey = try SymmetricKey(bytes: keyBytes)
            guard sessionKey.algorithm == .aes128, sessionKey.data.count == 16 else {
                throw LoBotError.invalidArgument("identity request session key is not AES-128")
            }
            let proof = try IdentityProof(bytes: try AESCBC.decrypt(request.symBlob, key: sessionKey.data, what: "identity proof"))
            guard let platform = String(validating: proof.label, as: UTF8.self), Self.isValidName(platform) else {
                throw LoBotError.invalidArgument("identity request label is not a platform name (letters, digits, . _ -)")
            }
            let contents = IdentityContents(
                labelPrivCADigest: try SHA1Digest.of(proof.label + privacyCAPublic.bytes), identityPubKey: proof.identityKey)
            let aik = try proof.identityKey.rsaPublicKey()
            guard aik.verify(signature: proof.identityBinding, digest: try Digest.sha1(contents.bytes), algorithm: .sha1) else {
                throw LoBotError.authentication(what: "identity binding")
            }
            return (platform, proof)
        }
    }

    /// Accepts an EK certificate issued by this factory for `platform` (its key recorded as that
    /// platform's EK) or by a trusted manufacturer issuer (its key then recorded, once, for
    /// `platform`). Returns the EK public key to encrypt the answer to.
    package func checkEndorsement(_ der: [UInt8], platform: String, in db: Database) throws(FactoryError) -> RSAPublicKey {
        guard !der.isEmpty else { throw .invalidInput("identity request carries no EK certificate") }
        let certificate = try x509("EK certificate is not valid X.509") { try Certificate(derEncoded: der) }
        let (modulus, exponent) = try certificate.rsaComponents()
        let fingerprint = try KeyDatabase.fingerprint(modulus: modulus)
        if certificate.issuer == ca.certificate.subject {
            try ca.check(certificate, role: .endorsement, what: "EK")
            guard certificate.commonName == platform else { throw .refused("EK certificate was issued to \(certificate.commonName ?? "?"), not \(platform)") }
            guard let record = try KeyDatabase.key(fingerprint, in: db), record.owner == platform, record.purpose == KeyDatabase.Purpose.endorsement.rawValue else {
                throw .refused("EK certificate names a key the factory never recorded for \(platform)")
            }
            guard record.state == "active" else { throw .revoked("\(platform)'s EK") }
        } else {
            let issuers = try trustedEKIssuers()
            guard issuers.contains(where: { $0.subject == certificate.issuer && $0.publicKey.isValidSignature(certificate.signature, for: certificate) }) else {
                throw .refused("EK certificate is not signed by this factory or a trusted EK issuer")
            }
            if let record = try KeyDatabase.key(fingerprint, in: db) {
                guard record.owner == platform, record.purpose == KeyDatabase.Purpose.endorsement.rawValue else {
                    throw .keyReuse(what: "EK", owner: record.owner, purpose: record.purpose)
                }
                guard record.state == "active" else { throw .revoked("\(platform)'s EK") }
            } else {
                _ = try database.recordKey(modulus: modulus, owner: platform, kind: .platform, purpose: .endorsement,
                                           publicKey: nil, in: db)
            }
        }
        return try factoryCore { () throws(LoBotError) in try RSAPublicKey(modulus: modulus, exponent: exponent) }
    }

    /// Names of platforms, LoBots and domains: LoBotCore's one rule (1-64 ASCII letters, digits, '.', '_', '-').
    package static func isValidName(_ name: String) -> Bool { PartyName.isValid(name) }
}
