// `lobot-factory register-bind-key`: records a platform's TPM bind and signing keys after checking
// the AIK's certification of each against the platform's enrolled AIK and a nonce the factory
// issued. Both at once: a platform takes part in LSP and LSM only with both, and a bind key once
// recorded cannot be recorded again (no key is ever reused), so a platform registered without its
// signing key could never be completed.
import FactoryKit
import ArgumentParser
import GRDB
import LoBotCore

struct RegisterBindKeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "register-bind-key",
        abstract: "Record a platform's certified bind and signing keys.")

    @OptionGroup var options: FactoryOptions

    @Option(name: .long, help: "The platform's name.")
    var platform: String

    @Option(name: .long, help: "The certified bind key (from lobot platform bind-key --out).")
    var certified: String

    @Option(name: .long, help: "The nonce the factory issued for it (40 hex digits).")
    var nonce: String

    @Option(name: .long, help: "The platform's certified signing key (from lobot platform bind-key --signing-out), certified with the same nonce.")
    var signing: String

    func run() throws {
        let factory = try options.open()
        let expected = try parseNonce(nonce)
        let key = try factoryCore { () throws(LoBotError) in try CertifiedKey(bytes: try Files.read(certified, maximum: 8192)) }
        let signingKey = try factoryCore { () throws(LoBotError) in try CertifiedKey(bytes: try Files.read(signing, maximum: 8192)) }
        try factory.decide(action: "register-bind-key", subject: platform) { (db) throws(FactoryError) in
            try factory.database.consumeNonce(expected, owner: platform, purpose: "bind-key", in: db)
            let aik = try factory.platformAIK(platform, in: db)
            _ = try factoryCore { () throws(LoBotError) in try key.verify(aik: aik, nonce: expected) }
            _ = try factory.database.recordKey(modulus: key.key.modulus, owner: platform, kind: .platform, purpose: .bind,
                                               publicKey: key.key.bytes, in: db)
            _ = try factoryCore { () throws(LoBotError) in try signingKey.verify(aik: aik, nonce: expected, usage: .signing) }
            _ = try factory.database.recordKey(modulus: signingKey.key.modulus, owner: platform, kind: .platform, purpose: .signing,
                                               publicKey: signingKey.key.bytes, in: db)
            return "bind and signing keys recorded"
        }
        try options.emit("bind and signing keys of \(platform) recorded", ["platform": platform])
    }
}
