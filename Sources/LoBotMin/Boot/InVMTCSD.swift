// TrouSerS inside the LoBot VM: the agent starts itself as tcsd (the daemon is linked into
// `lobot`) on /dev/tpm0, with the platform's TrouSerS registration (system.data, which holds the
// SRK), so that the same LoBotPlatform code that runs on a host runs here. The image carries
// /etc/tcsd.conf (root:tss 0640), /etc/passwd and /etc/group with the tss user, /etc/hosts.
import LoBotCore

enum InVMTCSD {
    static let port = 30003
    static let storePath = "/var/lib/tpm/system.data"
    static let logPath = "/run/tcsd.log"
    /// The tss user and group ids the image's /etc/passwd and /etc/group give.
    static let tssID: UInt32 = 100

    /// Starts tcsd and returns at once; `waitUntilListening` before the first TSS call.
    static func start(systemData: [UInt8]) throws(LoBotError) -> ChildProcess {
        try Files.makeDirectory("/var/lib/tpm", permissions: 0o700, existingOK: true)
        try Files.changeOwner("/var/lib/tpm", user: tssID, group: tssID)
        try Files.writeAtomically(storePath, systemData, permissions: 0o600)
        try Files.changeOwner(storePath, user: tssID, group: tssID)
        try Machine.loopbackUp()
        return try ChildProcess.spawn("/init", ["tcsd", "-f", "-c", "/etc/tcsd.conf"], outputPath: logPath)
    }

    static func waitUntilListening(_ tcsd: ChildProcess) throws(LoBotError) {
        let deadline = monotonicMilliseconds() + 10_000
        while try !Machine.isListening(port: port) {
            if let outcome = tcsd.wait(milliseconds: 20) {
                _ = outcome
                throw .tpmRule("tcsd stopped at start: \(lastLine(of: logPath))")
            }
            if monotonicMilliseconds() > deadline {
                tcsd.stop("tcsd")
                throw .tpmRule("tcsd did not start within 10 s: \(lastLine(of: logPath))")
            }
        }
        try Environment.set("TSS_TCSD_HOSTNAME", "127.0.0.1")
        try Environment.set("TSS_TCSD_PORT", "\(port)")
    }

    static func lastLine(of path: String) -> String {
        guard let bytes = try? Files.read(path, maximum: 1 << 20) else { return "no log" }
        let lines = bytes.split(separator: 0x0a)
        return lines.last.map { String(decoding: $0, as: UTF8.self) } ?? "empty log"
    }
}
