// Reading, writing and closing raw descriptors that no FileDescriptor owns (stdin and stdout of
// the stream filters qemu runs, sockets, the data channel qemu hands the guest TPM server), with
// EINTR retried, short transfers completed, and close's result reported.
import CLibC

public enum RawIO {
    /// Reads until `buffer` is full or the input ends; the count read.
    public static func readFully(_ fd: Int32, into buffer: inout [UInt8]) throws(LoBotError) -> Int {
        var done = 0
        while done < buffer.count {
            let n = try withMutableBytes(&buffer) { (raw) throws(LoBotError) -> Int in
                try retryingSystemCall("cannot read") { CLibC.read(fd, raw.baseAddress! + done, raw.count - done) }
            }
            if n == 0 { break }
            done += n
        }
        return done
    }

    public static func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws(LoBotError) {
        try withBytes(bytes) { (raw) throws(LoBotError) in
            var done = 0
            while done < raw.count {
                done += try retryingSystemCall("cannot write") { CLibC.write(fd, raw.baseAddress! + done, raw.count - done) }
            }
        }
    }

    /// One read(2) into `buffer` (EINTR retried): the count read, 0 at the end of the input.
    public static func read(_ fd: Int32, into buffer: inout [UInt8]) throws(LoBotError) -> Int {
        try withMutableBytes(&buffer) { (raw) throws(LoBotError) -> Int in
            try retryingSystemCall("cannot read") { CLibC.read(fd, raw.baseAddress!, raw.count) }
        }
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
