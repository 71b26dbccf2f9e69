// The 20-byte building blocks of TPM 1.2: TPM_DIGEST / TPM_COMPOSITE_HASH (a SHA-1 value) and
// TPM_NONCE. Their own types, so a nonce cannot be passed where a digest is meant.

public protocol FixedBytes20: WireStructure, Equatable, Sendable {
    var value: [UInt8] { get }
    init(unchecked value: [UInt8])
}

extension FixedBytes20 {
    public static var length: Int { 20 }

    /// Accepts exactly 20 bytes.
    public init?(_ value: [UInt8]) {
        guard value.count == 20 else { return nil }
        self.init(unchecked: value)
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        self.init(unchecked: try reader.readBytes(20))
    }

    public func serialize(into writer: inout ByteWriter) { writer.write(value) }

    public var hex: String { Hex.string(value) }
}

/// TPM_DIGEST, TPM_COMPOSITE_HASH, TPM_PCRVALUE: 20 bytes of SHA-1 (Part 2, 5.4).
public struct SHA1Digest: FixedBytes20 {
    public static var wireName: String { "TPM_DIGEST" }
    public let value: [UInt8]
    public init(unchecked value: [UInt8]) { self.value = value }

    public static let zero = SHA1Digest(unchecked: [UInt8](repeating: 0, count: 20))
    public static let ones = SHA1Digest(unchecked: [UInt8](repeating: 0xff, count: 20))

    /// SHA-1 of `bytes`.
    public static func of(_ bytes: [UInt8]) throws(LoBotError) -> SHA1Digest {
        SHA1Digest(unchecked: try Digest.sha1(bytes))
    }
}

/// TPM_NONCE: 20 bytes of anti-replay data (Part 2, 5.5).
public struct TPMNonce: FixedBytes20 {
    public static var wireName: String { "TPM_NONCE" }
    public let value: [UInt8]
    public init(unchecked value: [UInt8]) { self.value = value }

    public static func random() throws(LoBotError) -> TPMNonce {
        TPMNonce(unchecked: try SecureRandom.bytes(20))
    }
}
