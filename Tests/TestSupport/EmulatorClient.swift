// A client of qemu's TPM emulator protocol, for the tests and the bench: it does what qemu does --
// connects to a server's control socket, hands it the data channel (one end of a socketpair, as
// SCM_RIGHTS with CMD_SET_DATAFD), initialises the TPM -- and then sends TPM commands on the data
// channel and reads their responses. It speaks to LoBot's `lobot domain tpm-server` and to
// `swtpm socket --ctrl type=unixio` alike, so both can be timed on the same commands.
import Foundation

public final class EmulatorClient: @unchecked Sendable {
    private let control: Int32
    private let data: Int32

    /// Connects to the control socket at `path` (waiting up to `seconds` for it) and hands over the
    /// data channel.
    public init(socket path: String, seconds: Double = 10) throws {
        let deadline = Date().addingTimeInterval(seconds)
        var fd: Int32 = -1
        while true {
            fd = Self.connect(path)
            if fd >= 0 { break }
            guard Date() < deadline else { throw TestSupportError.failed("cannot connect to \(path)") }
            Thread.sleep(forTimeInterval: 0.02)
        }
        control = fd
        var pair: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair) == 0 else { throw TestSupportError.failed("socketpair failed") }
        data = pair[0]
        try Self.send(control, [0, 0, 0, 0x10], passing: pair[1])  // CMD_SET_DATAFD
        close(pair[1])
        guard try readControl(4) == [0, 0, 0, 0] else { throw TestSupportError.failed("SET_DATAFD refused") }
    }

    deinit {
        close(data)
        close(control)
    }

    static func connect(_ path: String) -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return -1 }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { close(fd); return -1 }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, byte) in bytes.enumerated() { raw[i] = byte }
        }
        let ok = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Foundation.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        if ok != 0 { close(fd); return -1 }
        return fd
    }

    /// sendmsg of `bytes` with `fd` as SCM_RIGHTS (cmsghdr: length, level, type, then the int).
    static func send(_ socket: Int32, _ bytes: [UInt8], passing fd: Int32) throws {
        let headerSize = MemoryLayout<cmsghdr>.size
        var controlBuffer = [UInt8](repeating: 0, count: headerSize + 8)
        controlBuffer.withUnsafeMutableBytes { raw in
            raw.storeBytes(of: headerSize + MemoryLayout<Int32>.size, toByteOffset: 0, as: Int.self)
            raw.storeBytes(of: SOL_SOCKET, toByteOffset: MemoryLayout<Int>.size, as: Int32.self)
            raw.storeBytes(of: Int32(SCM_RIGHTS), toByteOffset: MemoryLayout<Int>.size + 4, as: Int32.self)
            raw.storeBytes(of: fd, toByteOffset: headerSize, as: Int32.self)
        }
        var payload = bytes
        let sent = payload.withUnsafeMutableBytes { body in
            controlBuffer.withUnsafeMutableBytes { control -> Int in
                var vector = iovec(iov_base: body.baseAddress, iov_len: body.count)
                return withUnsafeMutablePointer(to: &vector) { vectorPointer in
                    var message = msghdr()
                    message.msg_iov = vectorPointer
                    message.msg_iovlen = 1
                    message.msg_control = control.baseAddress
                    message.msg_controllen = control.count
                    return sendmsg(socket, &message, 0)
                }
            }
        }
        guard sent == bytes.count else { throw TestSupportError.failed("sendmsg failed") }
    }

    /// Sends a control request (command word and body) and reads an answer of `answer` bytes.
    @discardableResult
    public func control(_ command: UInt32, _ body: [UInt8] = [], answer: Int = 4) throws -> [UInt8] {
        try Self.writeAll(control, Self.bigEndian(command) + body)
        return try readControl(answer)
    }

    /// INIT (with PTM_INIT_FLAG_DELETE_VOLATILE when `resuming`); throws unless it succeeded.
    public func initialize(resuming: Bool = false) throws {
        guard try control(0x02, Self.bigEndian(resuming ? 1 : 0)) == [0, 0, 0, 0] else { throw TestSupportError.failed("INIT refused") }
    }

    /// One TPM command on the data channel, and its whole response.
    public func command(_ bytes: [UInt8]) throws -> [UInt8] {
        try Self.writeAll(data, bytes)
        let header = try Self.readExactly(data, 10)
        let size = Int(header[2]) << 24 | Int(header[3]) << 16 | Int(header[4]) << 8 | Int(header[5])
        guard size >= 10, size <= 1 << 16 else { throw TestSupportError.failed("response size \(size)") }
        return header + (try Self.readExactly(data, size - 10))
    }

    /// Raw bytes on the data channel (a command that may lie about its size), then whatever
    /// response comes within `seconds`.
    public func raw(_ bytes: [UInt8], seconds: Double = 5) throws -> [UInt8]? {
        try Self.writeAll(data, bytes)
        var poller = pollfd(fd: data, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, Int32(seconds * 1000)) == 1 else { return nil }
        let header = try Self.readExactly(data, 10)
        let size = Int(header[2]) << 24 | Int(header[3]) << 16 | Int(header[4]) << 8 | Int(header[5])
        return header + (try Self.readExactly(data, max(0, size - 10)))
    }

    private func readControl(_ count: Int) throws -> [UInt8] { try Self.readExactly(control, count) }

    static func readExactly(_ fd: Int32, _ count: Int) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = out.withUnsafeMutableBytes { read(fd, $0.baseAddress! + done, count - done) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw TestSupportError.failed("the emulator closed its channel") }
            done += n
        }
        return out
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + done, bytes.count - done) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw TestSupportError.failed("write to the emulator failed") }
            done += n
        }
    }

    public static func bigEndian(_ value: UInt32) -> [UInt8] { [UInt8(value >> 24), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff)] }
}
