// Cryptographic randomness for keys, nonces and IVs (RAND_bytes, seeded from the kernel).
import CLibCrypto

public enum SecureRandom {
    public static func bytes(_ count: Int) throws(LoBotError) -> [UInt8] {
        _ = OpenSSL.initialized
        var out = [UInt8](repeating: 0, count: count)
        let rc = out.withUnsafeMutableBufferPointer { RAND_bytes($0.baseAddress, Int32($0.count)) }
        try OpenSSL.checkOne(rc, "get random bytes")
        return out
    }
}
