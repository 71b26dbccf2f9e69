// The unix sockets of an aDom's life: qemu's QMP socket, which lobot connects to, and the guest
// TPM server's control socket, on which it listens, accepts qemu, and receives the data channel's
// descriptor (SCM_RIGHTS). The sockaddr_un and cmsg work is in the CLibC shim; here every result
// is checked and becomes a LoBotError that names the socket.
import CLibC

public enum UnixSocket {
    /// A stream socket connected to the one listening at `path`.
    public static func connect(_ path: String) throws(LoBotError) -> Int32 {
        try retryingSystemCall("cannot connect to", path: path) { lobot_unix_connect(path) }
    }

    /// A stream socket listening at `path` (0600; a stale socket there is replaced).
    public static func listen(_ path: String) throws(LoBotError) -> Int32 {
        try retryingSystemCall("cannot listen on", path: path) { lobot_unix_listen(path) }
    }

    /// accept(2) on a listening socket; the new connection is close-on-exec.
    public static func accept(_ listener: Int32) throws(LoBotError) -> Int32 {
        try retryingSystemCall("cannot accept a connection") { lobot_accept(listener) }
    }

    /// What one receive brought: the byte count (0 at end of stream) and the descriptor sent with
    /// the bytes, if any (the caller owns and closes it).
    public struct Received: Equatable, Sendable {
        public let count: Int
        public let descriptor: Int32?
    }

    /// recvmsg(2) into `buffer`, taking at most one descriptor (any more are closed).
    public static func receive(_ fd: Int32, into buffer: inout [UInt8]) throws(LoBotError) -> Received {
        var passed: Int32 = -1
        let n = try withMutableBytes(&buffer) { (raw) throws(LoBotError) -> Int in
            try retryingSystemCall("cannot receive from a socket") { lobot_recv_with_fd(fd, raw.baseAddress, UInt(raw.count), &passed) }
        }
        return Received(count: n, descriptor: passed >= 0 ? passed : nil)
    }

    /// sendmsg(2) of `bytes` with `descriptor` as SCM_RIGHTS; the count sent.
    public static func send(_ fd: Int32, _ bytes: [UInt8], passing descriptor: Int32) throws(LoBotError) -> Int {
        try withBytes(bytes) { (raw) throws(LoBotError) -> Int in
            try retryingSystemCall("cannot send to a socket") { lobot_send_with_fd(fd, raw.baseAddress, UInt(raw.count), descriptor) }
        }
    }
}
