// `lobot-factory ek-certify`: a factory-issued EK certificate for a platform whose TPM has no
// usable manufacturer certificate (as real TrouSerS privacy-CA deployments did), given its EK
// public key read on the factory floor.
import FactoryKit
import ArgumentParser
import LoBotCore

struct EKCertifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ek-certify",
        abstract: "Issue an EK certificate for a platform's endorsement key.")

    @OptionGroup var options: FactoryOptions

    @Option(name: .long, help: "The platform's name.")
    var platform: String

    @Option(name: .long, help: "The EK's TPM_PUBKEY (from lobot platform ek).")
    var ek: String

    @Option(name: .long, help: "Where to write the EK certificate (DER).")
    var out: String

    func validate() throws {
        guard Factory.isValidName(platform) else { throw ValidationError("--platform must be 1-64 letters, digits, '.', '_' or '-'.") }
    }

    func run() throws {
        let factory = try options.open()
        let key = try factoryCore { () throws(LoBotError) in try PubKey(bytes: try Files.read(ek, maximum: 4096)) }
        var der: [UInt8] = []
        try factory.decide(action: "ek-certify", subject: platform) { (db) throws(FactoryError) in
            let parms = try factoryCore { () throws(LoBotError) in try key.algorithmParms.rsaParms() }
            let fingerprint = try factory.database.recordKey(modulus: key.modulus, owner: platform, kind: .platform,
                                                             purpose: .endorsement, publicKey: key.bytes, in: db)
            let certificate = try factory.ca.issue(owner: platform, role: .endorsement, modulus: key.modulus, exponent: parms.effectiveExponent)
            der = try certificate.serializeAsDER()
            try factory.database.recordCertificate(der: der, serial: Array(certificate.serialNumber.bytes), keyFingerprint: fingerprint,
                                                   owner: platform, purpose: .endorsement, in: db)
            return "EK certificate issued"
        }
        try writeOutput(out, der)
        try options.emit("EK certificate for \(platform) written to \(out)", ["platform": platform, "certificate": out])
    }
}

struct TrustEKIssuerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trust-ek-issuer",
        abstract: "Trust a TPM manufacturer's CA to vouch for EK certificates.")

    @OptionGroup var options: FactoryOptions

    @Option(name: .long, help: "The issuer's certificate (PEM or DER).")
    var cert: String

    func run() throws {
        let factory = try options.open()
        let bytes = try readInput(cert, maximum: 64 << 10)
        let certificate = try X509Input.certificate(bytes)
        let der = try certificate.serializeAsDER()
        let name = try factoryCore { () throws(LoBotError) in Hex.string(Array(try Digest.sha256(der).prefix(8))) }
        try factory.decide(action: "trust-ek-issuer", subject: certificate.subject.description) { (_) throws(FactoryError) in
            try writeOutput(Factory.path(factory.directory, "ek-issuers/\(name).der"), der)
            return "EK issuer \(certificate.subject) trusted"
        }
        try options.emit("trusting EK certificates from \(certificate.subject)", ["issuer": certificate.subject.description])
    }
}
