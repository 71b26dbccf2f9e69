// How a platform command reaches the platform TPM: `--platform DIR` (or $LOBOT_PLATFORM) for
// LoBot's key blobs; a TPM 2.0 where $LOBOT_TPM2 names one (/dev/tpmrm0, unix:PATH or
// tcp:127.0.0.1:PORT, see TPM2Target), else a TPM 1.2 through tcsd at
// $TSS_TCSD_HOSTNAME:$TSS_TCSD_PORT (libtspi reads them).
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
        try core { () throws(LoBotError) in try body(try tpm12()) }
    }

    /// The platform's TPM of the family it enrolled, for what runs on both (LSP, LSM,
    /// platform-rooted vTPMs and aDoms): the TPM 2.0 $LOBOT_TPM2 names, else the TPM 1.2 through
    /// tcsd. A platform reached through the other family is refused in one line.
    static func root(_ directory: PlatformDirectory) throws(LoBotError) -> PlatformRoot {
        // Before enrollment (no AIK blob yet) the environment alone says which TPM this is.
        let enrolled = Files.exists(directory.aikBlobPath) ? try directory.family() : (isTPM2 ? .tpm2 : .tpm12)
        guard enrolled == (isTPM2 ? .tpm2 : .tpm12) else {
            throw .invalidArgument(
                isTPM2
                    ? "platform \(directory.path) enrolled a TPM 1.2, but LOBOT_TPM2 names a TPM 2.0: unset it to reach the TPM 1.2 through tcsd"
                    : "platform \(directory.path) enrolled a TPM 2.0: set LOBOT_TPM2 to where it is (/dev/tpmrm0, unix:PATH or tcp:127.0.0.1:PORT)")
        }
        guard isTPM2 else { return .tpm12(try PlatformTPM()) }
        // Reached, then let go until its first operation (PlatformRoot holds it only for each one).
        let tpm = try PlatformTPM2()
        tpm.disconnect()
        return .tpm20(tpm)
    }

    /// Which TPM the platform in `directory` enrolled (its AIK blob says), for a command that hands
    /// it to a LoBot VM rather than using it.
    static func family(_ directory: PlatformDirectory) throws(AgentError) -> TPMFamily {
        try core { () throws(LoBotError) in try directory.family() }
    }

    /// The platform's TPM 1.2, for the TPM 1.2 side of a command that takes its TPM 2.0 path first
    /// when $LOBOT_TPM2 is set; a TPM 2.0 reaching it is refused in one line.
    static func tpm12() throws(LoBotError) -> PlatformTPM {
        guard !isTPM2 else { throw .invalidArgument("this is a TPM 1.2 operation, and LOBOT_TPM2 names a TPM 2.0") }
        return try PlatformTPM()
    }

    /// Whether this platform's TPM is a TPM 2.0: $LOBOT_TPM2 is set.
    static var isTPM2: Bool { Environment.value("LOBOT_TPM2") != nil }

    /// Connects to the platform's TPM, of the family it enrolled, and runs `body`.
    static func withRoot<T>(_ directory: PlatformDirectory, _ body: (PlatformRoot) throws(LoBotError) -> T) throws(AgentError) -> T {
        try core { () throws(LoBotError) in try body(try root(directory)) }
    }

    /// Connects to the platform's TPM 2.0 and runs `body`.
    static func withTPM2<T>(_ body: (PlatformTPM2) throws(LoBotError) -> T) throws(AgentError) -> T {
        try core { () throws(LoBotError) in try body(try PlatformTPM2()) }
    }
}
