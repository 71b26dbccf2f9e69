// Streaming SHA-256 of a file of any size (kernels, disk images, memory states) in large chunks,
// so that measuring runs at the speed of the hash, not of the system calls.

public enum FileMeasurement {
    /// Bytes read per system call: large enough that syscalls cost nothing, small enough to stay
    /// in the CPU's cache between the read and the hash.
    public static let chunkSize = 1 << 20

    public static func sha256(path: String) throws(LoBotError) -> [UInt8] {
        let file = try FileDescriptor(opening: path, .readOnly)
        file.adviseSequential()
        let hasher = try Hasher(.sha256)
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: chunkSize, alignment: 64)
        defer { buffer.deallocate() }
        while true {
            let count = try file.read(into: buffer, count: chunkSize)
            if count == 0 { break }
            try hasher.update(UnsafeRawPointer(buffer), count: count)
            Progress.advance(count)
        }
        return try hasher.finish()
    }
}
