// A factory state directory for a test, and the enrollment of real platforms into it through
// the two binaries, exactly as an operator would run them.
import Foundation

public final class FactoryUnderTest: @unchecked Sendable {
    public let temp: TemporaryDirectory
    public let directory: String

    public init(name: String = "Test Factory CA") throws {
        temp = try TemporaryDirectory("lobot-factory")
        directory = temp.file("factory")
        try succeed(try run(["init", "--name", name]), "factory init")
    }

    /// Run every command under GNU time, so its ProcessResult carries its true peak RSS.
    public var measureMemory = false

    @discardableResult
    public func run(_ arguments: [String]) throws -> ProcessResult {
        let full = [arguments[0]] + ["--factory", directory] + arguments.dropFirst()
        if measureMemory { return try runMeasuringMemory(try Binaries.factory(), full) }
        return try runProcess(try Binaries.factory(), full)
    }

    /// Runs a subcommand of a command group (golden record, audit verify).
    @discardableResult
    public func run(group: String, _ arguments: [String]) throws -> ProcessResult {
        try runProcess(try Binaries.factory(), [group, arguments[0], "--factory", directory] + arguments.dropFirst())
    }

    public func nonce(for owner: String, purpose: String) throws -> String {
        try succeed(try run(["nonce", "--for", owner, "--purpose", purpose])).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    public var caCertificate: String { directory + "/ca.cert" }
    public var privacyCAKey: String { directory + "/privacy-ca.tpmpub" }

    /// Enrolls `platform` as `name`: its manufacturer EK certificate when it has one (the issuer
    /// trusted first), else a factory-issued one; then the AIK is activated on the platform.
    public func enroll(_ platform: some PlatformUnderTest, as name: String) throws {
        let files = platform.root
        let ekCert = files.file("ek.der")
        if FileManager.default.fileExists(atPath: platform.ekIssuerCertificate) {
            try succeed(try run(["trust-ek-issuer", "--cert", platform.ekIssuerCertificate]), "trust-ek-issuer")
            try succeed(try platform.lobot(["platform", "ek", "--certificate", "--out", ekCert]), "platform ek --certificate")
        } else {
            try succeed(try platform.lobot(["platform", "ek", "--out", files.file("ek.pub")]), "platform ek")
            try succeed(try run(["ek-certify", "--platform", name, "--ek", files.file("ek.pub"), "--out", ekCert]), "ek-certify")
        }
        try succeed(try platform.lobot(["platform", "enroll", "--platform", platform.lobotDirectory, "--ca-key", privacyCAKey,
                                        "--label", name, "--ek-cert", ekCert, "--out", files.file("request")]), "platform enroll")
        try succeed(try run(["enroll", "--request", files.file("request"), "--out", files.file("answer")]), "factory enroll")
        try succeed(try platform.lobot(["platform", "activate", "--platform", platform.lobotDirectory,
                                        "--answer", files.file("answer"), "--ca-cert", caCertificate]), "platform activate")
    }

    /// Certifies and registers the platform's bind and signing keys.
    public func registerBindKey(_ platform: some PlatformUnderTest, as name: String) throws {
        let nonce = try nonce(for: name, purpose: "bind-key")
        let certified = platform.root.file("bind.certified")
        let signing = platform.root.file("signing.certified")
        try succeed(try platform.lobot(["platform", "bind-key", "--platform", platform.lobotDirectory, "--nonce", nonce, "--out", certified,
                                        "--signing-out", signing]))
        try succeed(try run(["register-bind-key", "--platform", name, "--certified", certified, "--nonce", nonce, "--signing", signing]),
                    "register-bind-key")
    }

    /// A fresh quote of PCRs 0-15 by `platform` with a nonce the factory issued to `name`.
    public func quote(_ platform: some PlatformUnderTest, issuedTo name: String, purpose: String = "quote") throws -> (path: String, nonce: String) {
        let nonce = try nonce(for: name, purpose: purpose)
        let path = platform.root.file("quote-\(nonce.prefix(8))")
        try succeed(try platform.lobot(["platform", "quote", "--platform", platform.lobotDirectory, "--pcrs", "0-15",
                                        "--nonce", nonce, "--out", path]), "platform quote")
        return (path, nonce)
    }
}

/// A real platform a test enrolls through the two binaries: TPM 1.2 (TestPlatform) or TPM 2.0
/// (TPM2TestPlatform); the commands are the same.
public protocol PlatformUnderTest {
    var root: TemporaryDirectory { get }
    var lobotDirectory: String { get }
    /// The issuer of the TPM's manufacturer EK certificate, when it has one.
    var ekIssuerCertificate: String { get }
    /// What a client needs to reach the TPM (tcsd's address, or LOBOT_TPM2 and TPM2TOOLS_TCTI).
    var environment: [String: String] { get }
}

extension PlatformUnderTest {
    /// Runs `lobot` against this platform.
    @discardableResult
    public func lobot(_ arguments: [String]) throws -> ProcessResult {
        try runProcess(try Binaries.lobot(), arguments, environment: environment)
    }

    /// Runs any program (tpm-quote-tools, tpm-tools, tpm2-tools) against this platform.
    @discardableResult
    public func run(_ program: String, _ arguments: [String], in directory: String? = nil) throws -> ProcessResult {
        try runProcess(program, arguments, environment: environment, currentDirectory: directory)
    }
}

extension TestPlatform: PlatformUnderTest {}
extension TPM2TestPlatform: PlatformUnderTest {}

