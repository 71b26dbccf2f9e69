// The `lobot-factory` executable: the offline factory (PVIF). One subcommand per file under
// Commands/; this root lists them and prints every error as one line.
import FactoryKit
import ArgumentParser
import Foundation
import LoBotCore

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

    /// ArgumentParser's own main, except that a usage error is one line like every other error
    /// (what is wrong, and which help to read) instead of the error followed by the usage text.
    static func main() {
        if let refusal = renamedOption() {
            FileHandle.standardError.write(Data("Error: \(refusal) (see \(commandPath()) --help)\n".utf8))
            Foundation.exit(ExitCode.validationFailure.rawValue)
        }
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as FactoryError {
            FileHandle.standardError.write(Data("Error: \(error.description)\n".utf8))
            Foundation.exit(error.exitCode.rawValue)
        } catch {
            guard exitCode(for: error) == .validationFailure else { exit(withError: error) }
            let line = LoBotError.oneLine("Error: \(message(for: error)) (see \(commandPath()) --help)")
            FileHandle.standardError.write(Data((line + "\n").utf8))
            Foundation.exit(ExitCode.validationFailure.rawValue)
        }
    }

    /// Options renamed so that one name means one thing in both programs (a golden-record name is
    /// --lobot-golden or --platform-golden, an image directory --image-dir, the agent binary
    /// --agent): the old spelling is refused, naming the new one, before anything else is parsed.
    static let renamed: [(command: String, old: String, new: String)] = [
        ("lobot-factory provision", "image", "lobot-golden"),
        ("lobot-factory verify-boot", "image", "lobot-golden"),
        ("lobot-factory bake", "lobot", "agent"),
    ]

    static func renamedOption() -> String? {
        let path = commandPath()
        for argument in CommandLine.arguments.dropFirst() {
            if argument == "--" { break }
            for rename in renamed where rename.command == path {
                if argument == "--" + rename.old || argument.hasPrefix("--" + rename.old + "=") {
                    return "--\(rename.old) is now --\(rename.new)"
                }
            }
        }
        return nil
    }

    /// "lobot-factory golden record": the program and the subcommands named on the command line.
    static func commandPath() -> String {
        var path = "lobot-factory"
        var type: ParsableCommand.Type = LoBotFactory.self
        for word in CommandLine.arguments.dropFirst() {
            guard let sub = type.configuration.subcommands.first(where: { $0._commandName == word }) else { break }
            path += " " + word
            type = sub
        }
        return path
    }
}

extension FactoryError {
    /// The status lobot-factory exits with (README, "Exit status"): 1 for every error the factory
    /// refuses or fails with. 64 is a usage error (swift-argument-parser's, above); 3 is verdict's
    /// 10b, a decision and not an error.
    var exitCode: ExitCode { .failure }
}
