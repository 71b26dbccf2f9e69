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

/// A fresh directory under the system temp dir, removed when released.
public final class TemporaryDirectory: @unchecked Sendable {
    public let path: String

    public init(_ label: String = "lobot-test") throws {
        let template = NSTemporaryDirectory() + "\(label)-XXXXXX"
        var bytes = Array(template.utf8CString)
        guard let made = mkdtemp(&bytes) else { throw TestSupportError.failed("mkdtemp failed") }
        path = String(cString: made)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

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

    public var stdoutLines: [String] { stdout.split(separator: "\n").map(String.init) }
}

/// Runs `executable` with `arguments`, waits, and collects its output.
@discardableResult
public func runProcess(
    _ executable: String, _ arguments: [String], environment: [String: String] = [:], currentDirectory: String? = nil
) throws -> ProcessResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    for (key, value) in environment { env[key] = value }
    process.environment = env
    if let currentDirectory { process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    // Read both pipes concurrently so a chatty child cannot block on a full pipe.
    let errData = LockedData()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async {
        errData.set(err.fileHandleForReading.readDataToEndOfFile())
        group.leave()
    }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    return ProcessResult(
        status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
        stderr: String(decoding: errData.get(), as: UTF8.self))
}

private final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func set(_ value: Data) { lock.lock(); data = value; lock.unlock() }
    func get() -> Data { lock.lock(); defer { lock.unlock() }; return data }
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
