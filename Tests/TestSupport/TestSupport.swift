// Shared by the test targets: temporary directories that clean up after themselves, running
// the built binaries as subprocesses, and finding them. Tests that need a binary fail (never
// skip) when it is missing, with the command that builds it.
import Foundation

public enum TestSupportError: Error, CustomStringConvertible {
    case missingBinary(String)
    case failed(String)

    public var description: String {
        switch self {
        case .missingBinary(let text), .failed(let text): return text
        }
    }
}

/// A fresh directory under the system temp dir, removed when released. A process killed by a
/// signal never releases it, and a migration's transport area holds gigabytes: so each directory
/// has a sibling `PATH.lock` that its process holds an flock on while it lives, and the first
/// directory a process makes sweeps away those whose lock nobody holds any more.
public final class TemporaryDirectory: @unchecked Sendable {
    public let path: String
    private let lock: Int32

    public init(_ label: String = "lobot-test") throws {
        _ = Self.sweep
        let template = NSTemporaryDirectory() + "\(label)-XXXXXX"
        var bytes = Array(template.utf8CString)
        guard let made = mkdtemp(&bytes) else { throw TestSupportError.failed("mkdtemp failed") }
        path = String(cString: made)
        lock = open(path + ".lock", O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard lock >= 0, flock(lock, LOCK_EX | LOCK_NB) == 0 else {
            try? FileManager.default.removeItem(atPath: path)
            throw TestSupportError.failed("cannot lock \(path).lock")
        }
    }

    deinit {
        // LOBOT_KEEP_TEST_DIRS=1 keeps every directory (and its logs) for a look after a failure.
        if ProcessInfo.processInfo.environment["LOBOT_KEEP_TEST_DIRS"] != "1" { try? FileManager.default.removeItem(atPath: path) }
        unlink(path + ".lock")
        close(lock)
    }

    /// Removes the lobot-* directories of processes that died without cleaning up: a lock file
    /// older than a minute (never one being made) that nobody holds.
    private static let sweep: Void = {
        let root = NSTemporaryDirectory()
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: root) else { return }
        for name in names where name.hasPrefix("lobot-") && name.hasSuffix(".lock") {
            let lockPath = root + "/" + name
            var info = stat()
            guard stat(lockPath, &info) == 0, time(nil) - info.st_mtim.tv_sec > 60 else { continue }
            let fd = open(lockPath, O_RDWR | O_CLOEXEC)
            guard fd >= 0 else { continue }
            defer { close(fd) }
            guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { continue }
            try? FileManager.default.removeItem(atPath: String(lockPath.dropLast(".lock".count)))
            unlink(lockPath)
        }
    }()

    public func file(_ name: String) -> String { path + "/" + name }

    public func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let target = file(name)
        try Data(bytes).write(to: URL(fileURLWithPath: target))
        return target
    }

    public func read(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: file(name))))
    }

    public func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: file(name)) }

    /// Every regular file under the directory, recursively.
    public func allFiles() -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: path) else { return [] }
        var out: [String] = []
        for case let relative as String in walker {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: file(relative), isDirectory: &isDirectory), !isDirectory.boolValue {
                out.append(relative)
            }
        }
        return out.sorted()
    }
}

public struct ProcessResult: Sendable {
    public let status: Int32
    public let stdout: String
    public let stderr: String
    /// User + system CPU seconds of the process (and the children it waited for).
    public var cpuSeconds: Double = 0
    /// Its peak resident set, KiB.
    public var maxRSSKiB: Int = 0

    public var stdoutLines: [String] { stdout.split(separator: "\n").map(String.init) }
}

/// Runs `executable` with `arguments`, waits, and collects its output.
@discardableResult
public func runProcess(
    _ executable: String, _ arguments: [String], environment: [String: String] = [:], currentDirectory: String? = nil
) throws -> ProcessResult {
    try ChildProcess(executable, arguments, environment: environment, currentDirectory: currentDirectory).wait()
}

/// Whether `needle` occurs anywhere in `haystack` (the secret scans). libc's memchr finds each
/// candidate first byte and memcmp compares: the scans read hundreds of megabytes, which a byte
/// loop in a debug build takes a minute over.
public func bytesContain(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
    guard !needle.isEmpty, haystack.count >= needle.count else { return false }
    return haystack.withUnsafeBytes { hay in
        needle.withUnsafeBytes { pin in
            guard let base = hay.baseAddress, let pattern = pin.baseAddress else { return false }
            let last = hay.count - pin.count
            var offset = 0
            while offset <= last {
                guard let found = memchr(base + offset, Int32(pin[0]), last - offset + 1) else { return false }
                if memcmp(found, pattern, pin.count) == 0 { return true }
                offset = UnsafeRawPointer(found) - base + 1
            }
            return false
        }
    }
}

/// Runs `executable` under GNU time to learn its true peak RSS: a child spawned straight from a
/// large process reports the parent's RSS as its own peak (posix_spawn shares the parent's memory
/// until exec, and Linux keeps that high-water mark), while time forks from a small process.
public func runMeasuringMemory(
    _ executable: String, _ arguments: [String], environment: [String: String] = [:]
) throws -> ProcessResult {
    let report = NSTemporaryDirectory() + "/lobot-rss-\(getpid())-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: report) }
    var result = try runProcess("/usr/bin/time", ["-f", "%M", "-o", report, executable] + arguments, environment: environment)
    let text = (try? String(contentsOfFile: report, encoding: .utf8)) ?? ""
    result.maxRSSKiB = text.split(whereSeparator: \.isNewline).last.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } ?? 0
    return result
}

/// A child started with posix_spawn and reaped with waitpid in the calling thread (Foundation's
/// Process misses exits when tests start many children at once). Output pipes are close-on-exec
/// so concurrently spawned children never inherit each other's, and reading stops once the
/// child has exited, so a daemon it left holding the pipe cannot hang a test.
public final class ChildProcess: @unchecked Sendable {
    public let pid: pid_t
    private let output: Int32
    private let errors: Int32

    public init(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                currentDirectory: String? = nil) throws {
        var outPipe: [Int32] = [0, 0]
        var errPipe: [Int32] = [0, 0]
        guard pipe(&outPipe) == 0, pipe(&errPipe) == 0 else { throw TestSupportError.failed("pipe failed") }
        // pipe2 is not visible to Swift; a child spawned by another thread in this instant may
        // inherit an end, which is harmless: reading stops when our own child exits.
        for fd in outPipe + errPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        // posix_spawn_file_actions_addchdir_np is not visible to Swift: a shell changes directory.
        let command = currentDirectory.map { ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", $0, executable] + arguments }
            ?? [executable] + arguments
        let argv: [UnsafeMutablePointer<CChar>?] = command.map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var child = pid_t()
        let rc = posix_spawn(&child, command[0], &actions, nil, argv, envp)
        close(outPipe[1])
        close(errPipe[1])
        guard rc == 0 else {
            close(outPipe[0])
            close(errPipe[0])
            throw TestSupportError.failed("cannot run \(executable): \(String(cString: strerror(rc)))")
        }
        pid = child
        output = outPipe[0]
        errors = errPipe[0]
    }

    /// Collects stdout and stderr until the child exits, then reaps it.
    public func wait() -> ProcessResult {
        var out: [UInt8] = []
        var err: [UInt8] = []
        var status: Int32 = 0
        var usage = rusage()
        var exited = false
        var open: Set<Int32> = [output, errors]
        var buffer = [UInt8](repeating: 0, count: 65536)
        while !open.isEmpty {
            var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let ready = poll(&fds, nfds_t(fds.count), exited ? 0 : 50)
            if ready <= 0 {
                if exited { break }
                if wait4(pid, &status, WNOHANG, &usage) == pid { exited = true }
                continue
            }
            for entry in fds where entry.revents != 0 {
                let count = read(entry.fd, &buffer, buffer.count)
                if count > 0 {
                    if entry.fd == output { out += buffer[0..<count] } else { err += buffer[0..<count] }
                } else {
                    open.remove(entry.fd)
                }
            }
        }
        close(output)
        close(errors)
        if !exited { while wait4(pid, &status, 0, &usage) == -1 && errno == EINTR {} }
        let code: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let cpu = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
        return ProcessResult(status: code, stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self),
                             cpuSeconds: cpu, maxRSSKiB: usage.ru_maxrss)
    }
}

public enum Binaries {
    /// The package's root directory.
    public static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// The static embedded `lobot` (LOBOT_BIN, or build/lobot).
    public static func lobot() throws -> String {
        try locate("LOBOT_BIN", default: packageRoot + "/build/lobot", buildWith: "make lobot")
    }

    /// `lobot-factory` (LOBOT_FACTORY_BIN, or build/lobot-factory).
    public static func factory() throws -> String {
        try locate("LOBOT_FACTORY_BIN", default: packageRoot + "/build/lobot-factory", buildWith: "make factory")
    }

    /// `lobot-factory` as one static executable (LOBOT_FACTORY_STATIC_BIN, or build/lobot-factory-static).
    public static func factoryStatic() throws -> String {
        try locate("LOBOT_FACTORY_STATIC_BIN", default: packageRoot + "/build/lobot-factory-static", buildWith: "make factory-static")
    }

    /// Writes to `path` a `lobot` that differs from the real one in one byte of a help text, so
    /// it still runs (a tampered agent for an image the factory must refuse); returns `path`.
    @discardableResult
    public static func tamperedLoBot(at path: String) throws -> String {
        var agent = [UInt8](try Data(contentsOf: URL(fileURLWithPath: try lobot())))
        let marker = Array("usage: lobot create".utf8)
        guard let at = (0..<(agent.count - marker.count)).first(where: { agent[$0..<$0 + marker.count].elementsEqual(marker) }) else {
            throw TestSupportError.failed("marker not found in lobot")
        }
        agent[at + 7] ^= 0x20
        try Data(agent).write(to: URL(fileURLWithPath: path))
        guard chmod(path, 0o755) == 0 else { throw TestSupportError.failed("cannot make \(path) executable") }
        return path
    }

    static func locate(_ variable: String, default path: String, buildWith command: String) throws -> String {
        let chosen = ProcessInfo.processInfo.environment[variable] ?? path
        guard FileManager.default.isExecutableFile(atPath: chosen) else {
            throw TestSupportError.missingBinary("\(chosen) is missing: run `\(command)` (or `make test`, which builds it)")
        }
        return chosen
    }
}

extension Array where Element == UInt8 {
    /// Hex of the bytes, for test messages.
    public var hexString: String { map { String(format: "%02x", $0) }.joined() }
}

/// Bytes from a hex string literal in a test (spaces and newlines allowed).
public func hexBytes(_ text: String) -> [UInt8] {
    let digits = text.filter { !$0.isWhitespace }
    var out: [UInt8] = []
    var index = digits.startIndex
    while index < digits.endIndex {
        let next = digits.index(index, offsetBy: 2)
        out.append(UInt8(digits[index..<next], radix: 16)!)
        index = next
    }
    return out
}
