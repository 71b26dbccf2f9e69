// `lobot-factory revoke`: a compromised platform or LoBot, and with it every key it holds. From
// then on every check against those keys fails.
import FactoryKit
import ArgumentParser
import LoBotCore

struct RevokeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "Revoke a platform or LoBot and every key it holds.")

    @OptionGroup var options: FactoryOptions

    @Option(name: .long, help: "The platform or LoBot to revoke.")
    var owner: String

    @Option(name: .long, help: "Why, for the audit log.")
    var reason = "compromised"

    func run() throws {
        let factory = try options.open()
        var count = 0
        try factory.decide(action: "revoke", subject: owner) { (db) throws(FactoryError) in
            count = try factory.database.revoke(owner: owner, in: db)
            return "revoked with \(count) keys: \(reason)"
        }
        try options.emit("\(owner) revoked; \(count) keys revoked", ["owner": owner, "keys_revoked": count])
    }
}
