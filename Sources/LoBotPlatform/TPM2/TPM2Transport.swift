// Where the platform's TPM 2.0 is and how its bytes get there: one command out, its whole response
// back. The TPM is named by one environment variable,
//
//   LOBOT_TPM2=/dev/tpmrm0             a character device (the kernel's resource manager, or /dev/tpm0)
//   LOBOT_TPM2=unix:/path/to/socket    swtpm --server type=unixio,path=...
//   LOBOT_TPM2=tcp:127.0.0.1:2321      swtpm --server type=tcp,port=... (loopback only; "localhost"
//                                      is accepted as 127.0.0.1)
//
// and by default /dev/tpmrm0. A response is hostile input: its header's size is read first and
// bounded by TPM2Limits.maxMessageBytes before anything else is read, then exactly that many
// bytes, and the frame is parsed by TPM2Response (a device returns the whole response to one
// read; a socket may deliver it in pieces).
import LoBotCore

/// Where a TPM 2.0 is.
public enum TPM2Target: Equatable, Sendable {
    case device(String)
    case unixSocket(String)
    case tcp(port: UInt16)

    /// The environment variable that names the platform's TPM 2.0.
    public static let environmentVariable = "LOBOT_TPM2"
    public static let defaultDevice = "/dev/tpmrm0"

    /// Reads the LOBOT_TPM2 form: a path starting with "/", "unix:PATH", or "tcp:HOST:PORT" with
    /// HOST 127.0.0.1 or localhost.
    public init(parsing text: String) throws(LoBotError) {
        if text.hasPrefix("/") {
            self = .device(text)
        } else if text.hasPrefix("unix:") {
            let path = String(text.dropFirst(5))
            guard !path.isEmpty else { throw .invalidArgument("\(Self.environmentVariable)=\(text) names no socket") }
            self = .unixSocket(path)
        } else if text.hasPrefix("tcp:") {
            let rest = text.dropFirst(4)
            guard let colon = rest.lastIndex(of: ":") else {
                throw .invalidArgument("\(Self.environmentVariable)=\(text) is not tcp:127.0.0.1:PORT")
            }
            let host = String(rest[rest.startIndex..<colon])
            guard host == "127.0.0.1" || host == "localhost" else {
                throw .invalidArgument(
                    "\(Self.environmentVariable)=\(text): LoBot reaches a TPM over TCP on this machine only (127.0.0.1)"
                )
            }
            guard let port = UInt16(String(rest[rest.index(after: colon)...])), port != 0 else {
                throw .invalidArgument("\(Self.environmentVariable)=\(text) has no valid port")
            }
            self = .tcp(port: port)
        } else {
            throw .invalidArgument(
                "\(Self.environmentVariable)=\(text) is not a device path, unix:PATH or tcp:127.0.0.1:PORT")
        }
    }

    /// The target LOBOT_TPM2 names, /dev/tpmrm0 when it is not set.
    public static func fromEnvironment() throws(LoBotError) -> TPM2Target {
        guard let text = Environment.value(environmentVariable), !text.isEmpty else { return .device(defaultDevice) }
        return try TPM2Target(parsing: text)
    }

    public var description: String {
        switch self {
        case .device(let path): return path
        case .unixSocket(let path): return "unix:" + path
        case .tcp(let port): return "tcp:127.0.0.1:\(port)"
        }
    }
}

/// A connection to a TPM 2.0; closes itself. `disconnect` lets go of it until the next command:
/// a swtpm socket serves one client at a time (the others wait, connected, until it closes), so a
/// long-lived process must not hold it between its uses; /dev/tpmrm0 serves each open on its own.
public final class TPM2Transport {
    public let target: TPM2Target
    private var fd: Int32 = -1

    public init(_ target: TPM2Target) throws(LoBotError) {
        self.target = target
        try connect()
    }

    deinit { disconnect() }

    private func connect() throws(LoBotError) {
        switch target {
        case .device(let path): fd = try RawIO.openReadWrite(path)
        case .unixSocket(let path): fd = try UnixSocket.connect(path)
        case .tcp(let port): fd = try TCPSocket.connectLoopback(port: port)
        }
        if case .device = target { return }
        // A swtpm that went away must make a write fail with EPIPE, not kill this process.
        try AnonymousPipe.ignoreBrokenPipe()
    }

    /// Closes the connection; the next command opens a new one.
    public func disconnect() {
        guard fd >= 0 else { return }
        try? RawIO.close(fd)
        fd = -1
    }

    /// Sends `command` (a whole TPM2Command frame) and returns the response frame.
    public func transmit(_ command: TPM2Command) throws(LoBotError) -> TPM2Response {
        let bytes = command.bytes
        guard bytes.count <= TPM2Limits.maxMessageBytes else {
            throw .invalidArgument(
                "a \(bytes.count)-byte TPM 2.0 command is larger than \(TPM2Limits.maxMessageBytes) bytes")
        }
        if fd < 0 { try connect() }
        try RawIO.writeAll(fd, bytes)
        var buffer = [UInt8](repeating: 0, count: TPM2Limits.maxMessageBytes)
        var have = 0
        // RSA_Decrypt's and ActivateCredential's answers are secrets: the read buffer goes wiped.
        defer { wipe(&buffer) }
        if case .device = target {
            // The kernel hands over the whole response to one read; a shorter read could lose the rest.
            have = try RawIO.read(fd, into: &buffer)
            guard have >= TPM2Command.headerLength, have == Self.declaredSize(buffer) else {
                throw .invalidArgument(
                    "the TPM 2.0 at \(target.description) answered with \(have) bytes, not a whole response")
            }
        }
        var expected = TPM2Command.headerLength
        while have < expected {
            let n = try RawIO.readFully(fd, into: &buffer, start: have, count: expected - have)
            guard n > 0 else {
                throw .invalidArgument(
                    "the TPM 2.0 at \(target.description) closed the connection after \(have) bytes of a response")
            }
            have += n
            if expected == TPM2Command.headerLength {
                let size = Self.declaredSize(buffer)
                guard size >= TPM2Command.headerLength, size <= TPM2Limits.maxMessageBytes else {
                    throw .invalidArgument("the TPM 2.0 at \(target.description) answered with a \(size)-byte response")
                }
                expected = size
            }
        }
        return try TPM2Response(bytes: Array(buffer[0..<have]))
    }

    /// The size field of the response header in `buffer` (at least its first 6 bytes).
    static func declaredSize(_ buffer: [UInt8]) -> Int {
        Int(buffer[2]) << 24 | Int(buffer[3]) << 16 | Int(buffer[4]) << 8 | Int(buffer[5])
    }
}
