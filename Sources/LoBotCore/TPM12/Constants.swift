// TPM 1.2 constants this project reads and writes (TPM Main Part 2, "Structures", rev 116).
// Each is a RawRepresentable struct with readable static names; unknown values are kept so that
// a structure carrying one still round-trips.

/// TPM_STRUCTURE_TAG (Part 2, 3.1).
public struct StructureTag: RawRepresentable, Equatable, Sendable {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    /// TPM_TAG_PCR_INFO_LONG
    public static let pcrInfoLong = StructureTag(rawValue: 0x0006)
    /// TPM_TAG_STORED_DATA12
    public static let storedData12 = StructureTag(rawValue: 0x0016)
    /// TPM_TAG_KEY12
    public static let key12 = StructureTag(rawValue: 0x0028)
    /// TPM_TAG_CERTIFY_INFO2
    public static let certifyInfo2 = StructureTag(rawValue: 0x0029)
    /// TPM_TAG_QUOTE_INFO2
    public static let quoteInfo2 = StructureTag(rawValue: 0x0036)
}

/// TPM_KEY_USAGE (Part 2, 5.8).
public struct KeyUsage: RawRepresentable, Equatable, Sendable {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    /// TPM_KEY_SIGNING
    public static let signing = KeyUsage(rawValue: 0x0010)
    /// TPM_KEY_STORAGE
    public static let storage = KeyUsage(rawValue: 0x0011)
    /// TPM_KEY_IDENTITY
    public static let identity = KeyUsage(rawValue: 0x0012)
    /// TPM_KEY_AUTHCHANGE
    public static let authChange = KeyUsage(rawValue: 0x0013)
    /// TPM_KEY_BIND
    public static let bind = KeyUsage(rawValue: 0x0014)
    /// TPM_KEY_LEGACY
    public static let legacy = KeyUsage(rawValue: 0x0015)
}

/// TPM_ALGORITHM_ID (Part 2, 4.8).
public struct AlgorithmID: RawRepresentable, Equatable, Sendable {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// TPM_ALG_RSA
    public static let rsa = AlgorithmID(rawValue: 0x0000_0001)
    /// TPM_ALG_SHA
    public static let sha = AlgorithmID(rawValue: 0x0000_0004)
    /// TPM_ALG_AES128
    public static let aes128 = AlgorithmID(rawValue: 0x0000_0006)
}

/// TPM_ENC_SCHEME (Part 2, 4.9.1).
public struct EncryptionScheme: RawRepresentable, Equatable, Sendable {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    /// TPM_ES_NONE
    public static let none = EncryptionScheme(rawValue: 0x0001)
    /// TPM_ES_RSAESPKCSv15
    public static let rsaPKCS1v15 = EncryptionScheme(rawValue: 0x0002)
    /// TPM_ES_RSAESOAEP_SHA1_MGF1
    public static let rsaOAEPSHA1 = EncryptionScheme(rawValue: 0x0003)
}

/// TPM_SIG_SCHEME (Part 2, 4.9.2).
public struct SignatureScheme: RawRepresentable, Equatable, Sendable {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    /// TPM_SS_NONE
    public static let none = SignatureScheme(rawValue: 0x0001)
    /// TPM_SS_RSASSAPKCS1v15_SHA1
    public static let rsaPKCS1v15SHA1 = SignatureScheme(rawValue: 0x0002)
    /// TPM_SS_RSASSAPKCS1v15_DER
    public static let rsaPKCS1v15DER = SignatureScheme(rawValue: 0x0003)
    /// TPM_SS_RSASSAPKCS1v15_INFO
    public static let rsaPKCS1v15Info = SignatureScheme(rawValue: 0x0004)
}

/// TPM_PAYLOAD_TYPE (Part 2, 4.2).
public struct PayloadType: RawRepresentable, Equatable, Sendable {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// TPM_PT_BIND
    public static let bind = PayloadType(rawValue: 0x02)
    /// TPM_PT_SEAL
    public static let seal = PayloadType(rawValue: 0x05)
}

/// Limits of the TPMs LoBot speaks to.
public enum TPMLimits {
    /// PCRs of a TPM 1.2 PC client (and of the vTPM).
    public static let pcrCount = 24
    /// Bytes of a TPM_PCR_SELECTION mask for 24 PCRs.
    public static let selectionBytes = 3
    /// Largest RSA modulus accepted from outside, in bytes (4096 bits).
    public static let maxModulusBytes = 512
    /// Largest opaque blob (encData, PCRInfo, parms) accepted from outside.
    public static let maxBlobBytes = 4096
}
