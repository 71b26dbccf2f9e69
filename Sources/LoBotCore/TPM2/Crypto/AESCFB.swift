// AES in CFB mode with full-block (128-bit) feedback, TPM_ALG_CFB: the symmetric cipher TPM 2.0
// uses for parameter encryption and credential protection (Part 1, 11.4.6.3 and 24). No padding:
// the ciphertext is exactly as long as the plaintext. Keys of 16, 24 or 32 bytes pick AES-128,
// AES-192 or AES-256; the IV is one block. The EVP context holds the key schedule and cleanses it
// when freed; the key itself is not copied here.
import CLibCrypto

public enum AESCFB {
    public static let blockLength = 16

    public static func encrypt(_ plaintext: [UInt8], key: [UInt8], iv: [UInt8]) throws(LoBotError) -> [UInt8] {
        try run(plaintext, key: key, iv: iv, encrypt: true)
    }

    /// The inverse of `encrypt`. CFB has no integrity: a caller authenticates the ciphertext first.
    public static func decrypt(_ ciphertext: [UInt8], key: [UInt8], iv: [UInt8]) throws(LoBotError) -> [UInt8] {
        try run(ciphertext, key: key, iv: iv, encrypt: false)
    }

    private static func run(_ input: [UInt8], key: [UInt8], iv: [UInt8], encrypt: Bool) throws(LoBotError) -> [UInt8] {
        let cipher: OpaquePointer?
        switch key.count {
        case 16: cipher = EVP_aes_128_cfb128()
        case 24: cipher = EVP_aes_192_cfb128()
        case 32: cipher = EVP_aes_256_cfb128()
        default: throw .invalidArgument("AES-CFB key must be 16, 24 or 32 bytes, not \(key.count)")
        }
        guard iv.count == blockLength else { throw .invalidArgument("AES-CFB IV must be 16 bytes, not \(iv.count)") }
        guard input.count <= Int(Int32.max) - blockLength else { throw .invalidArgument("AES-CFB input too long") }
        _ = OpenSSL.initialized
        guard let ctx = EVP_CIPHER_CTX_new() else { throw .crypto(operation: "allocate a cipher context", code: 0) }
        defer { EVP_CIPHER_CTX_free(ctx) }
        let initialized = key.withUnsafeBufferPointer { k in
            iv.withUnsafeBufferPointer { v in
                EVP_CipherInit_ex(ctx, cipher, nil, k.baseAddress, v.baseAddress, encrypt ? 1 : 0)
            }
        }
        try OpenSSL.checkOne(initialized, "start AES-\(key.count * 8)-CFB")
        var output = [UInt8](repeating: 0, count: input.count + blockLength)
        var length: Int32 = 0
        let updated = output.withUnsafeMutableBufferPointer { o in
            input.withUnsafeBufferPointer { i in
                EVP_CipherUpdate(ctx, o.baseAddress, &length, i.baseAddress, Int32(i.count))
            }
        }
        try OpenSSL.checkOne(updated, "run AES-\(key.count * 8)-CFB")
        var final: Int32 = 0
        let finished = output.withUnsafeMutableBufferPointer { o in
            guard let base = o.baseAddress else { return Int32(0) }
            return EVP_CipherFinal_ex(ctx, base + Int(length), &final)
        }
        try OpenSSL.checkOne(finished, "finish AES-\(key.count * 8)-CFB")
        let total = Int(length + final)
        guard total == input.count else { throw .crypto(operation: "run AES-CFB without padding", code: 0) }
        let result = Array(output[0..<total])
        wipe(&output)
        return result
    }
}
