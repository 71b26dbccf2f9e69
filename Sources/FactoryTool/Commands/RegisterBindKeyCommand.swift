// `lobot-factory register-bind-key`: records a platform's TPM bind key after checking the AIK's
// certification of it against the platform's enrolled AIK and a nonce the factory issued.
import FactoryKit
import ArgumentParser
import GRDB
import LoBotCore

struct RegisterBindKeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "register-bind-key",
        abstract: "Record a platform's certified bind key.")

    @OptionGroup var options: FactoryOptions

    @Option(name: .long, help: "The platform's name.")
    var platform: String

    @Option(name: .long, help: "The certified key (from lobot platform bind-key).")
    var certified: String

    @Option(name: .long, help: "The nonce the factory issued for it (40 hex digits).")
    var nonce: String

    @Option(name: .long, help: "The platform's certified signing key (from lobot platform bind-key --signing-out), certified with the same nonce.")
    var signing: String?

    func run() throws {
        let factory = try options.open()
        let expected = try parseNonce(nonce)
        let key = try factoryCore { () throws(LoBotError) in try CertifiedKey(bytes: try Files.read(certified, maximum: 8192)) }
        let signingKey = try signing.map { (path) in
            try factoryCore { () throws(LoBotError) in try CertifiedKey(bytes: try Files.read(path, maximum: 8192)) }
        }
        try factory.decide(action: "register-bind-key", subject: platform) { db in
            try factory.database.consumeNonce(expected, owner: platform, purpose: "bind-key", in: db)
            let aik = try factory.platformAIK(platform, in: db)
            _ = try factoryCore { () throws(LoBotError) in try key.verify(aik: aik, nonce: expected) }
            _ = try factory.database.recordKey(modulus: key.key.modulus, owner: platform, kind: .platform, purpose: .bind,
                                               publicKey: key.key.bytes, in: db)
            if let signingKey {
                _ = try factoryCore { () throws(LoBotError) in try signingKey.verify(aik: aik, nonce: expected, usage: .signing) }
                _ = try factory.database.recordKey(modulus: signingKey.key.modulus, owner: platform, kind: .platform, purpose: .signing,
                                                   publicKey: signingKey.key.bytes, in: db)
            }
            return signingKey == nil ? "bind key recorded" : "bind and signing keys recorded"
        }
        try options.emit("bind key of \(platform) recorded", ["platform": platform])
    }
}
