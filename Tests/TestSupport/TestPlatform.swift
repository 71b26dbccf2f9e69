// A real TPM 1.2 platform for a test: swtpm + tcsd started by scripts/tpm12-platform in a fresh
// directory, torn down when the value is released -- and by the script's watcher if this test
// process dies first, so no swtpm or tcsd outlives a failed run. Commands that talk to it run
// as subprocesses with its TSS_TCSD_* environment.
import Foundation

public final class TestPlatform: @unchecked Sendable {
    public let root: TemporaryDirectory
    /// The swtpm/tcsd directory.
    public let machine: String
    /// LoBot's platform directory (key blobs, certificate, counter).
    public let lobotDirectory: String
    public let environment: [String: String]

    public init(ekCertificate: Bool) throws {
        root = try TemporaryDirectory("lobot-platform")
        machine = root.file("tpm")
        lobotDirectory = root.file("lobot")
        var arguments = ["up", machine, "--watch", "\(getpid())"]
        if ekCertificate { arguments.append("--ek-cert") }
        let up = try runProcess(Binaries.packageRoot + "/scripts/tpm12-platform", arguments,
                                environment: ["LOBOT_TCSD": try Binaries.lobot() + " tcsd"])
        guard up.status == 0 else { throw TestSupportError.failed("tpm12-platform up failed: \(up.stderr)") }
        var env: [String: String] = [:]
        let text = try String(contentsOfFile: machine + "/platform.env", encoding: .utf8)
        for line in text.split(separator: "\n") {
            let assignment = line.hasPrefix("export ") ? line.dropFirst("export ".count) : line[...]
            let parts = assignment.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2 { env[parts[0]] = parts[1] }
        }
        environment = env
    }

    deinit {
        _ = try? runProcess(Binaries.packageRoot + "/scripts/tpm12-platform", ["down", machine])
    }

    /// The manufacturer EK issuer certificate (PEM), when the platform was made with one.
    public var ekIssuerCertificate: String { machine + "/localca/issuercert.pem" }

    /// Stops swtpm and tcsd, keeping the TPM state (to hand the TPM to a VM).
    public func stop() throws { try harness("stop") }

    /// Starts them again after `stop` (a reboot: PCRs reset, counters stay).
    public func start() throws { try harness("start") }

    func harness(_ command: String) throws {
        let result = try runProcess(Binaries.packageRoot + "/scripts/tpm12-platform", [command, machine],
                                    environment: ["LOBOT_TCSD": try Binaries.lobot() + " tcsd"])
        guard result.status == 0 else { throw TestSupportError.failed("tpm12-platform \(command) failed: \(result.stderr)") }
    }

    /// The swtpm state directory (what a VM's swtpm uses while the platform is stopped).
    public var tpmState: String { machine + "/state" }
    /// The platform tcsd's TrouSerS store (its SRK registration).
    public var systemData: String { machine + "/tcsd/system.data" }

    /// Restarts swtpm and tcsd on the same state: a reboot (PCRs reset, counters stay).
    public func reboot() throws {
        let result = try runProcess(Binaries.packageRoot + "/scripts/tpm12-platform", ["restart", machine],
                                    environment: ["LOBOT_TCSD": try Binaries.lobot() + " tcsd"])
        guard result.status == 0 else { throw TestSupportError.failed("restart failed: \(result.stderr)") }
    }
}

/// Fails the calling test with the command's stderr unless it succeeded; returns stdout.
@discardableResult
public func succeed(_ result: ProcessResult, _ what: String = "command") throws -> String {
    guard result.status == 0 else { throw TestSupportError.failed("\(what) failed (\(result.status)): \(result.stderr)") }
    return result.stdout
}
