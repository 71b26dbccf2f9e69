// Writes a new file from its first byte to its last around the page cache (O_DIRECT), for the
// sealed memory state and disk of an aDom: written once, never read back by the process that
// seals them, hundreds of MiB. Through the page cache, each of those bytes takes a page the
// kernel must find, and on a VM whose host reclaims freed memory (free page reporting) that was
// most of the sealing's CPU: 1.31 s for a 400 MiB state (bench, 3 runs), 0.5 s around it.
// Bytes are gathered in one aligned buffer and written in whole blocks at aligned offsets; the
// last part block goes through the page cache (O_DIRECT cleared), so the file holds exactly the
// bytes appended. Where the file system refuses O_DIRECT, the file is written through the page
// cache, its writeback started as it goes, so its closing fsync has little left to do.
// Writes are synchronous: Linux AIO was tried to overlap them with the sealing and measured no
// faster (ext4 completes a write that extends the file inside io_submit).
import CLibC

public struct SequentialFileWriter: ~Copyable {
    /// The block size offsets and counts are aligned to: the largest logical block size of a disk
    /// Linux drives (4Kn), so a multiple of every smaller one.
    static let alignment = 4096
    /// Bytes gathered before they are written: one chunk of a sealed stream.
    static let bufferSize = 1 << 20
    /// How much written through the page cache before its writeback is started.
    static let writebackSize: Int64 = 16 << 20

    let fd: Int32
    let path: String
    let buffer: AlignedBuffer
    var filled = 0
    var written: Int64 = 0
    var writtenBack: Int64 = 0
    /// Whether `fd` is open with O_DIRECT.
    var direct: Bool
    /// The bytes written around the page cache: every whole block, where O_DIRECT works.
    public private(set) var writtenDirect: Int64 = 0

    /// Opens `path`, new or truncated, mode `permissions`, around the page cache where its file
    /// system allows.
    public init(creating path: String, permissions: UInt32 = 0o600) throws(LoBotError) {
        let staging = try AlignedBuffer(count: Self.bufferSize, alignment: Self.alignment)
        var opened = lobot_open(path, O_WRONLY | O_CREAT | O_TRUNC | LOBOT_O_DIRECT, permissions)
        let direct = opened >= 0
        if opened < 0 {
            guard lobot_errno() == EINVAL else { throw .system(operation: "cannot open", path: path, errno: lobot_errno()) }
            opened = try retryingSystemCall("cannot open", path: path) { lobot_open(path, O_WRONLY | O_CREAT | O_TRUNC, permissions) }
        }
        buffer = staging
        fd = opened
        self.direct = direct
        self.path = path
    }

    deinit { _ = close(fd) }

    /// Appends `count` bytes at `bytes`, writing every full buffer.
    public mutating func append(_ bytes: UnsafeRawPointer, count: Int) throws(LoBotError) {
        var offset = 0
        while offset < count {
            let n = min(count - offset, buffer.count - filled)
            (buffer.pointer + filled).copyMemory(from: bytes + offset, byteCount: n)
            filled += n
            offset += n
            if filled == buffer.count { try writeBlocks() }
        }
    }

    public mutating func append(_ bytes: [UInt8]) throws(LoBotError) {
        try withBytes(bytes) { (raw) throws(LoBotError) in try append(raw.baseAddress!, count: raw.count) }
    }

    /// Writes what is left (the part block through the page cache), then fsync(2).
    public mutating func finish() throws(LoBotError) {
        try writeBlocks()
        if filled > 0 {
            if direct { try throughPageCache() }
            try write(count: filled)
            filled = 0
        }
        _ = try retryingSystemCall("cannot fsync", path: path) { fsync(fd) }
    }

    /// The file's size so far, what was appended.
    public var size: Int64 { written + Int64(filled) }

    /// Writes the whole blocks gathered and keeps the rest (less than a block) at the buffer's start.
    mutating func writeBlocks() throws(LoBotError) {
        let blocks = filled / Self.alignment * Self.alignment
        guard blocks > 0 else { return }
        try write(count: blocks)
        let rest = filled - blocks
        if rest > 0 { buffer.pointer.copyMemory(from: buffer.pointer + blocks, byteCount: rest) }
        filled = rest
    }

    /// Writes the buffer's first `count` bytes at the end of the file. A file system that took
    /// the O_DIRECT open but refuses its write (EINVAL) gets it through the page cache.
    mutating func write(count: Int) throws(LoBotError) {
        var done = 0
        while done < count {
            let n = CLibC.write(fd, buffer.pointer + done, count - done)
            if n >= 0 {
                done += n
                continue
            }
            let code = lobot_errno()
            if code == EINTR { continue }
            guard code == EINVAL, direct else { throw .system(operation: "cannot write", path: path, errno: code) }
            try throughPageCache()
        }
        written += Int64(count)
        if direct {
            writtenDirect += Int64(count)
        } else if written - writtenBack >= Self.writebackSize {
            _ = lobot_start_writeback(fd, writtenBack, written - writtenBack)
            writtenBack = written
        }
    }

    /// Clears O_DIRECT: what follows goes through the page cache.
    mutating func throughPageCache() throws(LoBotError) {
        _ = try retryingSystemCall("cannot clear O_DIRECT on", path: path) { lobot_clear_direct(fd) }
        direct = false
    }
}
