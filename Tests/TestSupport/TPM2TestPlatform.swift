// A real TPM 2.0 platform for a test: `swtpm socket --tpm2` started by scripts/tpm2-platform in a
// fresh directory (an RSA EK with its manufacturer certificate, SHA-1 and SHA-256 banks), torn down
// when the value is released -- and by the script's watcher if this test process dies first.
// `lobot` reaches it through LOBOT_TPM2 and tpm2-tools through TPM2TOOLS_TCTI, both in its
// environment; commands run as subprocesses with it.
import Foundation

public final class TPM2TestPlatform: @unchecked Sendable {
    public let root: TemporaryDirectory
    /// The swtpm directory.
    public let machine: String
    /// LoBot's platform directory (key blobs, certificate, counter).
    public let lobotDirectory: String
    public private(set) var environment: [String: String]

    public init() throws {
        root = try TemporaryDirectory("lobot-tpm2-platform")
        machine = root.file("tpm")
        lobotDirectory = root.file("lobot")
        let up = try runProcess(Binaries.packageRoot + "/scripts/tpm2-platform", ["up", machine, "--watch", "\(getpid())"])
        guard up.status == 0 else { throw TestSupportError.failed("tpm2-platform up failed: \(up.stderr)") }
        environment = try Self.readEnvironment(machine)
    }

    deinit {
        _ = try? runProcess(Binaries.packageRoot + "/scripts/tpm2-platform", ["down", machine])
    }

    static func readEnvironment(_ machine: String) throws -> [String: String] {
        var env: [String: String] = [:]
        for line in try String(contentsOfFile: machine + "/platform.env", encoding: .utf8).split(separator: "\n") {
            let parts = line.dropFirst(line.hasPrefix("export ") ? 7 : 0).split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2 { env[parts[0]] = parts[1] }
        }
        return env
    }

    /// The manufacturer EK certificate's issuer (PEM).
    public var ekIssuerCertificate: String { machine + "/localca/issuercert.pem" }

    /// The swtpm state directory (what a LoBot VM's swtpm uses while the platform is stopped).
    public var tpmState: String { machine + "/state" }

    /// Stops swtpm, keeping its state (to hand the TPM to a VM).
    public func stop() throws { try harness("stop") }

    /// Starts it again after `stop` (a reboot: PCRs reset, NV and persistent keys stay).
    public func start() throws { try harness("start") }

    func harness(_ command: String) throws {
        let result = try runProcess(Binaries.packageRoot + "/scripts/tpm2-platform", [command, machine])
        guard result.status == 0 else { throw TestSupportError.failed("tpm2-platform \(command) failed: \(result.stderr)") }
    }

    /// Restarts swtpm on the same state: a reboot (PCRs reset, NV and persistent keys stay).
    public func reboot() throws {
        let result = try runProcess(Binaries.packageRoot + "/scripts/tpm2-platform", ["restart", machine])
        guard result.status == 0 else { throw TestSupportError.failed("tpm2-platform restart failed: \(result.stderr)") }
        environment = try Self.readEnvironment(machine)
    }
}
