// SHA-1 (the TPM 1.2 PCR and quote hash), SHA-256 (measurements, message digests) and, for the
// PCR banks a TPM 2.0 may allocate, SHA-384 and SHA-512, through EVP, one-shot and streaming. The
// streaming hasher owns its EVP_MD_CTX and frees it in deinit.
import CLibCrypto

public enum DigestAlgorithm: Sendable, CaseIterable {
    case sha1, sha256, sha384, sha512

    public var length: Int {
        switch self {
        case .sha1: return 20
        case .sha256: return 32
        case .sha384: return 48
        case .sha512: return 64
        }
    }

    /// The algorithm's TPM_ALG_ID (TPM 2.0 Part 2, 6.3), as PCR banks and event logs name it.
    public var tpmAlgorithmID: UInt16 {
        switch self {
        case .sha1: return 0x0004
        case .sha256: return 0x000B
        case .sha384: return 0x000C
        case .sha512: return 0x000D
        }
    }

    /// The algorithm a TPM_ALG_ID names, if it is one of these.
    public init?(tpmAlgorithmID: UInt16) {
        guard let found = Self.allCases.first(where: { $0.tpmAlgorithmID == tpmAlgorithmID }) else { return nil }
        self = found
    }

    var evp: OpaquePointer? {
        switch self {
        case .sha1: return EVP_sha1()
        case .sha256: return EVP_sha256()
        case .sha384: return EVP_sha384()
        case .sha512: return EVP_sha512()
        }
    }

    public var name: String {
        switch self {
        case .sha1: return "SHA-1"
        case .sha256: return "SHA-256"
        case .sha384: return "SHA-384"
        case .sha512: return "SHA-512"
        }
    }

    /// The lower-case name tools use (`sha256`), as in tpm2-tools' PCR selections.
    public var shortName: String {
        switch self {
        case .sha1: return "sha1"
        case .sha256: return "sha256"
        case .sha384: return "sha384"
        case .sha512: return "sha512"
        }
    }
}

public final class Hasher {
    private let context: OpaquePointer
    public let algorithm: DigestAlgorithm

    public init(_ algorithm: DigestAlgorithm) throws(LoBotError) {
        _ = OpenSSL.initialized
        guard let ctx = EVP_MD_CTX_new() else { throw .crypto(operation: "allocate a digest context", code: 0) }
        context = ctx
        self.algorithm = algorithm
        try OpenSSL.checkOne(EVP_DigestInit_ex(ctx, algorithm.evp, nil), "start \(algorithm.name)")
    }

    deinit { EVP_MD_CTX_free(context) }

    public func update(_ pointer: UnsafeRawPointer, count: Int) throws(LoBotError) {
        try OpenSSL.checkOne(EVP_DigestUpdate(context, pointer, count), "hash with \(algorithm.name)")
    }

    public func update(_ bytes: [UInt8]) throws(LoBotError) {
        let rc = bytes.withUnsafeBytes { EVP_DigestUpdate(context, $0.baseAddress, $0.count) }
        try OpenSSL.checkOne(rc, "hash with \(algorithm.name)")
    }

    public func finish() throws(LoBotError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let rc = out.withUnsafeMutableBufferPointer { EVP_DigestFinal_ex(context, $0.baseAddress, &length) }
        try OpenSSL.checkOne(rc, "finish \(algorithm.name)")
        return Array(out[0..<Int(length)])
    }
}

public enum Digest {
    public static func hash(_ algorithm: DigestAlgorithm, _ bytes: [UInt8]) throws(LoBotError) -> [UInt8] {
        let hasher = try Hasher(algorithm)
        try hasher.update(bytes)
        return try hasher.finish()
    }

    public static func sha1(_ bytes: [UInt8]) throws(LoBotError) -> [UInt8] { try hash(.sha1, bytes) }
    public static func sha256(_ bytes: [UInt8]) throws(LoBotError) -> [UInt8] { try hash(.sha256, bytes) }
}
