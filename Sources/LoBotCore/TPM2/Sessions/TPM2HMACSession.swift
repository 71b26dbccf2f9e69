// A salted, unbound HMAC session (TPM 2.0 Part 1, 19.6 and 21): what keeps the platform's secret
// answers (TPM2_ActivateCredential's credential, TPM2_RSA_Decrypt's plaintext) off the bus in the
// clear and lets LoBot check that the answer came from the TPM that holds the salt key.
//
//   salt          = random, the session hash's length; sent as RSA-OAEP(tpmKey, salt), OAEP and
//                   MGF1 hash = tpmKey's nameAlg, label "SECRET\0"
//   sessionKey    = KDFa(hash, salt, "ATH", nonceTPM, nonceCaller, digest bits)   /* StartAuthSession's nonces */
//   hmacKey       = sessionKey || authValue   (LoBot's authValues are empty)
//   cpHash        = H(commandCode || Name(handle 1) || ... || parameters)
//   command HMAC  = HMAC(hmacKey, cpHash || nonceCaller || nonceTPM || sessionAttributes)
//   rpHash        = H(responseCode (0) || commandCode || response parameters)
//   response HMAC = HMAC(hmacKey, rpHash || nonceTPM' || nonceCaller || sessionAttributes')
//   response encryption (attribute `encrypt`): the first response parameter's TPM2B data,
//                   AES-128-CFB with key || IV = KDFa(hash, sessionKey || authValue, "CFB",
//                   nonceTPM', nonceCaller, 128 + 128)
//
// This session is the first (or only) session of each command it serves, so no nonceDecrypt or
// nonceEncrypt of another session enters its HMAC. A fresh nonceCaller goes with every command.

public struct TPM2HMACSession: Sendable {
    /// The OAEP label of a session salt.
    public static let saltLabel: [UInt8] = Array("SECRET".utf8) + [0]
    public static let hash: DigestAlgorithm = .sha256

    public let handle: UInt32
    var sessionKey: [UInt8]
    var nonceTPM: [UInt8]
    var nonceCaller: [UInt8]

    /// A salt for a session salted to `key` (an RSA decryption key with a SHA-256 Name): the salt
    /// and its encryption for TPM2_StartAuthSession. The caller wipes the salt.
    public static func salt(for key: TPMTPublic) throws(LoBotError) -> (salt: [UInt8], encrypted: [UInt8]) {
        guard key.nameAlg == .sha256 else { throw .invalidArgument("a session salt key must have a SHA-256 name") }
        let salt = try SecureRandom.bytes(hash.length)
        return (salt, try key.rsaPublicKey().encryptOAEP(salt, label: saltLabel, hash: .sha256))
    }

    /// The session TPM2_StartAuthSession opened: its handle, the nonces of that exchange, the salt.
    public init(handle: UInt32, salt: [UInt8], nonceCaller: [UInt8], nonceTPM: [UInt8]) throws(LoBotError) {
        self.handle = handle
        self.nonceCaller = nonceCaller
        self.nonceTPM = nonceTPM
        sessionKey = try TPM2KDF.kdfa(
            Self.hash, key: salt, label: "ATH", contextU: nonceTPM, contextV: nonceCaller, bits: 8 * Self.hash.length)
    }

    /// The authorization for a command: `names` are the Names of the command's handles, in order.
    public mutating func authorize(
        _ commandCode: TPM2CommandCode, names: [[UInt8]], parameters: [UInt8], attributes: TPMASession
    ) throws(LoBotError) -> TPMSAuthCommand {
        nonceCaller = try SecureRandom.bytes(Self.hash.length)
        var cp = Self.bigEndian(commandCode.rawValue)
        for name in names { cp += name }
        cp += parameters
        let cpHash = try Digest.hash(Self.hash, cp)
        let hmac = try HMAC.authenticate(
            cpHash + nonceCaller + nonceTPM + [attributes.rawValue], key: sessionKey, algorithm: Self.hash)
        return TPMSAuthCommand(sessionHandle: handle, nonce: nonceCaller, sessionAttributes: attributes, hmac: hmac)
    }

    /// Checks the TPM's answer to the command just authorized, takes its nonce, and returns the
    /// response parameters with the first one decrypted if the response says it is encrypted.
    /// A wrong HMAC is `.authentication`: the answer is not the TPM's (or not for this command).
    public mutating func checkResponse(
        _ commandCode: TPM2CommandCode, parameters: [UInt8], auth: TPMSAuthResponse
    ) throws(LoBotError) -> [UInt8] {
        let rpHash = try Digest.hash(Self.hash, Self.bigEndian(0) + Self.bigEndian(commandCode.rawValue) + parameters)
        let expected = try HMAC.authenticate(
            rpHash + auth.nonce.buffer + nonceCaller + [auth.sessionAttributes.rawValue],
            key: sessionKey, algorithm: Self.hash)
        guard TPM2Credential.constantTimeEqual(expected, auth.hmac.buffer) else {
            throw .authentication(what: "the TPM 2.0 session's response HMAC")
        }
        nonceTPM = auth.nonce.buffer
        guard auth.sessionAttributes.contains(.encrypt) else { return parameters }
        var reader = ByteReader(parameters, structure: "encrypted TPM 2.0 response parameter")
        let size = Int(try reader.readUInt16())
        var ciphertext = try reader.readBytes(size)
        var keyAndIV = try TPM2KDF.kdfa(
            Self.hash, key: sessionKey, label: "CFB", contextU: nonceTPM, contextV: nonceCaller, bits: 256)
        defer {
            wipe(&keyAndIV)
            wipe(&ciphertext)
        }
        let plaintext = try AESCFB.decrypt(ciphertext, key: Array(keyAndIV[0..<16]), iv: Array(keyAndIV[16..<32]))
        return Array(parameters[0..<2]) + plaintext + (try reader.readBytes(reader.remaining))
    }

    /// Wipes the session key (the session is flushed or abandoned).
    public mutating func wipeKey() { wipe(&sessionKey) }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [
            UInt8(value >> 24), UInt8(truncatingIfNeeded: value >> 16), UInt8(truncatingIfNeeded: value >> 8),
            UInt8(truncatingIfNeeded: value),
        ]
    }
}
