// A QMP client for the tests and the bench: it asks a qemu LoBot started (or the bench's insecure
// twin) what it is doing -- its migration's parameters and progress -- and drives the twin.
import Foundation

/// Just enough QMP: one command at a time, replies found by "return"/"error".
public final class QMPClient {
    private let handle: FileHandle
    private var buffer = Data()

    public init(socket path: String) throws {
        let deadline = Date().addingTimeInterval(30)
        var fd: Int32 = -1
        while true {
            fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { raw in
                for (i, byte) in path.utf8.prefix(raw.count - 1).enumerated() { raw[i] = byte }
            }
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            if connected == 0 { break }
            close(fd)
            guard Date() < deadline else { throw TestSupportError.failed("cannot reach QMP at \(path)") }
            Thread.sleep(forTimeInterval: 0.02)
        }
        handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        _ = try line()
        try execute("qmp_capabilities")
    }

    private func line() throws -> String {
        while true {
            if let newline = buffer.firstIndex(of: 0x0a) {
                let text = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                buffer = Data(buffer[(newline + 1)...])
                return text
            }
            let chunk = handle.availableData
            guard !chunk.isEmpty else { throw TestSupportError.failed("qemu closed QMP") }
            buffer += chunk
        }
    }

    @discardableResult
    public func execute(_ command: String, arguments: String? = nil) throws -> String {
        var message = "{\"execute\":\"\(command)\""
        if let arguments { message += ",\"arguments\":\(arguments)" }
        try handle.write(contentsOf: Data((message + "}\n").utf8))
        while true {
            let reply = try line()
            if reply.contains("\"return\"") { return reply }
            if reply.contains("\"error\"") { throw TestSupportError.failed("qemu refused \(command): \(reply)") }
        }
    }

    public func waitForMigration() throws {
        while true {
            let reply = try execute("query-migrate")
            if reply.contains("\"completed\"") { return }
            if reply.contains("\"failed\"") { throw TestSupportError.failed("migration failed: \(reply)") }
            Thread.sleep(forTimeInterval: 0.025)
        }
    }
}
