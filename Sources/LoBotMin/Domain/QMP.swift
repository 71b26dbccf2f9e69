// A QMP client (qemu's machine protocol: JSON lines over a unix socket) for the few commands an
// aDom's life needs: stop, migrate, query-migrate, cont, quit. Replies are found by their
// "return"/"error" member; asynchronous events in between are skipped.
import CLibC
import LoBotCore

final class QMP {
    private let fd: Int32
    private var buffered: [UInt8] = []

    /// Connects and negotiates capabilities; waits up to `seconds` for the socket.
    init(socket path: String, seconds: Int = 30) throws(LoBotError) {
        let deadline = monotonicMilliseconds() + seconds * 1000
        var connected: Int32 = -1
        while true {
            connected = lobot_unix_connect(path)
            if connected >= 0 { break }
            guard monotonicMilliseconds() < deadline else { throw .system(operation: "cannot reach QMP at", path: path, errno: lobot_errno()) }
            var pause = timespec(tv_sec: 0, tv_nsec: 20_000_000)
            _ = nanosleep(&pause, nil)
        }
        fd = connected
    }

    /// Reads the greeting and negotiates capabilities.
    func handshake() throws(LoBotError) {
        _ = try readLine()
        _ = try execute("qmp_capabilities")
    }

    deinit { _ = close(fd) }

    /// Sends one command; returns the reply line ("return" or throws on "error").
    func execute(_ command: String, arguments: String? = nil) throws(LoBotError) -> String {
        var message = "{\"execute\":\"\(command)\""
        if let arguments { message += ",\"arguments\":\(arguments)" }
        message += "}\n"
        try RawIO.writeAll(fd, Array(message.utf8))
        while true {
            let line = try readLine()
            if Self.contains(line, "\"return\"") { return line }
            if Self.contains(line, "\"error\"") { throw .invalidArgument("qemu refused \(command): \(line)") }
        }
    }

    /// Polls query-migrate until completed; throws if the migration failed.
    func waitForMigration(seconds: Int) throws(LoBotError) {
        let deadline = monotonicMilliseconds() + seconds * 1000
        while true {
            let reply = try execute("query-migrate")
            if Self.contains(reply, "\"completed\"") { return }
            if Self.contains(reply, "\"failed\"") || Self.contains(reply, "\"cancelled\"") {
                throw .invalidArgument("the aDom's migration failed: \(reply)")
            }
            guard monotonicMilliseconds() < deadline else { throw .invalidArgument("the aDom's migration did not finish in \(seconds) s") }
            var pause = timespec(tv_sec: 0, tv_nsec: 25_000_000)
            _ = nanosleep(&pause, nil)
        }
    }

    private func readLine() throws(LoBotError) -> String {
        while true {
            if let newline = buffered.firstIndex(of: 0x0a) {
                let line = String(decoding: buffered[0..<newline], as: UTF8.self)
                buffered.removeFirst(newline + 1)
                return line
            }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let n = try withMutableBytes(&chunk) { (raw) throws(LoBotError) -> Int in
                try Self.read(fd, raw.baseAddress!, raw.count)
            }
            guard n > 0 else { throw .invalidArgument("qemu closed its QMP socket") }
            buffered += chunk[0..<n]
        }
    }

    private static func read(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) throws(LoBotError) -> Int {
        while true {
            let n = CLibC.read(fd, buffer, count)
            if n >= 0 { return n }
            if lobot_errno() != EINTR { throw .system(operation: "cannot read QMP", path: "", errno: lobot_errno()) }
        }
    }

    static func contains(_ text: String, _ needle: String) -> Bool {
        let haystack = Array(text.utf8)
        let pattern = Array(needle.utf8)
        guard haystack.count >= pattern.count else { return false }
        for start in 0...(haystack.count - pattern.count) where haystack[start..<start + pattern.count].elementsEqual(pattern) {
            return true
        }
        return false
    }

    /// A JSON string literal.
    static func quote(_ text: String) -> String {
        var out = "\""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += "\\\""
            case UInt8(ascii: "\\"): out += "\\\\"
            default: out += String(decoding: [byte], as: UTF8.self)
            }
        }
        return out + "\""
    }
}
