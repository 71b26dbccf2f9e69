// The `lobot-factory` executable: the offline factory (PVIF). One subcommand per file under
// Commands/; this root only lists them.
import FactoryKit
import ArgumentParser

@main
struct LoBotFactory: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lobot-factory",
        abstract: "Run the LoBot factory: CA, key database, enrollment and trust decisions, offline.",
        version: "0.1.0",
        subcommands: [
            InitCommand.self, EKCertifyCommand.self, TrustEKIssuerCommand.self, EnrollCommand.self, NonceCommand.self,
            RegisterBindKeyCommand.self, VerifyQuoteCommand.self, GoldenCommand.self, RevokeCommand.self, KeysCommand.self,
            AuditCommand.self, BakeCommand.self, LoBotCommand.self, VerifyBootCommand.self,
            ProvisionCommand.self, MigrateCommand.self, ProceedCommand.self, VerdictCommand.self, ReleaseCommand.self, CloseCommand.self,
        ]
    )
}
