// What LoBot's loaded keys do: TPM2_ActivateCredential, TPM2_RSA_Decrypt and TPM2_Sign (Part 3,
// 12.5, 14.3, 20.2). Their secret outputs (the credential, the plaintext) are the caller's to wipe.
//
//   TPM2_ActivateCredential  handles: TPMI_DH_OBJECT activateHandle (auth, ADMIN role: the AK);
//                                     TPMI_DH_OBJECT keyHandle (auth, USER role: the EK's policy)
//                            params: TPM2B_ID_OBJECT credentialBlob; TPM2B_ENCRYPTED_SECRET secret
//                            response: TPM2B_DIGEST certInfo
//   TPM2_RSA_Decrypt         handles: TPMI_DH_OBJECT keyHandle (auth)
//                            params: TPM2B_PUBLIC_KEY_RSA cipherText; TPMT_RSA_DECRYPT inScheme
//                                    (UINT16 TPM_ALG_NULL: the key's OAEP); TPM2B_DATA label
//                                    (empty, or ending in a zero byte)
//                            response: TPM2B_PUBLIC_KEY_RSA message
//   TPM2_Sign                handles: TPMI_DH_OBJECT keyHandle (auth)
//                            params: TPM2B_DIGEST digest; TPMT_SIG_SCHEME inScheme (TPM_ALG_NULL);
//                                    TPMT_TK_HASHCHECK validation (TPM_ST_HASHCHECK 0x8024,
//                                    TPM_RH_NULL, empty digest: none, for an unrestricted key)
//                            response: TPMT_SIGNATURE signature

public struct TPM2ActivateCredential: TPM2CommandBody, Equatable, Sendable {
    public static var commandCode: TPM2CommandCode { .activateCredential }

    public var activateHandle: UInt32
    public var keyHandle: UInt32
    public var credentialBlob: TPM2BIDObject
    public var secret: TPM2BEncryptedSecret

    public init(activateHandle: UInt32, keyHandle: UInt32, credentialBlob: TPM2BIDObject, secret: TPM2BEncryptedSecret)
    {
        self.activateHandle = activateHandle
        self.keyHandle = keyHandle
        self.credentialBlob = credentialBlob
        self.secret = secret
    }

    public var handles: [UInt32] { [activateHandle, keyHandle] }
    public func serializeParameters(into writer: inout ByteWriter) {
        credentialBlob.serialize(into: &writer)
        secret.serialize(into: &writer)
    }

    public struct Response: TPM2ResponseBody, Equatable, Sendable {
        public static var handleCount: Int { 0 }
        public var certInfo: TPM2BDigest
        public init(handles: [UInt32], parameters reader: inout ByteReader) throws(LoBotError) {
            certInfo = try TPM2BDigest.parse(from: &reader)
        }
    }
}

public struct TPM2RSADecrypt: TPM2CommandBody, Equatable, Sendable {
    public static var commandCode: TPM2CommandCode { .rsaDecrypt }

    public var keyHandle: UInt32
    public var cipherText: TPM2BPublicKeyRSA
    public var label: TPM2BData

    public init(keyHandle: UInt32, cipherText: [UInt8], label: [UInt8]) {
        self.keyHandle = keyHandle
        self.cipherText = TPM2BPublicKeyRSA(cipherText)
        self.label = TPM2BData(label)
    }

    public var handles: [UInt32] { [keyHandle] }
    public func serializeParameters(into writer: inout ByteWriter) {
        cipherText.serialize(into: &writer)
        writer.write(TPMAlgorithm.null.rawValue)
        label.serialize(into: &writer)
    }

    public struct Response: TPM2ResponseBody, Equatable, Sendable {
        public static var handleCount: Int { 0 }
        public var message: TPM2BPublicKeyRSA
        public init(handles: [UInt32], parameters reader: inout ByteReader) throws(LoBotError) {
            message = try TPM2BPublicKeyRSA.parse(from: &reader)
        }
    }
}

public struct TPM2Sign: TPM2CommandBody, Equatable, Sendable {
    public static var commandCode: TPM2CommandCode { .sign }
    /// TPM_ST_HASHCHECK
    static let hashCheckTag: UInt16 = 0x8024

    public var keyHandle: UInt32
    public var digest: TPM2BDigest

    public init(keyHandle: UInt32, digest: [UInt8]) {
        self.keyHandle = keyHandle
        self.digest = TPM2BDigest(digest)
    }

    public var handles: [UInt32] { [keyHandle] }
    public func serializeParameters(into writer: inout ByteWriter) {
        digest.serialize(into: &writer)
        writer.write(TPMAlgorithm.null.rawValue)
        writer.write(Self.hashCheckTag)
        writer.write(TPM2Handle.null)
        TPM2BDigest.empty.serialize(into: &writer)
    }

    public struct Response: TPM2ResponseBody, Equatable, Sendable {
        public static var handleCount: Int { 0 }
        public var signature: TPMTSignature
        public init(handles: [UInt32], parameters reader: inout ByteReader) throws(LoBotError) {
            signature = try TPMTSignature.parse(from: &reader)
        }
    }
}
