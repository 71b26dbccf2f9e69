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

    @Option(name: .long, help: "The certified bind key (from lobot platform bind-key --out; TPM 1.2 or 2.0, as the platform's AIK).")
    var certified: String

    @Option(name: .long, help: "The nonce the factory issued for it (40 hex digits).")
    var nonce: String

    @Option(name: .long, help: "The platform's certified signing key (from lobot platform bind-key --signing-out), certified with the same nonce.")
    var signing: String

    func run() throws {
        let factory = try options.open()
        let expected = try parseNonce(nonce)
        let bindBytes = try readInput(certified, maximum: 8192)
        let signingBytes = try readInput(signing, maximum: 8192)
        try factory.decide(action: "register-bind-key", subject: platform) { (db) throws(FactoryError) in
            try factory.database.consumeNonce(expected, owner: platform, purpose: "bind-key", in: db)
            let attestationKey = try factory.platformAttestationKey(platform, in: db)
            let keys = try factoryCore { () throws(LoBotError) -> (bind: (modulus: [UInt8], bytes: [UInt8]), signing: (modulus: [UInt8], bytes: [UInt8])) in
                switch attestationKey {
                case .tpm12(let aikKey):
                    let aik = try aikKey.rsaPublicKey()
                    let bind = try CertifiedKey(bytes: bindBytes)
                    let signing = try CertifiedKey(bytes: signingBytes)
                    _ = try bind.verify(aik: aik, nonce: expected)
                    _ = try signing.verify(aik: aik, nonce: expected, usage: .signing)
                    return ((bind.key.modulus, bind.key.bytes), (signing.key.modulus, signing.key.bytes))
                case .tpm20(let ak):
                    let bind = try TPM2CertifiedKey(bytes: bindBytes)
                    let signing = try TPM2CertifiedKey(bytes: signingBytes)
                    let bindKey = try bind.verify(ak: ak, nonce: expected.value, kind: .bind)
                    let signingKey = try signing.verify(ak: ak, nonce: expected.value, kind: .signing)
                    return ((bindKey.modulus, bind.key.bytes), (signingKey.modulus, signing.key.bytes))
                }
            }
            _ = try factory.database.recordKey(modulus: keys.bind.modulus, owner: platform, kind: .platform, purpose: .bind,
                                               publicKey: keys.bind.bytes, in: db)
            _ = try factory.database.recordKey(modulus: keys.signing.modulus, owner: platform, kind: .platform, purpose: .signing,
                                               publicKey: keys.signing.bytes, in: db)
            return "bind and signing keys recorded"
        }
        try options.emit("bind and signing keys of \(platform) recorded", ["platform": platform])
    }
}
