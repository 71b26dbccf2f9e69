// How a platform command reaches the platform TPM: `--platform DIR` (or $LOBOT_PLATFORM) for
// LoBot's key blobs, and tcsd at $TSS_TCSD_HOSTNAME:$TSS_TCSD_PORT (libtspi reads them).
import LoBotCore
import LoBotPlatform

enum PlatformAccess {
    static let options = ["platform"]

    static func directory(_ arguments: ParsedArguments) throws(AgentError) -> PlatformDirectory {
        guard let path = arguments.value("platform") ?? Environment.value("LOBOT_PLATFORM") else {
            throw arguments.usage("option --platform DIR is required (or set LOBOT_PLATFORM)")
        }
        return PlatformDirectory(path)
    }

    /// Connects to the platform TPM and runs `body`.
    static func with<T>(_ body: (PlatformTPM) throws(LoBotError) -> T) throws(AgentError) -> T {
        try core { () throws(LoBotError) in try body(try PlatformTPM()) }
    }
}
