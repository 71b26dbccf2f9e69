// `lobot-factory init`: a new factory state directory with its CA and privacy-CA key.
import FactoryKit
import ArgumentParser
import LoBotCore

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a factory: its CA, privacy-CA key, key database and audit log.")

    @OptionGroup var options: FactoryOptions

    @Option(name: .long, help: "The CA's name, in its certificate and the audit log.")
    var name = "LoBot Factory CA"

    func run() throws {
        let directory = try options.directory()
        let factory = try Factory.create(directory: directory, name: name)
        let fingerprint = try factoryCore { () throws(LoBotError) in Hex.string(try Digest.sha256(try factory.ca.certificateDERForCore())) }
        try options.emit("""
            factory created in \(directory)
            CA certificate: \(directory)/ca.cert (SHA-256 \(fingerprint))
            privacy-CA key for platforms: \(directory)/privacy-ca.tpmpub
            """, ["directory": directory, "ca_certificate": directory + "/ca.cert", "ca_sha256": fingerprint,
                  "privacy_ca_key": directory + "/privacy-ca.tpmpub"])
    }
}

extension CertificateAuthority {
    func certificateDERForCore() throws(LoBotError) -> [UInt8] {
        do { return try certificateDER } catch { throw .invalidArgument("cannot encode the CA certificate") }
    }
}
