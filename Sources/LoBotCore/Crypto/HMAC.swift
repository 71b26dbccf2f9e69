// HMAC-SHA1 (TPM 1.2 authorisation sessions) and HMAC-SHA256 (the factory's audit chain keys).
import CLibCrypto

public enum HMAC {
    public static func authenticate(_ data: [UInt8], key: [UInt8], algorithm: DigestAlgorithm) throws(LoBotError) -> [UInt8] {
        _ = OpenSSL.initialized
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let result = out.withUnsafeMutableBufferPointer { o in
            key.withUnsafeBufferPointer { k in
                data.withUnsafeBufferPointer { d in
                    CLibCrypto.HMAC(algorithm.evp, k.baseAddress, Int32(k.count), d.baseAddress, d.count, o.baseAddress, &length)
                }
            }
        }
        try OpenSSL.check(result != nil, "compute HMAC-\(algorithm.name)")
        return Array(out[0..<Int(length)])
    }
}
