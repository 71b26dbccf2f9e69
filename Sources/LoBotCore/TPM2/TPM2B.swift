// The TPM2B_ sized buffers of TPM 2.0 (Part 2, 10.4): a UINT16 size, then that many bytes. They
// differ only in name and in the largest size the spec allows, so one generic type serves them all,
// its kind (a caseless enum) giving both; the largest size is checked before anything is allocated.
//
//   typedef struct {
//       UINT16 size;
//       BYTE buffer[size];      /* at most sizeof the union the buffer holds */
//   } TPM2B_DIGEST, TPM2B_DATA, TPM2B_NAME, TPM2B_PUBLIC_KEY_RSA, TPM2B_ECC_PARAMETER,
//     TPM2B_ENCRYPTED_SECRET;
//
// The TPM2B_ forms of structures (TPM2B_PUBLIC, TPM2B_ATTEST) are their own types; they read their
// structure with `readSizedStructure`, which refuses a size that is not the structure's length.

/// What names one TPM2B_ buffer type: its spec name and its largest size.
public protocol TPM2BKind {
    static var wireName: String { get }
    static var maximum: Int { get }
}

public struct TPM2B<Kind: TPM2BKind>: WireStructure, Equatable, Sendable {
    public static var wireName: String { Kind.wireName }

    /// The bytes; a buffer longer than `Kind.maximum` serializes but does not read back.
    public var buffer: [UInt8]

    public init(_ buffer: [UInt8]) { self.buffer = buffer }

    public static var empty: TPM2B<Kind> { TPM2B([]) }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        buffer = try reader.readSized(lengthWidth: 2, maximum: Kind.maximum, field: Kind.wireName + ".size")
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.writeSized(buffer, lengthWidth: 2)
    }
}

/// TPM2B_DIGEST: a digest (or digest-sized secret), at most sizeof(TPMU_HA).
public enum TPM2BDigestKind: TPM2BKind {
    public static var wireName: String { "TPM2B_DIGEST" }
    public static var maximum: Int { TPM2Limits.maxDigestBytes }
}

/// TPM2B_DATA: outside data (a quote's or certification's qualifying data), at most sizeof(TPMT_HA).
public enum TPM2BDataKind: TPM2BKind {
    public static var wireName: String { "TPM2B_DATA" }
    public static var maximum: Int { TPM2Limits.maxTaggedDigestBytes }
}

/// TPM2B_NAME: an object's Name (nameAlg || digest) or a handle, at most sizeof(TPMU_NAME).
public enum TPM2BNameKind: TPM2BKind {
    public static var wireName: String { "TPM2B_NAME" }
    public static var maximum: Int { TPM2Limits.maxTaggedDigestBytes }
}

/// TPM2B_PUBLIC_KEY_RSA: an RSA modulus or signature, at most MAX_RSA_KEY_BYTES.
public enum TPM2BPublicKeyRSAKind: TPM2BKind {
    public static var wireName: String { "TPM2B_PUBLIC_KEY_RSA" }
    public static var maximum: Int { TPM2Limits.maxRSAKeyBytes }
}

/// TPM2B_ECC_PARAMETER: one coordinate or signature half, at most MAX_ECC_KEY_BYTES.
public enum TPM2BECCParameterKind: TPM2BKind {
    public static var wireName: String { "TPM2B_ECC_PARAMETER" }
    public static var maximum: Int { TPM2Limits.maxECCKeyBytes }
}

/// TPM2B_ENCRYPTED_SECRET: a seed encrypted to a key (TPM2_MakeCredential's `secret`).
public enum TPM2BEncryptedSecretKind: TPM2BKind {
    public static var wireName: String { "TPM2B_ENCRYPTED_SECRET" }
    public static var maximum: Int { TPM2Limits.maxEncryptedSecretBytes }
}

/// TPM2B_PRIVATE: an object's sensitive part wrapped by its parent, opaque outside the TPM.
public enum TPM2BPrivateKind: TPM2BKind {
    public static var wireName: String { "TPM2B_PRIVATE" }
    public static var maximum: Int { TPM2Limits.maxPrivateBytes }
}

/// TPM2B_MAX_NV_BUFFER: what one TPM2_NV_Read returns.
public enum TPM2BMaxNVBufferKind: TPM2BKind {
    public static var wireName: String { "TPM2B_MAX_NV_BUFFER" }
    public static var maximum: Int { TPM2Limits.maxNVBufferBytes }
}

public typealias TPM2BPrivate = TPM2B<TPM2BPrivateKind>
public typealias TPM2BMaxNVBuffer = TPM2B<TPM2BMaxNVBufferKind>
public typealias TPM2BDigest = TPM2B<TPM2BDigestKind>
public typealias TPM2BData = TPM2B<TPM2BDataKind>
public typealias TPM2BName = TPM2B<TPM2BNameKind>
public typealias TPM2BPublicKeyRSA = TPM2B<TPM2BPublicKeyRSAKind>
public typealias TPM2BECCParameter = TPM2B<TPM2BECCParameterKind>
public typealias TPM2BEncryptedSecret = TPM2B<TPM2BEncryptedSecretKind>

extension ByteReader {
    /// The TPM2B_ form of a structure: a UINT16 size, at most `maximum`, then the structure, which
    /// must be exactly `size` bytes long.
    public mutating func readSizedStructure<T: WireStructure>(
        _ type: T.Type, maximum: Int, field: String
    ) throws(LoBotError) -> T {
        let at = offset
        let size = Int(try readUInt16())
        guard size <= maximum else {
            throw failure(.lengthTooLarge(field: field, value: UInt64(size), maximum: UInt64(maximum)), at: at)
        }
        let start = offset
        let value = try T.parse(from: &self)
        guard offset - start == size else {
            throw failure(.inconsistent("\(field) is \(size) but the \(T.wireName) in it is \(offset - start) bytes"), at: at)
        }
        return value
    }
}

extension ByteWriter {
    /// The mirror of `readSizedStructure`.
    public mutating func writeSizedStructure<T: WireStructure>(_ value: T) {
        writeSized(value.bytes, lengthWidth: 2)
    }
}
