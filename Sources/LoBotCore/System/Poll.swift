// Waiting on several descriptors at once (the guest TPM server's one loop over its listening
// socket, qemu's control connection, the data channel and its signalfd), with poll(2)'s result
// checked.
import CLibC

public enum Poll {
    /// poll(2) for input on `descriptors`, up to `timeout` milliseconds (-1: no limit); the ones
    /// ready (readable, hung up or in error), in the order given. A signal that interrupts the wait
    /// returns none ready, so the caller's loop looks at its state again.
    public static func ready(_ descriptors: [Int32], timeout: Int) throws(LoBotError) -> [Int32] {
        var entries = descriptors.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        let count = entries.withUnsafeMutableBufferPointer { poll($0.baseAddress, nfds_t($0.count), Int32(clamping: timeout)) }
        if count < 0 {
            let code = lobot_errno()
            if code == EINTR { return [] }
            throw .system(operation: "cannot poll", path: "", errno: code)
        }
        return entries.filter { $0.revents != 0 }.map { $0.fd }
    }
}
