// The TPM 2.0 side of the platform commands (`lobot platform ek`, `enroll`, `activate`,
// `bind-key`, `quote`, `pcrs`, `extend`), taken when LOBOT_TPM2 names the platform's TPM: the same
// commands and files as on a TPM 1.2 platform, with TPM 2.0's structures in them. The key blobs in
// the platform directory (aik.blob, bind.blob, signing.blob) are then TPM2KeyBlob files; the
// enrollment request and answer are LoBot's TPM 2.0 forms (TPM2IdentityRequest,
// TPM2EnrollmentAnswer); quotes are of the SHA-256 bank (TPM2QuoteFile).
import LoBotCore
import LoBotPlatform

enum PlatformTPM2Commands {
    /// `platform ek`: the EK's TPM2B_PUBLIC, or its manufacturer certificate (DER) from NV.
    static func endorsement(certificate: Bool) throws(AgentError) -> [UInt8] {
        try PlatformAccess.withTPM2 { (tpm) throws(LoBotError) in
            certificate ? try tpm.endorsementCertificate() : TPM2BPublic(try tpm.endorsementKey()).bytes
        }
    }

    /// `platform enroll`: a new AK (DIR/aik.pending) and the request naming it with the EK.
    static func enroll(directory: PlatformDirectory, label: [UInt8], ekCertificate: [UInt8]) throws(AgentError) -> [UInt8] {
        let (request, akBlob) = try PlatformAccess.withTPM2 { (tpm) throws(LoBotError) -> ([UInt8], [UInt8]) in
            try tpm.persistStorageKey()
            let ak = try tpm.createKey(.attestation)
            let request = TPM2IdentityRequest(
                label: label, endorsementKey: try tpm.endorsementKey(), attestationKey: ak.publicArea,
                endorsementCertificate: ekCertificate)
            return (request.bytes, ak.bytes)
        }
        try core { () throws(LoBotError) in
            try Files.makeDirectory(directory.path, permissions: 0o700, existingOK: true)
            try Files.writeAtomically(directory.pendingAIKPath, akBlob)
        }
        return request
    }

    /// `platform activate`: the TPM gives the credential back for the pending AK (only the TPM
    /// of the EK the factory encrypted to can); it opens the AK's certificate, which must be the
    /// factory CA's for this AK. Returns the certificate's subject name.
    static func activate(directory: PlatformDirectory, answer answerBytes: [UInt8], caCertificate: [UInt8]) throws(AgentError) -> String {
        try PlatformAccess.withTPM2 { (tpm) throws(LoBotError) -> String in
            let answer = try TPM2EnrollmentAnswer(bytes: answerBytes)
            let pending = try directory.read(directory.pendingAIKPath, "AK awaiting activation (run lobot platform enroll first)")
            let ak = try TPM2KeyBlob(bytes: pending)
            try TPM2KeyKind.attestation.check(ak.publicArea)
            var credential = try tpm.activateCredential(ak: ak, credentialBlob: answer.credentialBlob, secret: answer.secret)
            defer { wipe(&credential) }
            let der = try answer.certificate(credential: credential, akName: try ak.publicArea.name())
            let certificate = try X509Certificate(der: der)
            let ca = try X509Certificate(der: caCertificate)
            try certificate.verify(issuer: try ca.publicKey(), subjectKey: try ak.publicArea.rsaPublicKey().modulus, what: "AK")
            try Files.writeAtomically(directory.aikCertificatePath, der, permissions: 0o644)
            try Files.writeAtomically(directory.caCertificatePath, caCertificate, permissions: 0o644)
            try Files.rename(directory.pendingAIKPath, to: directory.aikBlobPath)
            return certificate.commonName ?? "?"
        }
    }

    /// `platform bind-key`: the bind and signing keys (made once), each certified by the AK with
    /// the verifier's nonce (TPM2_Certify).
    static func certifiedKeys(directory: PlatformDirectory, nonce: [UInt8]) throws(AgentError) -> (bind: [UInt8], signing: [UInt8]) {
        try PlatformAccess.withTPM2 { (tpm) throws(LoBotError) in
            let ak = try TPM2KeyBlob(bytes: try directory.aikBlob())
            func certify(_ kind: TPM2KeyKind, _ path: String) throws(LoBotError) -> [UInt8] {
                if !Files.exists(path) { try Files.writeAtomically(path, try tpm.createKey(kind).bytes) }
                let key = try TPM2KeyBlob(bytes: try Files.read(path, maximum: 64 << 10))
                return try tpm.certify(key: key, as: kind, ak: ak, nonce: nonce).bytes
            }
            return (try certify(.bind, directory.bindBlobPath), try certify(.signing, directory.signingBlobPath))
        }
    }

    /// `platform quote`: the SHA-256 bank's `indices` quoted by the enrolled AK with `nonce`.
    static func quote(directory: PlatformDirectory, indices: [Int], nonce: [UInt8]) throws(AgentError) -> TPM2QuoteFile {
        try PlatformAccess.withTPM2 { (tpm) throws(LoBotError) in
            try tpm.quote(ak: TPM2KeyBlob(bytes: try directory.aikBlob()), pcrs: indices, nonce: nonce).file
        }
    }
}

extension PlatformTPM2Commands {
    /// `platform quote --tpm2-tools DIR`: the files tpm2_checkquote reads (`-u ak.pub -m quote.msg
    /// -s quote.sig -f quote.pcrs -g sha256 -q NONCE`), in the forms tpm2_createak and tpm2_quote
    /// write them.
    static func writeToolFiles(_ quote: TPM2QuoteFile, directory: PlatformDirectory, into tools: String) throws(AgentError) {
        try core { () throws(LoBotError) in
            let (signed, pcrs) = try quote.toolFiles()
            let ak = try TPM2KeyBlob(bytes: try directory.aikBlob())
            try Files.makeDirectory(tools, permissions: 0o755, existingOK: true)
            for (name, bytes) in [("ak.pub", TPM2BPublic(ak.publicArea).bytes), ("quote.msg", signed.message),
                                  ("quote.sig", signed.signature.bytes), ("quote.pcrs", pcrs.bytes)] {
                try Files.writeAtomically(Files.join(tools, name), bytes, permissions: 0o644)
            }
        }
    }
}
