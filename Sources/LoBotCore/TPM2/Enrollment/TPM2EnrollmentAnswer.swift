// The factory's answer to a TPM 2.0 enrollment request, LoBot's own format: TPM2_MakeCredential's
// two outputs for the AK's Name and the EK, and the AK's certificate sealed under the credential.
// Only the TPM holding that EK, with that AK loaded, gives the credential back
// (TPM2_ActivateCredential), so only it can open the certificate; the AK's Name is the sealed
// certificate's additional data, so an answer made for another AK does not open either.
//
//   BYTE magic[4];                     /* "LB2A" */
//   UINT8 version;                     /* 1 */
//   TPM2B_ID_OBJECT credentialBlob;    /* the credential, protected by a seed (TPM2_MakeCredential) */
//   TPM2B_ENCRYPTED_SECRET secret;     /* the seed, RSA-OAEP to the EK, label "IDENTITY" */
//   BYTE nonce[12];                    /* AES-256-GCM nonce */
//   UINT16 certificateSize;            /* 1 to 4096 */
//   BYTE certificate[certificateSize]; /* the AK's X.509 certificate (DER), AES-256-GCM under the
//                                         32-byte credential, additional data the AK's Name */
//   BYTE tag[16];

public struct TPM2EnrollmentAnswer: WireStructure, Equatable, Sendable {
    public static var wireName: String { "LoBot TPM 2.0 enrollment answer" }
    public static let magic: [UInt8] = Array("LB2A".utf8)
    public static let version: UInt8 = 1
    /// The credential: an AES-256 key, as long as the SHA-256 name algorithm's digest allows.
    public static let credentialLength = 32

    public var credentialBlob: TPM2BIDObject
    public var secret: TPM2BEncryptedSecret
    public var nonce: [UInt8]
    public var sealedCertificate: AESGCM.Sealed

    public init(credentialBlob: TPM2BIDObject, secret: TPM2BEncryptedSecret, nonce: [UInt8], sealedCertificate: AESGCM.Sealed) {
        self.credentialBlob = credentialBlob
        self.secret = secret
        self.nonce = nonce
        self.sealedCertificate = sealedCertificate
    }

    /// Seals `certificate` under `credential` for the AK named `akName`.
    public static func sealing(
        certificate: [UInt8], credential: [UInt8], akName: [UInt8], credentialBlob: TPM2BIDObject, secret: TPM2BEncryptedSecret
    ) throws(LoBotError) -> TPM2EnrollmentAnswer {
        guard credential.count == credentialLength else { throw .invalidArgument("the credential is not 32 bytes") }
        guard !certificate.isEmpty, certificate.count <= TPM2IdentityRequest.maximumCertificate else {
            throw .invalidArgument("an AK certificate of \(certificate.count) bytes")
        }
        let nonce = try SecureRandom.bytes(AESGCM.nonceLength)
        let sealed = try AESGCM.seal(certificate, key: credential, nonce: nonce, aad: akName)
        return TPM2EnrollmentAnswer(credentialBlob: credentialBlob, secret: secret, nonce: nonce, sealedCertificate: sealed)
    }

    /// The certificate, opened with the credential the TPM gave back for the AK named `akName`.
    public func certificate(credential: [UInt8], akName: [UInt8]) throws(LoBotError) -> [UInt8] {
        guard credential.count == Self.credentialLength else { throw .authentication(what: "the enrollment answer's credential") }
        return try AESGCM.open(sealedCertificate, key: credential, nonce: nonce, aad: akName, what: "the AK certificate in the answer")
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        try reader.expect(Self.magic, field: "magic")
        try reader.expect([Self.version], field: "version")
        credentialBlob = try TPM2BIDObject.parse(from: &reader)
        secret = try TPM2BEncryptedSecret.parse(from: &reader)
        nonce = try reader.readBytes(AESGCM.nonceLength)
        let at = reader.offset
        let certificate = try reader.readSized(lengthWidth: 2, maximum: TPM2IdentityRequest.maximumCertificate, field: "certificateSize")
        guard !certificate.isEmpty else { throw reader.failure(.inconsistent("no certificate"), at: at) }
        sealedCertificate = AESGCM.Sealed(ciphertext: certificate, tag: try reader.readBytes(AESGCM.tagLength))
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(Self.magic)
        writer.write(Self.version)
        credentialBlob.serialize(into: &writer)
        secret.serialize(into: &writer)
        writer.write(nonce)
        writer.writeSized(sealedCertificate.ciphertext, lengthWidth: 2)
        writer.write(sealedCertificate.tag)
    }
}
