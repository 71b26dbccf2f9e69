// The factory as a privacy CA for TPM 2.0 platforms: it reads a platform's TPM2IdentityRequest,
// trusts the EK through its certificate (the same issuers and records as for TPM 1.2), checks that
// the EK is a restricted decryption key whose modulus is the certificate's and that the AK is
// shaped as LoBot makes attestation keys (restricted signing, fixed to the TPM, generated inside it),
// certifies the AK, and answers with TPM2_MakeCredential for the AK's Name under the EK: only that
// TPM, with that AK loaded, releases the credential that opens the certificate.
import GRDB
import LoBotCore

extension Factory {
    package func enrollTPM2(request bytes: [UInt8]) throws(FactoryError) -> Enrollment {
        var result: Enrollment? = nil
        let parsed = Result { () throws(FactoryError) in try factoryCore { () throws(LoBotError) in try TPM2IdentityRequest(bytes: bytes) } }
        let subject = (try? parsed.get()).flatMap { String(validating: $0.label, as: UTF8.self) } ?? "(unreadable request)"
        try decide(action: "enroll", subject: subject) { (db) throws(FactoryError) in
            let request = try parsed.get()
            guard let platform = String(validating: request.label, as: UTF8.self), Self.isValidName(platform) else {
                throw .invalidInput("identity request label is not a platform name (letters, digits, . _ -)")
            }
            let ekPublic = request.endorsementKey.publicArea
            let akPublic = request.attestationKey.publicArea
            let ek = try checkEndorsement(request.endorsementCertificate, platform: platform, in: db)
            let akName = try factoryCore { () throws(LoBotError) -> [UInt8] in
                try TPM2EndorsementKey.check(ekPublic)
                guard try ekPublic.rsaPublicKey().modulus == ek.modulus else {
                    throw LoBotError.invalidArgument("the EK in the request is not the key its certificate certifies")
                }
                try TPM2KeyKind.attestation.check(akPublic)
                return try akPublic.name()
            }
            guard try database.owner(platform, in: db)?.state != "revoked" else { throw .revoked("platform \(platform)") }
            let ak = try factoryCore { () throws(LoBotError) in try akPublic.rsaPublicKey() }
            let akFingerprint = try database.recordKey(
                modulus: ak.modulus, owner: platform, kind: .platform, purpose: .identity,
                publicKey: request.attestationKey.bytes, in: db)
            let certificate = try ca.issue(owner: platform, role: .identity, modulus: ak.modulus, exponent: ak.exponent)
            let der = try certificate.serializeAsDER()
            try database.recordCertificate(der: der, serial: Array(certificate.serialNumber.bytes), keyFingerprint: akFingerprint,
                                           owner: platform, purpose: .identity, in: db)
            let answer = try factoryCore { () throws(LoBotError) -> [UInt8] in
                var credential = try SecureRandom.bytes(TPM2EnrollmentAnswer.credentialLength)
                defer { wipe(&credential) }
                let made = try TPM2Credential.make(credential: credential, objectName: akName, protector: ekPublic)
                return try TPM2EnrollmentAnswer.sealing(
                    certificate: der, credential: credential, akName: akName,
                    credentialBlob: made.credentialBlob, secret: made.secret).bytes
            }
            result = Enrollment(platform: platform, answer: answer, certificate: der)
            return "TPM 2.0 AK \(Hex.string(Array(akFingerprint.prefix(8)))) certified"
        }
        guard let result else { throw .notFound("enrollment produced no answer") }
        return result
    }
}
