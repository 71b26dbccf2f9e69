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

    func run() throws {
        let factory = try options.open()
        let expected = try parseNonce(nonce)
        let key = try factoryCore { () throws(LoBotError) in try CertifiedKey(bytes: try Files.read(certified, maximum: 8192)) }
        try factory.decide(action: "register-bind-key", subject: platform) { db in
            try factory.database.consumeNonce(expected, owner: platform, purpose: "bind-key", in: db)
            let aik = try factory.platformAIK(platform, in: db)
            _ = try factoryCore { () throws(LoBotError) in try key.verify(aik: aik, nonce: expected) }
            _ = try factory.database.recordKey(modulus: key.key.modulus, owner: platform, kind: .platform, purpose: .bind,
                                               publicKey: key.key.bytes, in: db)
            return "bind key recorded"
        }
        try options.emit("bind key of \(platform) recorded", ["platform": platform])
    }
}
