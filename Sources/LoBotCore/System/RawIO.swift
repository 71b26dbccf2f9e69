// Reading, writing and closing raw descriptors that no FileDescriptor owns (stdin and stdout of
// the stream filters qemu runs, sockets, the data channel qemu hands the guest TPM server), with
// EINTR retried, short transfers completed, and close's result reported.
import CLibC

public enum RawIO {
    /// Reads until `buffer` is full or the input ends; the count read.
    public static func readFully(_ fd: Int32, into buffer: inout [UInt8]) throws(LoBotError) -> Int {
        try readFully(fd, into: &buffer, start: 0, count: buffer.count)
    }

    /// Reads into `buffer[start..<start+count]` until it is full or the input ends; the count read.
    public static func readFully(_ fd: Int32, into buffer: inout [UInt8], start: Int, count: Int) throws(LoBotError) -> Int {
        guard start >= 0, count >= 0, start + count <= buffer.count else { throw .invalidArgument("read outside its buffer") }
        var done = 0
        while done < count {
            let n = try withMutableBytes(&buffer) { (raw) throws(LoBotError) -> Int in
                try retryingSystemCall("cannot read") { CLibC.read(fd, raw.baseAddress! + start + done, count - done) }
            }
            if n == 0 { break }
            done += n
        }
        return done
    }

    /// Writes the first `count` bytes of `bytes`.
    public static func writeAll(_ fd: Int32, _ bytes: [UInt8], count: Int) throws(LoBotError) {
        guard count >= 0, count <= bytes.count else { throw .invalidArgument("write outside its buffer") }
        try withBytes(bytes) { (raw) throws(LoBotError) in
            var done = 0
            while done < count {
                done += try retryingSystemCall("cannot write") { CLibC.write(fd, raw.baseAddress! + done, count - done) }
            }
        }
    }

    public static func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws(LoBotError) {
        try writeAll(fd, bytes, count: bytes.count)
    }

    /// One read(2) into `buffer` (EINTR retried): the count read, 0 at the end of the input.
    public static func read(_ fd: Int32, into buffer: inout [UInt8]) throws(LoBotError) -> Int {
        try withMutableBytes(&buffer) { (raw) throws(LoBotError) -> Int in
            try retryingSystemCall("cannot read") { CLibC.read(fd, raw.baseAddress!, raw.count) }
        }
    }

    /// open(2) of an existing file or device for reading and writing, close-on-exec (a TPM's
    /// character device); the caller owns the descriptor.
    public static func openReadWrite(_ path: String) throws(LoBotError) -> Int32 {
        try retryingSystemCall("cannot open", path: path) { lobot_open(path, O_RDWR | O_CLOEXEC, 0) }
    }

    /// close(2). EINTR is not retried: Linux has released the descriptor by then, and a second
    /// close could close one another thread just opened.
    public static func close(_ fd: Int32) throws(LoBotError) {
        if CLibC.close(fd) == 0 { return }
        let code = lobot_errno()
        if code == EINTR { return }
        throw .system(operation: "cannot close descriptor \(fd)", path: "", errno: code)
    }
}
