// Writes a new file from its first byte to its last around the page cache (O_DIRECT), for the
// sealed memory state and disk of an aDom: written once, never read back by the process that
// seals them, hundreds of MiB. Through the page cache, each of those bytes takes a page the
// kernel must find, and on a VM whose host reclaims freed memory (free page reporting) that was
// most of the sealing's CPU: 1.31 s for a 400 MiB state in the bench, 0.48 s around it.
// Bytes are gathered in one half of an aligned buffer and written in whole blocks at aligned
// offsets, asynchronously (Linux AIO) while the other half fills, so the disk's time overlaps the
// sealing's; the file is extended ahead of the writes (fallocate), since a direct write that
// extends a file completes inside io_submit (ext4), and cut to its size at the end. The last
// part block goes through the page cache (O_DIRECT cleared), so the file holds exactly the bytes
// appended. Where the file system refuses O_DIRECT, or AIO is not there, the file is written
// synchronously, through the page cache if need be, its writeback started as it goes, so its
// closing fsync has little left to do.
// The writer also measures what it writes (TreeDigest, what the receiver measures at step 12):
// each full half is one leaf of the tree, hashed on a helper thread while this one seals into
// the other half, so the sealing's SHA-256 pass runs beside its AES-GCM pass instead of after it.
import CLibC

public struct SequentialFileWriter: ~Copyable {
    /// The block size offsets and counts are aligned to: the largest logical block size of a disk
    /// Linux drives (4Kn), so a multiple of every smaller one.
    static let alignment = 4096
    /// Bytes gathered in each half of the buffer before they are written: one leaf of the tree
    /// digest, about one chunk of a sealed stream.
    static let bufferSize = TreeDigest.leafSize
    /// How far ahead of the writes the file is extended.
    static let allocationStep: Int64 = 64 << 20
    /// How much written through the page cache before its writeback is started.
    static let writebackSize: Int64 = 16 << 20

    let fd: Int32
    let path: String
    /// Two halves of `bufferSize`: one filling, the other being written.
    let buffer: AlignedBuffer
    /// The AIO state, nil where O_DIRECT or io_setup failed.
    let aio: UnsafeMutablePointer<lobot_aio>?
    var half = 0
    var filled = 0
    /// The write in flight from the other half: its offset in the file and byte count (0: none).
    var pendingOffset: Int64 = 0
    var pendingCount = 0
    /// Bytes written or submitted: the offset of the next write.
    var written: Int64 = 0
    /// The file's size as extended ahead of the writes (0: never extended).
    var allocated: Int64 = 0
    var writtenBack: Int64 = 0
    /// Whether `fd` is open with O_DIRECT.
    var direct: Bool
    /// The bytes written around the page cache: every whole block, where O_DIRECT works.
    public private(set) var writtenDirect: Int64 = 0
    /// The tree digest of the bytes appended, but for the leaf the helper may be hashing.
    var tree: TreeDigest
    /// The thread that hashes full halves, nil where none could be made (they are hashed here).
    let helper: UnsafeMutablePointer<lobot_helper>?
    /// The helper's job: the half it hashes, and the leaf digest or failure it leaves.
    let leafJob: UnsafeMutablePointer<LeafJob>
    /// Whether the helper has a job this thread has not yet waited for.
    var hashing = false

    /// Opens `path`, new or truncated, mode `permissions`, around the page cache where its file
    /// system allows.
    public init(creating path: String, permissions: UInt32 = 0o600) throws(LoBotError) {
        let staging = try AlignedBuffer(count: 2 * Self.bufferSize, alignment: Self.alignment)
        let tree = try TreeDigest()
        var opened = lobot_open(path, O_WRONLY | O_CREAT | O_TRUNC | LOBOT_O_DIRECT, permissions)
        let direct = opened >= 0
        if opened < 0 {
            guard lobot_errno() == EINVAL else { throw .system(operation: "cannot open", path: path, errno: lobot_errno()) }
            opened = try retryingSystemCall("cannot open", path: path) { lobot_open(path, O_WRONLY | O_CREAT | O_TRUNC, permissions) }
        }
        var aio: UnsafeMutablePointer<lobot_aio>? = nil
        if direct {
            let state = UnsafeMutablePointer<lobot_aio>.allocate(capacity: 1)
            if lobot_aio_setup(state) == 0 { aio = state } else { state.deallocate() }
        }
        let helper = UnsafeMutablePointer<lobot_helper>.allocate(capacity: 1)
        let started = lobot_helper_start(helper) { raw in
            raw!.assumingMemoryBound(to: LeafJob.self).pointee.run()
            return nil
        } == 0
        if !started { helper.deallocate() }
        leafJob = UnsafeMutablePointer<LeafJob>.allocate(capacity: 1)
        leafJob.initialize(to: LeafJob())
        self.helper = started ? helper : nil
        self.tree = tree
        buffer = staging
        fd = opened
        self.aio = aio
        self.direct = direct
        self.path = path
    }

    /// Waits for the leaf being hashed and ends the helper, waits for a write in flight
    /// (io_destroy), then closes the file.
    deinit {
        if let helper {
            if hashing { lobot_helper_wait(helper) }
            lobot_helper_stop(helper)
            helper.deallocate()
        }
        leafJob.deinitialize(count: 1)
        leafJob.deallocate()
        if let aio {
            lobot_aio_destroy(aio)
            aio.deallocate()
        }
        _ = close(fd)
    }

    /// Appends `count` bytes at `bytes`, writing every full half.
    public mutating func append(_ bytes: UnsafeRawPointer, count: Int) throws(LoBotError) {
        var offset = 0
        while offset < count {
            let n = min(count - offset, Self.bufferSize - filled)
            (current + filled).copyMemory(from: bytes + offset, byteCount: n)
            filled += n
            offset += n
            if filled == Self.bufferSize {
                try measureFullHalf()
                try writeBlocks()
            }
        }
    }

    public mutating func append(_ bytes: [UInt8]) throws(LoBotError) {
        try withBytes(bytes) { (raw) throws(LoBotError) in try append(raw.baseAddress!, count: raw.count) }
    }

    /// Writes what is left (the part block through the page cache), cuts the file to the bytes
    /// appended, then fsync(2); returns the tree digest of the bytes appended.
    @discardableResult
    public mutating func finish() throws(LoBotError) -> [UInt8] {
        try awaitLeaf()
        if filled > 0 { try tree.update(UnsafeRawPointer(current), count: filled) }
        try writeBlocks()
        try awaitPending()
        if filled > 0 {
            if direct { try throughPageCache() }
            try writeNow(current, count: filled, at: written)
            written += Int64(filled)
            filled = 0
        }
        if allocated > written {
            _ = try retryingSystemCall("cannot truncate", path: path) { ftruncate(fd, off_t(written)) }
        }
        _ = try retryingSystemCall("cannot fsync", path: path) { fsync(fd) }
        return try tree.finish()
    }

    /// The half just filled is a whole leaf: handed to the helper, once it is done with the
    /// other half (which this thread fills next), or hashed here where there is no helper.
    mutating func measureFullHalf() throws(LoBotError) {
        try awaitLeaf()
        guard let helper else {
            try tree.update(UnsafeRawPointer(current), count: Self.bufferSize)
            return
        }
        leafJob.pointee = LeafJob(leaf: UnsafeRawPointer(current))
        lobot_helper_post(helper, UnsafeMutableRawPointer(leafJob))
        hashing = true
    }

    /// Waits for the helper's leaf, if it has one, and appends its digest.
    mutating func awaitLeaf() throws(LoBotError) {
        guard hashing, let helper else { return }
        lobot_helper_wait(helper)
        hashing = false
        if let failure = leafJob.pointee.failure { throw failure }
        try tree.append(leafDigest: leafJob.pointee.digest)
    }

    /// The file's size so far, what was appended.
    public var size: Int64 { written + Int64(filled) }

    /// The half being filled.
    var current: UnsafeMutableRawPointer { buffer.pointer + half * Self.bufferSize }

    /// Writes the whole blocks gathered: submitted while the other half fills, where AIO works;
    /// the part block left moves to the start of the half filled next.
    mutating func writeBlocks() throws(LoBotError) {
        let blocks = filled / Self.alignment * Self.alignment
        guard blocks > 0 else { return }
        let rest = filled - blocks
        try awaitPending()
        if let aio, direct {
            // Ahead of the write, so that it does not extend the file; a file system that
            // cannot (EOPNOTSUPP) gets writes that complete as they are submitted.
            if written + Int64(blocks) > allocated,
               lobot_allocate(fd, allocated, written + Int64(blocks) - allocated + Self.allocationStep) == 0 {
                allocated = written + Int64(blocks) + Self.allocationStep
            }
            if lobot_aio_pwrite(aio, fd, current, blocks, written) == 0 {
                pendingOffset = written
                pendingCount = blocks
                let next = buffer.pointer + (1 - half) * Self.bufferSize
                if rest > 0 { next.copyMemory(from: current + blocks, byteCount: rest) }
                half = 1 - half
                written += Int64(blocks)
                filled = rest
                return
            }
        }
        try writeNow(current, count: blocks, at: written)
        // This half is filled again next: the helper must be done with it.
        try awaitLeaf()
        if rest > 0 { current.copyMemory(from: current + blocks, byteCount: rest) }
        written += Int64(blocks)
        filled = rest
    }

    /// Waits for the write in flight. One the file system refused (EINVAL: it took the O_DIRECT
    /// open but not the write) is written again through the page cache; a short one means the
    /// disk is full.
    mutating func awaitPending() throws(LoBotError) {
        guard let aio, pendingCount > 0 else { return }
        let result = lobot_aio_wait(aio)
        let count = pendingCount
        pendingCount = 0
        if result == Int64(count) {
            writtenDirect += Int64(count)
        } else if result == -Int64(EINVAL) {
            try throughPageCache()
            try writeNow(buffer.pointer + (1 - half) * Self.bufferSize, count: count, at: pendingOffset)
        } else {
            throw .system(operation: "cannot write", path: path, errno: result < 0 ? Int32(-result) : ENOSPC)
        }
    }

    /// pwrite(2) of `count` bytes at `bytes` to `offset`, now. A file system that took the
    /// O_DIRECT open but refuses its write (EINVAL) gets it through the page cache.
    mutating func writeNow(_ bytes: UnsafeMutableRawPointer, count: Int, at offset: Int64) throws(LoBotError) {
        var done = 0
        while done < count {
            let n = pwrite(fd, bytes + done, count - done, off_t(offset) + off_t(done))
            if n >= 0 {
                done += n
                continue
            }
            let code = lobot_errno()
            if code == EINTR { continue }
            guard code == EINVAL, direct else { throw .system(operation: "cannot write", path: path, errno: code) }
            try throughPageCache()
        }
        let end = offset + Int64(count)
        if direct {
            writtenDirect += Int64(count)
        } else if end - writtenBack >= Self.writebackSize {
            _ = lobot_start_writeback(fd, writtenBack, end - writtenBack)
            writtenBack = end
        }
    }

    /// Clears O_DIRECT: what follows goes through the page cache.
    mutating func throughPageCache() throws(LoBotError) {
        _ = try retryingSystemCall("cannot clear O_DIRECT on", path: path) { lobot_clear_direct(fd) }
        direct = false
    }
}

/// One leaf for the helper thread: it hashes the MiB at `leaf` and leaves the digest, or why not.
struct LeafJob {
    var leaf: UnsafeRawPointer? = nil
    var digest: [UInt8] = []
    var failure: LoBotError? = nil

    mutating func run() {
        do throws(LoBotError) {
            digest = try TreeDigest.leafDigest(leaf!, count: TreeDigest.leafSize)
        } catch {
            failure = error
        }
    }
}
