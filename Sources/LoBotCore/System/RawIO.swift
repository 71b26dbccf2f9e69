// Reading and writing raw descriptors the process did not open itself (stdin and stdout of the
// stream filters qemu runs), with EINTR retried and short transfers completed.
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
}
