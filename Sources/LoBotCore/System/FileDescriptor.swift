// An open file descriptor that closes itself. Wraps open(2), read(2), write(2), fsync(2),
// flock(2); errors carry the path so a message names the file.
import CLibC

public struct FileDescriptor: ~Copyable {
    public let raw: Int32
    public let path: String

    public struct Mode: Sendable {
        public let flags: Int32
        public static let readOnly = Mode(flags: O_RDONLY)
        /// Creates a new file; fails if it exists.
        public static let createNew = Mode(flags: O_WRONLY | O_CREAT | O_EXCL)
        /// Creates or truncates.
        public static let createOrTruncate = Mode(flags: O_WRONLY | O_CREAT | O_TRUNC)
        public static let readWriteCreate = Mode(flags: O_RDWR | O_CREAT)
        public static let directory = Mode(flags: O_RDONLY | O_DIRECTORY)
        /// Writes an existing file or device in place.
        public static let writeExisting = Mode(flags: O_WRONLY)
        /// Reads and writes an existing file or device.
        public static let readWrite = Mode(flags: O_RDWR)
        /// Reads around the page cache (O_DIRECT): buffers, offsets and counts aligned to the
        /// device's block size (AlignedBuffer).
        public static let readOnlyDirect = Mode(flags: O_RDONLY | LOBOT_O_DIRECT)
    }

    /// open(2); `permissions` applies when the file is created.
    public init(opening path: String, _ mode: Mode, permissions: UInt32 = 0o600) throws(LoBotError) {
        let fd = try retryingSystemCall("cannot open", path: path) {
            lobot_open(path, mode.flags, permissions)
        }
        self.raw = fd
        self.path = path
    }

    deinit { _ = close(raw) }

    /// read(2) into `buffer` up to `count` bytes; 0 at end of file.
    public func read(into buffer: UnsafeMutableRawPointer, count: Int) throws(LoBotError) -> Int {
        try retryingSystemCall("cannot read", path: path) { CLibC.read(raw, buffer, count) }
    }

    /// pread(2) into `buffer` up to `count` bytes at `offset`; 0 at end of file.
    public func read(into buffer: UnsafeMutableRawPointer, count: Int, at offset: UInt64) throws(LoBotError) -> Int {
        try retryingSystemCall("cannot read", path: path) { pread(raw, buffer, count, off_t(offset)) }
    }

    /// Reads exactly `count` bytes from the current position; fewer is an error naming `what`.
    public func readExactly(_ count: Int, what: String) throws(LoBotError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = try withMutableBytes(&out) { (buffer) throws(LoBotError) -> Int in
                try read(into: buffer.baseAddress! + done, count: count - done)
            }
            guard n > 0 else { throw .invalidArgument("\(what) ends after \(done) of \(count) bytes") }
            done += n
        }
        return out
    }

    /// Reads the whole rest of the file, refusing more than `maximum` bytes.
    public func readAll(maximum: Int) throws(LoBotError) -> [UInt8] {
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = try withMutableBytes(&chunk) { (buf) throws(LoBotError) -> Int in
                try read(into: buf.baseAddress!, count: buf.count)
            }
            if n == 0 { return out }
            guard out.count + n <= maximum else {
                throw .invalidArgument("\(path) is larger than the \(maximum)-byte limit for this kind of file")
            }
            out.append(contentsOf: chunk[0..<n])
        }
    }

    /// write(2) until every byte is written.
    public func writeAll(_ bytes: [UInt8]) throws(LoBotError) {
        try withBytes(bytes) { (buf) throws(LoBotError) in
            var done = 0
            while done < buf.count {
                let n = try retryingSystemCall("cannot write", path: path) {
                    CLibC.write(raw, buf.baseAddress! + done, buf.count - done)
                }
                done += n
            }
        }
    }

    /// fsync(2).
    public func sync() throws(LoBotError) {
        _ = try retryingSystemCall("cannot fsync", path: path) { fsync(raw) }
    }

    /// flock(2) exclusive without waiting: false when another descriptor holds it.
    public func tryLockExclusive() throws(LoBotError) -> Bool {
        while true {
            if flock(raw, LOCK_EX | LOCK_NB) == 0 { return true }
            let code = lobot_errno()
            if code == EINTR { continue }
            if code == EWOULDBLOCK { return false }
            throw .system(operation: "cannot lock", path: path, errno: code)
        }
    }

    /// fstat(2) size.
    public func size() throws(LoBotError) -> Int {
        var info = stat()
        _ = try retryingSystemCall("cannot stat", path: path) { fstat(raw, &info) }
        return Int(info.st_size)
    }

    /// Advises the kernel the file is read once, front to back.
    public func adviseSequential() {
        _ = posix_fadvise(raw, 0, 0, POSIX_FADV_SEQUENTIAL)
    }
}
