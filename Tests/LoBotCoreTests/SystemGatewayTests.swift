// The agent reaches libc only through LoBotCore/System (no file under Sources/LoBotMin imports
// CLibC, Glibc or Musl), and those wrappers report what libc really answered: a signal to a pid
// that is gone is `.noSuchProcess`, a unix socket round trip moves bytes and a descriptor, and a
// close, rmdir, mkfifo, mount or setenv that fails throws with the errno the kernel gave.
import Foundation
import LoBotCore
import Testing
import TestSupport

@Suite struct SystemGatewayTests {
    // MARK: The gateway rule

    /// The libc modules a file imports, by its `import` lines (`import CLibC`, `@preconcurrency
    /// import Glibc`, `import struct Musl.stat`...).
    static func libcImports(_ path: String) throws -> [String] {
        let text = try String(contentsOfFile: Binaries.packageRoot + "/" + path, encoding: .utf8)
        let pattern = try NSRegularExpression(
            pattern: #"^\s*(?:@\w+\s+)*import\s+(?:(?:typealias|struct|class|enum|protocol|let|var|func)\s+)?(CLibC|Glibc|Musl)\b"#,
            options: [.anchorsMatchLines])
        return pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { match in
            Range(match.range(at: 1), in: text).map { String(text[$0]) }
        }
    }

    static func swiftFiles(under directory: String) -> [String] {
        (FileManager.default.enumerator(atPath: Binaries.packageRoot + "/" + directory)?.allObjects as? [String] ?? [])
            .filter { $0.hasSuffix(".swift") }.map { directory + "/" + $0 }.sorted()
    }

    @Test func theAgentImportsNoLibc() throws {
        let files = Self.swiftFiles(under: "Sources/LoBotMin")
        #expect(files.count > 40, "found only \(files.count) Swift files under Sources/LoBotMin")
        var offenders: [String] = []
        for file in files {
            let modules = try Self.libcImports(file)
            if !modules.isEmpty { offenders.append("\(file) imports \(modules.joined(separator: ", "))") }
        }
        #expect(offenders.isEmpty, "libc belongs in Sources/LoBotCore/System: \(offenders)")
    }

    /// The scan above would pass on any file it cannot read as an import: it finds the core's.
    @Test func theScanFindsAnImportWhereThereIsOne() throws {
        #expect(try Self.libcImports("Sources/LoBotCore/System/SystemCall.swift") == ["CLibC"])
        #expect(try Self.libcImports("Sources/LoBotCore/System/Progress.swift") == [])
    }

    // MARK: Signals and processes

    @Test func aProcessThatIsGoneIsNoSuchProcess() throws {
        let child = try LoBotCore.ChildProcess.spawn("/bin/true", ["true"])
        #expect(child.wait() == .exited(0))
        // Reaped: the pid names no process now (unless reused within these microseconds).
        #expect(try Signals.send(.probe, to: child.pid) == .noSuchProcess)
        #expect(try Signals.send(.terminate, to: child.pid) == .noSuchProcess)
        // Waiting again, or stopping it, is no invented exit status and no signal to another process.
        #expect(child.wait() == .unknown(errno: ECHILD))
        try child.terminate()
    }

    @Test func aSignalReachesALiveProcess() throws {
        #expect(try Signals.send(.probe, to: Processes.currentID) == .delivered)
        // SIGKILL: a test runner may hand its children SIGTERM blocked.
        let child = try LoBotCore.ChildProcess.spawn("/bin/sleep", ["sleep", "30"])
        #expect(try Signals.send(.kill, to: child.pid) == .delivered)
        #expect(child.wait(milliseconds: 5000) == .signaled(SIGKILL))
    }

    @Test func groupsAndEveryProcessAreNotSignalled() {
        for pid: Int32 in [0, -1, -2] {
            #expect(throws: LoBotError.system(operation: "cannot signal process", path: "\(pid)", errno: EINVAL)) {
                _ = try Signals.send(.kill, to: pid)
            }
        }
    }

    // MARK: Unix sockets, poll, read and close

    struct Connection {
        let listener: Int32
        let client: Int32
        let server: Int32
    }

    static func connectedPair(in temp: TemporaryDirectory) throws(LoBotError) -> Connection {
        let path = temp.path + "/control.sock"
        let listener = try UnixSocket.listen(path)
        let client = try UnixSocket.connect(path)
        let server = try UnixSocket.accept(listener)
        return Connection(listener: listener, client: client, server: server)
    }

    @Test func aUnixSocketCarriesBytesAndADescriptor() throws {
        let temp = try TemporaryDirectory("lobot-socket")
        let pair = try Self.connectedPair(in: temp)
        #expect(Files.exists(temp.path + "/control.sock"))
        // Nothing sent yet: nothing to read.
        #expect(try Poll.ready([pair.server], timeout: 0) == [])

        try Files.writeDurably(temp.path + "/passed", Array("passed along".utf8))
        let file = try FileDescriptor(opening: temp.path + "/passed", .readOnly)
        #expect(try UnixSocket.send(pair.client, Array("SET_DATAFD".utf8), passing: file.raw) == 10)
        #expect(try Poll.ready([pair.listener, pair.server], timeout: 5000) == [pair.server])

        var buffer = [UInt8](repeating: 0, count: 64)
        let received = try UnixSocket.receive(pair.server, into: &buffer)
        #expect(Array(buffer[0..<received.count]) == Array("SET_DATAFD".utf8))
        let passed = try #require(received.descriptor)
        #expect(passed != file.raw)
        var content = [UInt8](repeating: 0, count: 64)
        let n = try RawIO.read(passed, into: &content)
        #expect(Array(content[0..<n]) == Array("passed along".utf8))
        try RawIO.close(passed)

        // The peer closes: the server reads the end of the stream.
        try RawIO.close(pair.client)
        #expect(try Poll.ready([pair.server], timeout: 5000) == [pair.server])
        #expect(try RawIO.read(pair.server, into: &buffer) == 0)
        try RawIO.close(pair.server)
        try RawIO.close(pair.listener)
    }

    @Test func connectingWhereNobodyListensThrows() throws {
        let temp = try TemporaryDirectory("lobot-socket")
        #expect(throws: LoBotError.system(operation: "cannot connect to", path: temp.path + "/none.sock", errno: ENOENT)) {
            _ = try UnixSocket.connect(temp.path + "/none.sock")
        }
        let long = temp.path + "/" + String(repeating: "x", count: 120)
        #expect(throws: LoBotError.system(operation: "cannot connect to", path: long, errno: ENAMETOOLONG)) {
            _ = try UnixSocket.connect(long)
        }
        #expect(throws: LoBotError.system(operation: "cannot listen on", path: long, errno: ENAMETOOLONG)) {
            _ = try UnixSocket.listen(long)
        }
    }

    /// A descriptor that is not open is reported, not ignored. (A number above any open one: in
    /// a test process whose other threads open files, closing a number twice could close theirs.)
    @Test func closingADescriptorThatIsNotOpenIsReported() {
        #expect(throws: LoBotError.system(operation: "cannot close descriptor 999999", path: "", errno: EBADF)) {
            try RawIO.close(999_999)
        }
        var buffer = [UInt8](repeating: 0, count: 8)
        #expect(throws: LoBotError.system(operation: "cannot read", path: "", errno: EBADF)) {
            _ = try RawIO.read(999_999, into: &buffer)
        }
        #expect(throws: LoBotError.system(operation: "cannot poll", path: "", errno: EINVAL)) {
            _ = try Poll.ready(Array(repeating: 0, count: 2_000_000), timeout: 0)
        }
    }

    // MARK: Files, the environment, the machine, the clock

    @Test func removingADirectorySaysWhatBecameOfIt() throws {
        let temp = try TemporaryDirectory("lobot-dirs")
        let directory = temp.path + "/d"
        try Files.makeDirectory(directory)
        try Files.writeDurably(directory + "/kept", [1])
        #expect(try Files.removeDirectory(directory) == .notEmpty)
        #expect(Files.isDirectory(directory))
        try Files.remove(directory + "/kept")
        #expect(try Files.removeDirectory(directory) == .removed)
        #expect(!Files.exists(directory))
        #expect(try Files.removeDirectory(directory) == .absent)
        try Files.writeDurably(directory, [1])
        #expect(throws: LoBotError.system(operation: "cannot remove directory", path: directory, errno: ENOTDIR)) {
            _ = try Files.removeDirectory(directory)
        }
    }

    @Test func temporaryDirectoriesAndOwners() throws {
        let temp = try TemporaryDirectory("lobot-files")
        let made = try Files.makeTemporaryDirectory(prefix: temp.path + "/work-")
        #expect(made.hasPrefix(temp.path + "/work-") && made.utf8.count == (temp.path + "/work-XXXXXX").utf8.count)
        #expect(Files.isDirectory(made))
        #expect(throws: LoBotError.system(operation: "cannot create a directory like", path: temp.path + "/no/x-XXXXXX", errno: ENOENT)) {
            _ = try Files.makeTemporaryDirectory(prefix: temp.path + "/no/x-")
        }

        let file = try temp.write("owned", [1])
        try Files.changeOwner(file, user: getuid(), group: getgid())
        #expect(throws: LoBotError.system(operation: "cannot change the owner of", path: temp.path + "/none", errno: ENOENT)) {
            try Files.changeOwner(temp.path + "/none", user: getuid(), group: getgid())
        }
    }

    /// A pipe's ends are closed on exec and its capacity is 1 MiB; a child started with one end
    /// has it as its descriptor 3; a write with the reader gone fails with EPIPE, not SIGPIPE.
    @Test func pipesPassedToAChildAndBrokenPipes() throws {
        let temp = try TemporaryDirectory("lobot-pipe")
        var pipe = try AnonymousPipe()
        #expect(fcntl(pipe.readEnd, F_GETFD) & FD_CLOEXEC != 0 && fcntl(pipe.writeEnd, F_GETFD) & FD_CLOEXEC != 0)
        #expect(fcntl(pipe.writeEnd, 1032 /* F_GETPIPE_SZ */) == 1 << 20)
        let child = try ChildProcess.spawn("/bin/sh", ["sh", "-c", "cat <&3"], outputPath: temp.file("out"), passing: pipe.readEnd)
        try pipe.closeReadEnd()
        try RawIO.writeAll(pipe.writeEnd, Array("through fd 3".utf8))
        try pipe.closeWriteEnd()
        #expect(child.wait(milliseconds: 10_000) == .exited(0))
        #expect(try temp.read("out") == Array("through fd 3".utf8))

        var broken = try AnonymousPipe()
        try broken.closeReadEnd()
        try AnonymousPipe.ignoreBrokenPipe()
        #expect(throws: LoBotError.system(operation: "cannot write", path: "", errno: EPIPE)) { try RawIO.writeAll(broken.writeEnd, [1]) }
    }

    @Test func preadReadsAtTheOffsetGiven() throws {
        let temp = try TemporaryDirectory("lobot-files")
        try Files.writeDurably(temp.path + "/f", Array("0123456789".utf8))
        let fd = try FileDescriptor(opening: temp.path + "/f", .readOnly)
        let buffer = try AlignedBuffer(count: 4096, alignment: 4096)
        #expect(Int(bitPattern: buffer.pointer) % 4096 == 0)
        let n = try fd.read(into: buffer.pointer, count: buffer.count, at: 6)
        #expect(Array(UnsafeRawBufferPointer(start: buffer.pointer, count: n)) == Array("6789".utf8))
        #expect(try fd.read(into: buffer.pointer, count: buffer.count, at: 10) == 0)
        #expect(throws: LoBotError.system(operation: "cannot allocate 64 aligned bytes", path: "", errno: EINVAL)) {
            _ = try AlignedBuffer(count: 64, alignment: 3)
        }
    }

    @Test func theEnvironmentIsSetAndRead() throws {
        let name = "LOBOT_GATEWAY_TEST_\(getpid())"
        #expect(Environment.value(name) == nil)
        try Environment.set(name, "one")
        try Environment.set(name, "two")
        #expect(Environment.value(name) == "two")
        #expect(throws: LoBotError.system(operation: "cannot set environment variable", path: "A=B", errno: EINVAL)) {
            try Environment.set("A=B", "x")
        }
    }

    /// A mount the kernel refuses throws with its reason (no such filesystem type as root, not
    /// permitted otherwise) and mounts nothing.
    @Test func aRefusedMountThrows() throws {
        let temp = try TemporaryDirectory("lobot-mount")
        do throws(LoBotError) {
            try Machine.mount("none", on: temp.path, type: "lobot-no-such-filesystem")
            Issue.record("a mount of a filesystem type that does not exist succeeded")
        } catch {
            guard case .system(let operation, let path, let code) = error else { throw error }
            #expect(operation == "cannot mount lobot-no-such-filesystem on" && path == temp.path)
            #expect(code == ENODEV || code == EPERM)
        }
    }

    @Test func aPauseLastsAtLeastItsTime() {
        let start = monotonicMilliseconds()
        Clock.pause(milliseconds: 30)
        #expect(monotonicMilliseconds() - start >= 30)
        Clock.pause(milliseconds: -5)  // no pause, no trap
    }
}
