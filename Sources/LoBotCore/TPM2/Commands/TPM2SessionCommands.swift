// TPM2_StartAuthSession and TPM2_PolicySecret (Part 3, 11.1 and 23.4): the policy session that
// satisfies the TCG EK's authPolicy, PolicySecret(TPM_RH_ENDORSEMENT), so that the EK can be used
// (TPM2_ActivateCredential's keyHandle).
//
//   TPM2_StartAuthSession  handles: TPMI_DH_OBJECT tpmKey; TPMI_DH_ENTITY bind   (both TPM_RH_NULL
//                                   for an unsalted, unbound session; no auth)
//                          params: TPM2B_NONCE nonceCaller (16..digest size); TPM2B_ENCRYPTED_SECRET
//                                  encryptedSalt; TPM_SE sessionType (UINT8: HMAC 0, POLICY 1,
//                                  TRIAL 3); TPMT_SYM_DEF symmetric (UINT16 TPM_ALG_NULL);
//                                  TPMI_ALG_HASH authHash (UINT16)
//                          response: TPMI_SH_AUTH_SESSION sessionHandle; TPM2B_NONCE nonceTPM
//   TPM2_PolicySecret      handles: TPMI_DH_ENTITY authHandle (auth); TPMI_SH_POLICY policySession
//                          params: TPM2B_NONCE nonceTPM; TPM2B_DIGEST cpHashA; TPM2B_NONCE policyRef;
//                                  INT32 expiration
//                          response: TPM2B_TIMEOUT timeout; TPMT_TK_AUTH policyTicket
//                                  { TPM_ST tag; TPMI_RH_HIERARCHY hierarchy; TPM2B_DIGEST digest }

public struct TPM2StartAuthSession: TPM2CommandBody, Equatable, Sendable {
    public static var commandCode: TPM2CommandCode { .startAuthSession }
    /// TPM_SE_HMAC
    public static let hmac: UInt8 = 0x00
    /// TPM_SE_POLICY
    public static let policy: UInt8 = 0x01

    public var tpmKey: UInt32
    public var bind: UInt32
    public var nonceCaller: TPM2BDigest
    public var encryptedSalt: TPM2BEncryptedSecret
    public var sessionType: UInt8
    public var symmetric: TPMTSymDefObject
    public var authHash: TPMAlgorithm

    /// An unsalted, unbound session with no parameter encryption.
    public init(sessionType: UInt8, nonceCaller: [UInt8], authHash: TPMAlgorithm = .sha256) {
        tpmKey = TPM2Handle.null
        bind = TPM2Handle.null
        self.nonceCaller = TPM2BDigest(nonceCaller)
        encryptedSalt = .empty
        self.sessionType = sessionType
        symmetric = .null
        self.authHash = authHash
    }

    /// A session salted with `encryptedSalt` (the salt RSA-OAEP encrypted to `tpmKey`), unbound,
    /// with AES-128-CFB parameter encryption available.
    public init(
        saltedTo tpmKey: UInt32, encryptedSalt: [UInt8], sessionType: UInt8, nonceCaller: [UInt8],
        authHash: TPMAlgorithm = .sha256
    ) {
        self.tpmKey = tpmKey
        bind = TPM2Handle.null
        self.nonceCaller = TPM2BDigest(nonceCaller)
        self.encryptedSalt = TPM2BEncryptedSecret(encryptedSalt)
        self.sessionType = sessionType
        symmetric = .aes(keyBits: 128)
        self.authHash = authHash
    }

    public var handles: [UInt32] { [tpmKey, bind] }
    public func serializeParameters(into writer: inout ByteWriter) {
        nonceCaller.serialize(into: &writer)
        encryptedSalt.serialize(into: &writer)
        writer.write(sessionType)
        symmetric.serialize(into: &writer)
        writer.write(authHash.rawValue)
    }

    public struct Response: TPM2ResponseBody, Equatable, Sendable {
        public static var handleCount: Int { 1 }
        public var sessionHandle: UInt32
        public var nonceTPM: TPM2BDigest
        public init(handles: [UInt32], parameters reader: inout ByteReader) throws(LoBotError) {
            sessionHandle = handles[0]
            nonceTPM = try TPM2BDigest.parse(from: &reader)
        }
    }
}

public struct TPM2PolicySecret: TPM2CommandBody, Equatable, Sendable {
    public static var commandCode: TPM2CommandCode { .policySecret }

    public var authHandle: UInt32
    public var policySession: UInt32

    /// PolicySecret(authHandle) with no nonce, cpHash, policyRef or expiration.
    public init(authHandle: UInt32, policySession: UInt32) {
        self.authHandle = authHandle
        self.policySession = policySession
    }

    public var handles: [UInt32] { [authHandle, policySession] }
    public func serializeParameters(into writer: inout ByteWriter) {
        TPM2BDigest.empty.serialize(into: &writer)
        TPM2BDigest.empty.serialize(into: &writer)
        TPM2BDigest.empty.serialize(into: &writer)
        writer.write(UInt32(0))
    }

    public struct Response: TPM2ResponseBody, Equatable, Sendable {
        public static var handleCount: Int { 0 }
        public init(handles: [UInt32], parameters reader: inout ByteReader) throws(LoBotError) {
            _ = try TPM2BDigest.parse(from: &reader)
            _ = try reader.readUInt16()
            _ = try reader.readUInt32()
            _ = try TPM2BDigest.parse(from: &reader)
        }
    }
}
