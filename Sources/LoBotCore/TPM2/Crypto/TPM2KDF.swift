// KDFa, the key derivation TPM 2.0 uses for session keys, parameter encryption, credential
// protection and duplication (TPM 2.0 Part 1, 11.4.10.2): SP800-108 in counter mode with HMAC.
//
//   K(i) = HMAC(key, i(32, big-endian) || label || 0x00 || contextU || contextV || bits(32, big-endian))
//   output = leftmost `bits` of K(1) || K(2) || ...   (counter starts at 1)
//
// When `bits` is not a multiple of 8 the output has ceil(bits/8) bytes and the unused high bits of
// the first byte are cleared, as the reference implementation does.

public enum TPM2KDF {
    /// The most bits one call derives: more than any TPM 2.0 key or HMAC key, and a cap so that a
    /// hostile size field cannot drive a large allocation.
    public static let maximumBits = 8 * 1024 * 8

    /// KDFa(hash, key, label, contextU, contextV, bits). `label` is written with its terminating
    /// zero byte. The result is key material: wipe it when done.
    public static func kdfa(
        _ hash: DigestAlgorithm, key: [UInt8], label: String, contextU: [UInt8], contextV: [UInt8], bits: Int
    ) throws(LoBotError) -> [UInt8] {
        guard bits > 0, bits <= maximumBits else {
            throw .invalidArgument("KDFa output of \(bits) bits is outside 1...\(maximumBits)")
        }
        let byteCount = (bits + 7) / 8
        // The fixed part after the counter: label || 0x00 || contextU || contextV || bits.
        var fixed: [UInt8] = []
        fixed.reserveCapacity(label.utf8.count + 1 + contextU.count + contextV.count + 4)
        fixed.append(contentsOf: label.utf8)
        fixed.append(0)
        fixed.append(contentsOf: contextU)
        fixed.append(contentsOf: contextV)
        appendBigEndian(UInt32(bits), to: &fixed)

        var output: [UInt8] = []
        output.reserveCapacity(byteCount + hash.length)
        var counter: UInt32 = 1
        while output.count < byteCount {
            var block: [UInt8] = []
            block.reserveCapacity(4 + fixed.count)
            appendBigEndian(counter, to: &block)
            block.append(contentsOf: fixed)
            var k = try HMAC.authenticate(block, key: key, algorithm: hash)
            output.append(contentsOf: k)
            wipe(&k)
            counter += 1
        }
        var result = Array(output[0..<byteCount])
        wipe(&output)
        if bits % 8 != 0 {
            result[0] &= UInt8((1 << (bits % 8)) - 1)
        }
        return result
    }

    private static func appendBigEndian(_ value: UInt32, to bytes: inout [UInt8]) {
        bytes.append(UInt8(truncatingIfNeeded: value >> 24))
        bytes.append(UInt8(truncatingIfNeeded: value >> 16))
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
        bytes.append(UInt8(truncatingIfNeeded: value))
    }
}
