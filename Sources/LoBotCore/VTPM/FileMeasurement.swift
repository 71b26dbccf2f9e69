// Streaming digests of a file of any size (kernels, disk images, memory states) in large chunks,
// so that measuring runs at the speed of the hash, not of the system calls: SHA-256, or several
// algorithms in one pass (a guest TPM's PCR banks).

public enum FileMeasurement {
    /// Bytes read per system call: large enough that syscalls cost nothing, small enough to stay
    /// in the CPU's cache between the read and the hash.
    public static let chunkSize = 1 << 20

    public static func sha256(path: String) throws(LoBotError) -> [UInt8] {
        try digests(path: path, [.sha256])[0]
    }

    /// The file's digest under each of `algorithms`, in one pass over it (a guest TPM's banks).
    public static func digests(path: String, _ algorithms: [DigestAlgorithm]) throws(LoBotError) -> [[UInt8]] {
        let file = try FileDescriptor(opening: path, .readOnly)
        file.adviseSequential()
        var hashers: [Hasher] = []
        for algorithm in algorithms { hashers.append(try Hasher(algorithm)) }
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: chunkSize, alignment: 64)
        defer { buffer.deallocate() }
        while true {
            let count = try file.read(into: buffer, count: chunkSize)
            if count == 0 { break }
            for hasher in hashers { try hasher.update(UnsafeRawPointer(buffer), count: count) }
            Progress.advance(count)
        }
        var out: [[UInt8]] = []
        for hasher in hashers { out.append(try hasher.finish()) }
        return out
    }
}
