// The measurement of a sealed aDom file (its memory state, its disk): SHA-256 over the SHA-256 of
// each MiB of the file, then its size. Step 12 (`migrate check`) must measure the whole package
// before the source releases K, and with one SHA-256 over the file that pass ran on one core
// (0.28 s for a 423 MiB state, the largest part of what the protocol adds to the downtime);
// the leaves of a tree hash on two cores at once. The source computes the same digest as it seals
// (SequentialFileWriter: each full leaf on a helper thread while the next one is sealed). A
// changed, added or removed byte changes a leaf's digest or the size, so the root proves what
// one SHA-256 over the file proved, as long as SHA-256 resists collisions: the leaves are fixed
// (1 MiB, the last one shorter) and the size closes the list, so no two files share a list of
// leaves.
//
//   tree digest = SHA-256( SHA-256(leaf 0) || ... || SHA-256(leaf n-1) || UINT64 size )
//   leaf i = the file's bytes [i MiB, (i+1) MiB); n = ceil(size / 1 MiB); an empty file has none
import CLibC

public struct TreeDigest: ~Copyable {
    public static let leafSize = 1 << 20

    private let root: Hasher
    private var leaf: Hasher
    /// Bytes in the current leaf.
    private var filled = 0
    private var size: UInt64 = 0

    public init() throws(LoBotError) {
        let root = try Hasher(.sha256), leaf = try Hasher(.sha256)
        self.root = root
        self.leaf = leaf
    }

    /// Appends `count` bytes at `pointer` to what is measured.
    public mutating func update(_ pointer: UnsafeRawPointer, count: Int) throws(LoBotError) {
        var offset = 0
        while offset < count {
            let take = min(count - offset, Self.leafSize - filled)
            try leaf.update(pointer + offset, count: take)
            filled += take
            offset += take
            if filled == Self.leafSize { try closeLeaf() }
        }
        size += UInt64(count)
    }

    public mutating func update(_ bytes: [UInt8]) throws(LoBotError) {
        try withBytes(bytes) { (raw) throws(LoBotError) in try update(raw.baseAddress!, count: bytes.count) }
    }

    /// Appends a whole leaf hashed elsewhere (`leafDigest`, on SequentialFileWriter's helper
    /// thread): only where a leaf ends, never after a shorter one.
    public mutating func append(leafDigest digest: [UInt8]) throws(LoBotError) {
        guard filled == 0, size % UInt64(Self.leafSize) == 0, digest.count == 32 else {
            throw .invalidArgument("a leaf's digest appended in the middle of a leaf")
        }
        try root.update(digest)
        size += UInt64(Self.leafSize)
    }

    /// The SHA-256 of one leaf.
    public static func leafDigest(_ pointer: UnsafeRawPointer, count: Int) throws(LoBotError) -> [UInt8] {
        let hasher = try Hasher(.sha256)
        try hasher.update(pointer, count: count)
        return try hasher.finish()
    }

    /// The root over every byte appended (once).
    public mutating func finish() throws(LoBotError) -> [UInt8] {
        if filled > 0 { try closeLeaf() }
        try root.update(Self.sizeBytes(size))
        return try root.finish()
    }

    private mutating func closeLeaf() throws(LoBotError) {
        try root.update(try leaf.finish())
        leaf = try Hasher(.sha256)
        filled = 0
    }

    /// The UINT64 that closes the list of leaves.
    static func sizeBytes(_ size: UInt64) -> [UInt8] {
        var writer = ByteWriter(capacity: 8)
        writer.write(size)
        return writer.bytes
    }

    /// The size and tree digest of the file at `path` (one open of it), its leaves hashed on two
    /// threads (even leaves here, odd ones beside), read with pread(2) in whole leaves; progress
    /// from this thread only.
    public static func file(path: String) throws(LoBotError) -> (size: UInt64, digest: [UInt8]) {
        let file = try FileDescriptor(opening: path, .readOnly)
        let size = UInt64(try file.size())
        let leaves = Int((size + UInt64(leafSize) - 1) / UInt64(leafSize))
        let digests = UnsafeMutablePointer<UInt8>.allocate(capacity: max(leaves, 1) * 32)
        defer { digests.deallocate() }
        _ = OpenSSL.initialized
        let works = UnsafeMutablePointer<LeafWork>.allocate(capacity: 2)
        defer {
            works.deinitialize(count: 2)
            works.deallocate()
        }
        for first in 0..<2 {
            (works + first).initialize(to: LeafWork(fd: file.raw, path: path, size: size, leaves: leaves, first: first,
                                                    digests: digests, reportsProgress: first == 0))
        }
        lobot_run_beside({ raw in
            raw!.assumingMemoryBound(to: LeafWork.self).pointee.run()
            return nil
        }, UnsafeMutableRawPointer(works + 1), UnsafeMutableRawPointer(works))
        for index in 0..<2 { if let failure = works[index].failure { throw failure } }
        // The descriptor the threads read stays open until here, and a file that grew while it
        // was measured is not taken for the one measured.
        guard UInt64(try file.size()) == size else { throw .invalidArgument("\(path) changed size while it was measured") }
        let root = try Hasher(.sha256)
        if leaves > 0 { try root.update(UnsafeRawPointer(digests), count: leaves * 32) }
        try root.update(sizeBytes(size))
        return (size, try root.finish())
    }
}

/// One thread's share of a file's leaves: every other one from `first`, each digest written to
/// its place in `digests`; the first failure kept for the caller to throw.
struct LeafWork {
    let fd: Int32
    let path: String
    let size: UInt64
    let leaves: Int
    let first: Int
    let digests: UnsafeMutablePointer<UInt8>
    let reportsProgress: Bool
    var failure: LoBotError? = nil

    mutating func run() {
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: TreeDigest.leafSize, alignment: 64)
        defer { buffer.deallocate() }
        do throws(LoBotError) {
            var index = first
            while index < leaves {
                let offset = UInt64(index) * UInt64(TreeDigest.leafSize)
                let count = Int(min(UInt64(TreeDigest.leafSize), size - offset))
                try readFully(buffer, count: count, at: offset)
                let digest = try TreeDigest.leafDigest(UnsafeRawPointer(buffer), count: count)
                for (position, byte) in digest.enumerated() { digests[index * 32 + position] = byte }
                // This thread's leaf and the other's beside it: the whole file by the end.
                if reportsProgress { Progress.advance(Int(min(UInt64(2 * TreeDigest.leafSize), size - offset))) }
                index += 2
            }
        } catch {
            failure = error
        }
    }

    private func readFully(_ buffer: UnsafeMutableRawPointer, count: Int, at offset: UInt64) throws(LoBotError) {
        var done = 0
        while done < count {
            let read = try retryingSystemCall("cannot read", path: path) {
                pread(fd, buffer + done, count - done, off_t(offset + UInt64(done)))
            }
            guard read > 0 else { throw .invalidArgument("\(path) ended while it was measured (shorter than \(size) bytes)") }
            done += Int(read)
        }
    }
}
