// A QMP client (qemu's machine protocol: JSON lines over a unix socket) for the few commands an
// aDom's life needs: stop, getfd, migrate, query-migrate, cont, quit. Replies are found by their
// "return"/"error" member; asynchronous events in between are skipped.
import LoBotCore

final class QMP {
    private let fd: Int32
    private var buffered: [UInt8] = []

    /// Connects and negotiates capabilities; waits up to `seconds` for the socket.
    init(socket path: String, seconds: Int = 30) throws(LoBotError) {
        fd = try Self.connect(path, deadline: monotonicMilliseconds() + seconds * 1000)
    }

    /// Connects, trying again every few milliseconds until `deadline`; then the last failure is reported.
    private static func connect(_ path: String, deadline: Int) throws(LoBotError) -> Int32 {
        while true {
            do throws(LoBotError) {
                return try UnixSocket.connect(path)
            } catch {
                guard monotonicMilliseconds() < deadline else {
                    guard case .system(_, _, let code) = error else { throw error }
                    throw .system(operation: "cannot reach QMP at", path: path, errno: code)
                }
            }
            Clock.pause(milliseconds: Clock.pollMilliseconds)
        }
    }

    /// Reads the greeting and negotiates capabilities.
    func handshake() throws(LoBotError) {
        _ = try readLine()
        _ = try execute("qmp_capabilities")
    }

    deinit {
        let fd = self.fd
        Console.bestEffort("cannot close the QMP connection") { () throws(LoBotError) in try RawIO.close(fd) }
    }

    /// Sends one command, with `descriptor` passed along it (SCM_RIGHTS, for getfd) if given;
    /// returns the reply line ("return" or throws on "error").
    func execute(_ command: String, arguments: String? = nil, passing descriptor: Int32? = nil) throws(LoBotError) -> String {
        var message = "{\"execute\":\"\(command)\""
        if let arguments { message += ",\"arguments\":\(arguments)" }
        message += "}\n"
        var bytes = Array(message.utf8)
        if let descriptor {
            // The descriptor rides on the first byte sent; the rest follows as usual.
            let sent = try UnixSocket.send(fd, bytes, passing: descriptor)
            bytes.removeFirst(sent)
        }
        try RawIO.writeAll(fd, bytes)
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
            Clock.pause(milliseconds: Clock.pollMilliseconds)
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
            let n = try Self.read(fd, into: &chunk)
            guard n > 0 else { throw .invalidArgument("qemu closed its QMP socket") }
            buffered += chunk[0..<n]
        }
    }

    private static func read(_ fd: Int32, into chunk: inout [UInt8]) throws(LoBotError) -> Int {
        do throws(LoBotError) {
            return try RawIO.read(fd, into: &chunk)
        } catch {
            guard case .system(_, _, let code) = error else { throw error }
            throw .system(operation: "cannot read QMP", path: "", errno: code)
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
}
