// The `lobot-factory` executable: the offline factory (PVIF). One subcommand per file under
// Commands/; this root only lists them.
import ArgumentParser

@main
struct LoBotFactory: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lobot-factory",
        abstract: "Run the LoBot factory: verify quotes and event logs offline.",
        version: "0.1.0",
        subcommands: [VerifyQuote.self]
    )
}
