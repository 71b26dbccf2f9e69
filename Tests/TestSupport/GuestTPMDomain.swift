// A domain whose TPM server runs on a real platform without qemu or a provisioning: the platform
// enrolled, its bind key registered and its counter made (as an operator does), the domain's
// config written, its LoBot created on the platform (`lobot create --platform`), and then
// `lobot domain tpm-server` started and stopped at will, for the tests and the bench to speak
// qemu's protocol to it with EmulatorClient.
import Foundation
import LoBotCore

public final class GuestTPMDomain: @unchecked Sendable {
    public let platform: TestPlatform
    public let name: String
    public let directory: String
    private var server: Process? = nil
    public var serverPID: Int32? { server?.processIdentifier }

    /// A platform ready for domains: enrolled into `factory`, keys registered, counter made.
    public static func platform(_ factory: FactoryUnderTest, as name: String) throws -> TestPlatform {
        let platform = try TestPlatform(ekCertificate: false)
        try factory.enroll(platform, as: name)
        try succeed(try platform.lobot(["platform", "counter", "--create", "--platform", platform.lobotDirectory]), "counter")
        try factory.registerBindKey(platform, as: name)
        return platform
    }

    /// A domain `name` on `platform` whose guest TPM is of `family`, booting `kernel` and `initrd`
    /// (files LoBot measures at each cold start).
    public init(platform: TestPlatform, name: String, family: GuestTPMFamily, kernel: String, initrd: String) throws {
        self.platform = platform
        self.name = name
        directory = platform.lobotDirectory + "/domains/" + name
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let config = DomainConfig(name: name, memoryMiB: 128, kernel: kernel, initrd: initrd, commandLine: "console=ttyS0", disk: .none,
                                  tpm: family)
        try Data(config.bytes).write(to: URL(fileURLWithPath: directory + "/domain"))
        try succeed(try platform.lobot(["create", "--vtpm", directory + "/lobot", "--platform", platform.lobotDirectory]), "lobot create")
    }

    public var socket: String { directory + "/tpm.sock" }

    /// Starts `lobot domain tpm-server` and waits until it listens; returns how long that took (s).
    @discardableResult
    public func start(checkpointInterval: Int = 5) throws -> Double {
        try? FileManager.default.removeItem(atPath: directory + "/tpm.pid")
        let started = Date()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Binaries.lobot())
        process.arguments = ["domain", "tpm-server", "--platform", platform.lobotDirectory, "--name", name,
                             "--checkpoint-interval", "\(checkpointInterval)"]
        process.environment = ProcessInfo.processInfo.environment.merging(platform.environment) { $1 }
        let log = FileHandle(forWritingAtPath: directory + "/tpm-server.log") ?? {
            _ = FileManager.default.createFile(atPath: directory + "/tpm-server.log", contents: nil)
            return FileHandle(forWritingAtPath: directory + "/tpm-server.log")!
        }()
        log.seekToEndOfFile()
        process.standardOutput = log
        process.standardError = log
        try process.run()
        while !FileManager.default.fileExists(atPath: directory + "/tpm.pid") {
            guard process.isRunning else { throw TestSupportError.failed("the TPM server exited: \(serverLog.suffix(400))") }
            guard Date().timeIntervalSince(started) < 60 else { throw TestSupportError.failed("the TPM server did not get ready") }
            Thread.sleep(forTimeInterval: 0.002)
        }
        server = process
        return Date().timeIntervalSince(started)
    }

    /// Stops the server with `signal` (SIGTERM: it checkpoints and exits) and waits for it.
    public func stop(signal: Int32 = SIGTERM) {
        guard let process = server else { return }
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        server = nil
    }

    public var serverLog: String { (try? String(contentsOfFile: directory + "/tpm-server.log", encoding: .utf8)) ?? "" }

    deinit { stop(signal: SIGKILL) }
}
