// `lobot-factory nonce`: a fresh nonce, recorded so that it is accepted exactly once, for the
// named platform or LoBot and purpose.
import FactoryKit
import ArgumentParser
import LoBotCore

struct NonceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nonce",
        abstract: "Issue a one-time nonce for a platform or LoBot.")

    @OptionGroup var options: FactoryOptions

    @Option(name: .customLong("for"), help: "The platform or LoBot that must answer with it.")
    var owner: String

    @Option(name: .long, help: "What it is for: quote, bind-key, golden.")
    var purpose: String

    func validate() throws {
        guard ["quote", "bind-key", "golden"].contains(purpose) else { throw ValidationError("--purpose must be quote, bind-key or golden.") }
    }

    func run() throws {
        let factory = try options.open()
        var nonce: TPMNonce? = nil
        try factory.decide(action: "nonce", subject: owner) { (db) throws(FactoryError) in
            nonce = try factory.database.issueNonce(owner: owner, purpose: purpose, in: db)
            return "nonce for \(purpose)"
        }
        let hex = nonce?.hex ?? ""
        try options.emit(hex, ["nonce": hex, "for": owner, "purpose": purpose])
    }
}
