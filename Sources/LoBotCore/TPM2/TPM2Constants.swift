// TPM 2.0 constants LoBot reads and writes (TPM 2.0 Library, Part 2 "Structures", rev 1.59). Like
// the TPM 1.2 ones, each is a RawRepresentable struct with readable static names; unknown values
// are kept so a structure carrying one still round-trips, and the structure that needs a known
// value refuses the others when it reads them.

/// TPM_ALG_ID (Part 2, 6.3): algorithms, schemes and modes, one 16-bit number space.
public struct TPMAlgorithm: RawRepresentable, Equatable, Hashable, Sendable {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// TPM_ALG_RSA
    public static let rsa = TPMAlgorithm(rawValue: 0x0001)
    /// TPM_ALG_SHA1
    public static let sha1 = TPMAlgorithm(rawValue: 0x0004)
    /// TPM_ALG_HMAC
    public static let hmac = TPMAlgorithm(rawValue: 0x0005)
    /// TPM_ALG_AES
    public static let aes = TPMAlgorithm(rawValue: 0x0006)
    /// TPM_ALG_KEYEDHASH
    public static let keyedHash = TPMAlgorithm(rawValue: 0x0008)
    /// TPM_ALG_SHA256
    public static let sha256 = TPMAlgorithm(rawValue: 0x000B)
    /// TPM_ALG_SHA384
    public static let sha384 = TPMAlgorithm(rawValue: 0x000C)
    /// TPM_ALG_SHA512
    public static let sha512 = TPMAlgorithm(rawValue: 0x000D)
    /// TPM_ALG_NULL: no algorithm, no scheme.
    public static let null = TPMAlgorithm(rawValue: 0x0010)
    /// TPM_ALG_SM4
    public static let sm4 = TPMAlgorithm(rawValue: 0x0013)
    /// TPM_ALG_RSASSA: RSASSA-PKCS1-v1_5 signatures.
    public static let rsassa = TPMAlgorithm(rawValue: 0x0014)
    /// TPM_ALG_RSAES: RSAES-PKCS1-v1_5 encryption.
    public static let rsaes = TPMAlgorithm(rawValue: 0x0015)
    /// TPM_ALG_RSAPSS: RSASSA-PSS signatures.
    public static let rsapss = TPMAlgorithm(rawValue: 0x0016)
    /// TPM_ALG_OAEP: RSAES-OAEP encryption.
    public static let oaep = TPMAlgorithm(rawValue: 0x0017)
    /// TPM_ALG_ECDSA
    public static let ecdsa = TPMAlgorithm(rawValue: 0x0018)
    /// TPM_ALG_ECDH
    public static let ecdh = TPMAlgorithm(rawValue: 0x0019)
    /// TPM_ALG_ECDAA
    public static let ecdaa = TPMAlgorithm(rawValue: 0x001A)
    /// TPM_ALG_SM2
    public static let sm2 = TPMAlgorithm(rawValue: 0x001B)
    /// TPM_ALG_ECSCHNORR
    public static let ecschnorr = TPMAlgorithm(rawValue: 0x001C)
    /// TPM_ALG_ECMQV
    public static let ecmqv = TPMAlgorithm(rawValue: 0x001D)
    /// TPM_ALG_KDF1_SP800_56A
    public static let kdf1SP800_56A = TPMAlgorithm(rawValue: 0x0020)
    /// TPM_ALG_KDF2
    public static let kdf2 = TPMAlgorithm(rawValue: 0x0021)
    /// TPM_ALG_KDF1_SP800_108
    public static let kdf1SP800_108 = TPMAlgorithm(rawValue: 0x0022)
    /// TPM_ALG_ECC
    public static let ecc = TPMAlgorithm(rawValue: 0x0023)
    /// TPM_ALG_SYMCIPHER
    public static let symCipher = TPMAlgorithm(rawValue: 0x0025)
    /// TPM_ALG_CAMELLIA
    public static let camellia = TPMAlgorithm(rawValue: 0x0026)
    /// TPM_ALG_CFB: the mode of a storage key's (and an EK's) symmetric algorithm.
    public static let cfb = TPMAlgorithm(rawValue: 0x0043)

    /// The TPM_ALG_ID of a hash LoBot has.
    public init(_ digest: DigestAlgorithm) { self.init(rawValue: digest.tpmAlgorithmID) }

    /// The hash this names, if LoBot has it.
    public var digestAlgorithm: DigestAlgorithm? { DigestAlgorithm(tpmAlgorithmID: rawValue) }
}

/// TPM_ST (Part 2, 6.9): the tags of command frames and of the structures a TPM signs.
public struct TPM2StructureTag: RawRepresentable, Equatable, Hashable, Sendable {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// TPM_ST_NO_SESSIONS: a command or response without an authorization area.
    public static let noSessions = TPM2StructureTag(rawValue: 0x8001)
    /// TPM_ST_SESSIONS: a command or response with one.
    public static let sessions = TPM2StructureTag(rawValue: 0x8002)
    /// TPM_ST_ATTEST_CERTIFY: TPMS_ATTEST of TPM2_Certify.
    public static let attestCertify = TPM2StructureTag(rawValue: 0x8017)
    /// TPM_ST_ATTEST_QUOTE: TPMS_ATTEST of TPM2_Quote.
    public static let attestQuote = TPM2StructureTag(rawValue: 0x8018)
}

/// TPM_GENERATED (Part 2, 6.2): the magic that starts everything a TPM signs about itself; a TPM
/// refuses to sign outside data that starts with it, so a signature over it is the TPM's word.
public enum TPM2Generated {
    /// TPM_GENERATED_VALUE: 0xff 'T' 'C' 'G'.
    public static let value: UInt32 = 0xff54_4347
}

/// TPMA_OBJECT (Part 2, 8.3): an object's attributes.
public struct TPMAObject: OptionSet, Hashable, Sendable {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// The hierarchy of the object may not change (it cannot be duplicated).
    public static let fixedTPM = TPMAObject(rawValue: 1 << 1)
    /// Saved contexts of the object may not be loaded after a TPM Startup(CLEAR).
    public static let stClear = TPMAObject(rawValue: 1 << 2)
    /// The parent of the object may not change.
    public static let fixedParent = TPMAObject(rawValue: 1 << 4)
    /// The TPM generated the object's sensitive part.
    public static let sensitiveDataOrigin = TPMAObject(rawValue: 1 << 5)
    /// The object's authValue authorizes USER role actions.
    public static let userWithAuth = TPMAObject(rawValue: 1 << 6)
    /// ADMIN role actions need a policy session.
    public static let adminWithPolicy = TPMAObject(rawValue: 1 << 7)
    /// The object is not subject to dictionary-attack protection.
    public static let noDA = TPMAObject(rawValue: 1 << 10)
    /// Duplication needs an inner wrapper too.
    public static let encryptedDuplication = TPMAObject(rawValue: 1 << 11)
    /// The key signs only TPM-generated data (with `sign`) or is a parent (with `decrypt`).
    public static let restricted = TPMAObject(rawValue: 1 << 16)
    /// The key decrypts.
    public static let decrypt = TPMAObject(rawValue: 1 << 17)
    /// The key signs (TPMA_OBJECT_SIGN_ENCRYPT).
    public static let sign = TPMAObject(rawValue: 1 << 18)
    /// The key signs X.509 certificates only.
    public static let x509Sign = TPMAObject(rawValue: 1 << 19)
}

/// TPM_ECC_CURVE (Part 2, 6.4).
public struct TPMECCCurve: RawRepresentable, Equatable, Hashable, Sendable {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// TPM_ECC_NIST_P256
    public static let nistP256 = TPMECCCurve(rawValue: 0x0003)
    /// TPM_ECC_NIST_P384
    public static let nistP384 = TPMECCCurve(rawValue: 0x0004)
    /// TPM_ECC_NIST_P521
    public static let nistP521 = TPMECCCurve(rawValue: 0x0005)
}

/// TPM_CC (Part 2, 6.5.2): the commands LoBot sends or reads.
public struct TPM2CommandCode: RawRepresentable, Equatable, Hashable, Sendable {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// TPM_CC_EvictControl
    public static let evictControl = TPM2CommandCode(rawValue: 0x0000_0120)
    /// TPM_CC_NV_DefineSpace
    public static let nvDefineSpace = TPM2CommandCode(rawValue: 0x0000_012A)
    /// TPM_CC_CreatePrimary
    public static let createPrimary = TPM2CommandCode(rawValue: 0x0000_0131)
    /// TPM_CC_NV_Increment
    public static let nvIncrement = TPM2CommandCode(rawValue: 0x0000_0134)
    /// TPM_CC_Startup
    public static let startup = TPM2CommandCode(rawValue: 0x0000_0144)
    /// TPM_CC_ActivateCredential
    public static let activateCredential = TPM2CommandCode(rawValue: 0x0000_0147)
    /// TPM_CC_Certify
    public static let certify = TPM2CommandCode(rawValue: 0x0000_0148)
    /// TPM_CC_NV_Read
    public static let nvRead = TPM2CommandCode(rawValue: 0x0000_014E)
    /// TPM_CC_PolicySecret
    public static let policySecret = TPM2CommandCode(rawValue: 0x0000_0151)
    /// TPM_CC_Create
    public static let create = TPM2CommandCode(rawValue: 0x0000_0153)
    /// TPM_CC_Load
    public static let load = TPM2CommandCode(rawValue: 0x0000_0157)
    /// TPM_CC_Quote
    public static let quote = TPM2CommandCode(rawValue: 0x0000_0158)
    /// TPM_CC_RSA_Decrypt
    public static let rsaDecrypt = TPM2CommandCode(rawValue: 0x0000_0159)
    /// TPM_CC_Sign
    public static let sign = TPM2CommandCode(rawValue: 0x0000_015D)
    /// TPM_CC_FlushContext
    public static let flushContext = TPM2CommandCode(rawValue: 0x0000_0165)
    /// TPM_CC_MakeCredential
    public static let makeCredential = TPM2CommandCode(rawValue: 0x0000_0168)
    /// TPM_CC_NV_ReadPublic
    public static let nvReadPublic = TPM2CommandCode(rawValue: 0x0000_0169)
    /// TPM_CC_ReadPublic
    public static let readPublic = TPM2CommandCode(rawValue: 0x0000_0173)
    /// TPM_CC_StartAuthSession
    public static let startAuthSession = TPM2CommandCode(rawValue: 0x0000_0176)
    /// TPM_CC_GetCapability
    public static let getCapability = TPM2CommandCode(rawValue: 0x0000_017A)
    /// TPM_CC_GetRandom
    public static let getRandom = TPM2CommandCode(rawValue: 0x0000_017B)
    /// TPM_CC_PCR_Read
    public static let pcrRead = TPM2CommandCode(rawValue: 0x0000_017E)
    /// TPM_CC_PCR_Extend
    public static let pcrExtend = TPM2CommandCode(rawValue: 0x0000_0182)
}

/// Limits on what LoBot accepts from outside, each the TPM 2.0 reference implementation's size of
/// the structure (Part 2's "sizeof" of a union) where that is small, LoBot's own cap where not: a
/// hostile length must not drive allocation.
public enum TPM2Limits {
    /// sizeof(TPMU_HA): the largest digest (SHA-512).
    public static let maxDigestBytes = 64
    /// sizeof(TPMT_HA): a digest with its algorithm (TPM2B_DATA, TPM2B_NAME).
    public static let maxTaggedDigestBytes = 66
    /// MAX_RSA_KEY_BYTES for RSA-4096, LoBot's largest key.
    public static let maxRSAKeyBytes = 512
    /// MAX_ECC_KEY_BYTES for NIST P-521.
    public static let maxECCKeyBytes = 66
    /// sizeof(TPMU_ENCRYPTED_SECRET) with RSA-4096: an RSA-encrypted seed.
    public static let maxEncryptedSecretBytes = 512
    /// A TPM2B_PRIVATE: LoBot's RSA-2048 keys' are under 300 bytes; the reference implementation's
    /// sizeof(_PRIVATE) with RSA-4096 and CRT values is about 1400.
    public static let maxPrivateBytes = 1536
    /// A TPM2B_MAX_NV_BUFFER: what one TPM2_NV_Read returns (MAX_NV_BUFFER_SIZE).
    public static let maxNVBufferBytes = 2048
    /// A TPMT_PUBLIC: an RSA-4096 key with a SHA-512 policy is about 600 bytes.
    public static let maxPublicBytes = 1024
    /// A TPMS_ATTEST of a quote or a certification (a quote of every PCR of four banks is under 300).
    public static let maxAttestBytes = 2048
    /// A command or response LoBot sends or reads (the reference implementation's MAX_COMMAND_SIZE).
    public static let maxMessageBytes = 4096
    /// Banks in a TPML_PCR_SELECTION, digests in a TPML_DIGEST (HASH_COUNT, TPM2_PCR_Read's eight).
    public static let maxListCount = 16
}
