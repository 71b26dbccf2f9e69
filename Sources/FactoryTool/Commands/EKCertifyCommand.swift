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

    @Option(name: .long, help: "The EK's public key from lobot platform ek (TPM_PUBKEY, or TPM2B_PUBLIC from a TPM 2.0).")
    var ek: String

    @Option(name: .long, help: "Where to write the EK certificate (DER).")
    var out: String

    func validate() throws {
        guard Factory.isValidName(platform) else { throw ValidationError("--platform must be 1-64 letters, digits, '.', '_' or '-'.") }
    }

    func run() throws {
        let factory = try options.open()
        // A TPM 1.2's TPM_PUBKEY, or a TPM 2.0's TPM2B_PUBLIC (`lobot platform ek` on either).
        let key = try factoryCore { () throws(LoBotError) -> (modulus: [UInt8], exponent: [UInt8], bytes: [UInt8]) in
            let bytes = try Files.read(ek, maximum: 4096)
            if let tpm12 = try? PubKey(bytes: bytes) {
                return (tpm12.modulus, try tpm12.algorithmParms.rsaParms().effectiveExponent, bytes)
            }
            let area = try TPM2BPublic(bytes: bytes).publicArea
            try TPM2EndorsementKey.check(area)
            let rsa = try area.rsaPublicKey()
            return (rsa.modulus, rsa.exponent, bytes)
        }
        var der: [UInt8] = []
        try factory.decide(action: "ek-certify", subject: platform) { (db) throws(FactoryError) in
            let fingerprint = try factory.database.recordKey(modulus: key.modulus, owner: platform, kind: .platform,
                                                             purpose: .endorsement, publicKey: key.bytes, in: db)
            let certificate = try factory.ca.issue(owner: platform, role: .endorsement, modulus: key.modulus, exponent: key.exponent)
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
