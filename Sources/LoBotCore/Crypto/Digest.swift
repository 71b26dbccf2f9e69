// SHA-1 (the TPM 1.2 PCR and quote hash) and SHA-256 (measurements, message digests) through
// EVP, one-shot and streaming. The streaming hasher owns its EVP_MD_CTX and frees it in deinit.
import CLibCrypto

public enum DigestAlgorithm: Sendable {
    case sha1, sha256

    public var length: Int { self == .sha1 ? 20 : 32 }

    var evp: OpaquePointer? { self == .sha1 ? EVP_sha1() : EVP_sha256() }
    var name: String { self == .sha1 ? "SHA-1" : "SHA-256" }
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
