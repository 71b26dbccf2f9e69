// AES-128-CBC with PKCS#7 padding and the IV prepended, the symmetric half of the TPM 1.2
// privacy-CA exchange as TrouSerS does it (identity proof in, credential out).
import CLibCrypto

public enum AESCBC {
    /// IV(16) || AES-128-CBC(key, IV, PKCS#7(plaintext)).
    public static func encrypt(_ plaintext: [UInt8], key: [UInt8]) throws(LoBotError) -> [UInt8] {
        let iv = try SecureRandom.bytes(16)
        return iv + (try run(plaintext, key: key, iv: iv, encrypt: true))
    }

    /// The inverse of `encrypt`; a wrong key or altered bytes usually fail the padding check.
    public static func decrypt(_ data: [UInt8], key: [UInt8], what: String) throws(LoBotError) -> [UInt8] {
        guard data.count >= 32, data.count % 16 == 0 else { throw .authentication(what: what) }
        do throws(LoBotError) {
            return try run(Array(data[16...]), key: key, iv: Array(data[0..<16]), encrypt: false)
        } catch {
            throw .authentication(what: what)
        }
    }

    private static func run(_ input: [UInt8], key: [UInt8], iv: [UInt8], encrypt: Bool) throws(LoBotError) -> [UInt8] {
        guard key.count == 16 else { throw .invalidArgument("AES-128 key must be 16 bytes") }
        _ = OpenSSL.initialized
        guard let ctx = EVP_CIPHER_CTX_new() else { throw .crypto(operation: "allocate a cipher context", code: 0) }
        defer { EVP_CIPHER_CTX_free(ctx) }
        let initialized = key.withUnsafeBufferPointer { k in
            iv.withUnsafeBufferPointer { v in
                EVP_CipherInit_ex(ctx, EVP_aes_128_cbc(), nil, k.baseAddress, v.baseAddress, encrypt ? 1 : 0)
            }
        }
        try OpenSSL.checkOne(initialized, "start AES-128-CBC")
        var output = [UInt8](repeating: 0, count: input.count + 16)
        var length: Int32 = 0
        let updated = output.withUnsafeMutableBufferPointer { o in
            input.withUnsafeBufferPointer { i in EVP_CipherUpdate(ctx, o.baseAddress, &length, i.baseAddress, Int32(i.count)) }
        }
        try OpenSSL.checkOne(updated, "run AES-128-CBC")
        var final: Int32 = 0
        let finished = output.withUnsafeMutableBufferPointer { o in EVP_CipherFinal_ex(ctx, o.baseAddress! + Int(length), &final) }
        try OpenSSL.checkOne(finished, "finish AES-128-CBC")
        return Array(output[0..<Int(length + final)])
    }
}
