// The `lobot` executable's entry point. Embedded Swift has no CommandLine, so the C runtime's
// main is pointed at `LoBotMin_main` by the linker; it turns argv into strings and dispatches to
// one command per file under Commands/.
import CLibC
import CTSPI
import LoBotCore

@_cdecl("LoBotMin_main")
func lobotEntry(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
    // The TrouSerS daemon is linked in as a second entry point, so the LoBot image carries
    // libcrypto once: `lobot tcsd ARGS`, or the binary invoked under the name `tcsd`.
    if argc >= 2, let first = argv[1], String(cString: first) == "tcsd" {
        return tcsd_main(argc - 1, argv + 1)
    }
    if argc >= 1, let zero = argv[0], Files.baseName(of: String(cString: zero)) == "tcsd" {
        return tcsd_main(argc, argv)
    }
    // As PID 1 of the LoBot VM, boot; this never returns.
    if getpid() == 1 { BootMain.run() }
    var arguments: [String] = []
    for i in 0..<Int(argc) {
        if let pointer = argv[i] { arguments.append(String(cString: pointer)) }
    }
    return Agent.main(arguments)
}

enum Agent {
    static let commands: [CommandSpec] = [
        CreateCommand.spec, ExtendCommand.spec, MeasureCommand.spec, ResetCommand.spec, PCRsCommand.spec,
        QuoteCommand.spec, VerifyQuoteCommand.spec, PubkeyCommand.spec, SealCommand.spec, UnsealCommand.spec,
        BindCommand.spec, UnbindCommand.spec, CounterCommand.spec, LogCommand.spec,
        PlatformEKCommand.spec, PlatformEnrollCommand.spec, PlatformActivateCommand.spec, PlatformBindKeyCommand.spec,
        PlatformUnbindCommand.spec, PlatformQuoteCommand.spec, PlatformPCRsCommand.spec, PlatformExtendCommand.spec,
        PlatformCounterCommand.spec, PlatformLaunchCommand.spec,
        DomainStatusCommand.spec, DomainStartCommand.spec, DomainStopCommand.spec,
        MigrateAcceptCommand.spec, MigrateSendCommand.spec, MigrateReceiveCommand.spec, MigrateOfferCommand.spec,
        MigrateCheckCommand.spec, MigrateReleaseCommand.spec, MigrateLaunchCommand.spec, MigrateFinishCommand.spec,
        MigrateRecoverCommand.spec,
    ]

    static func main(_ arguments: [String]) -> Int32 {
        let words = Array(arguments.dropFirst())
        guard let name = words.first, name != "--help", name != "-h", name != "help" else {
            Console.out(usage)
            return words.isEmpty ? 2 : 0
        }
        if name == "--version" {
            Console.out("lobot \(version)")
            return 0
        }
        // Platform commands are two words: `lobot platform quote ...`.
        let grouped = ["platform", "domain", "migrate"].contains(name) && words.count > 1 ? name + " " + words[1] : name
        guard let spec = commands.first(where: { $0.name == grouped }) else {
            Console.error("unknown command \"\(grouped)\" (see lobot --help)")
            return 2
        }
        let rest = Array(words.dropFirst(grouped == name ? 1 : 2))
        if rest.contains("--help") || rest.contains("-h") {
            Console.out(spec.help)
            return 0
        }
        Failpoint.install()
        do throws(AgentError) {
            let parsed = try ParsedArguments(rest, spec: spec)
            try dispatch(parsed)
            return 0
        } catch {
            Console.error(error.message)
            return error.exitStatus
        }
    }

    static func dispatch(_ arguments: ParsedArguments) throws(AgentError) {
        switch arguments.spec.name {
        case CreateCommand.spec.name: try CreateCommand.run(arguments)
        case ExtendCommand.spec.name: try ExtendCommand.run(arguments)
        case MeasureCommand.spec.name: try MeasureCommand.run(arguments)
        case ResetCommand.spec.name: try ResetCommand.run(arguments)
        case PCRsCommand.spec.name: try PCRsCommand.run(arguments)
        case QuoteCommand.spec.name: try QuoteCommand.run(arguments)
        case VerifyQuoteCommand.spec.name: try VerifyQuoteCommand.run(arguments)
        case PubkeyCommand.spec.name: try PubkeyCommand.run(arguments)
        case SealCommand.spec.name: try SealCommand.run(arguments)
        case UnsealCommand.spec.name: try UnsealCommand.run(arguments)
        case BindCommand.spec.name: try BindCommand.run(arguments)
        case UnbindCommand.spec.name: try UnbindCommand.run(arguments)
        case CounterCommand.spec.name: try CounterCommand.run(arguments)
        case LogCommand.spec.name: try LogCommand.run(arguments)
        case PlatformEKCommand.spec.name: try PlatformEKCommand.run(arguments)
        case PlatformEnrollCommand.spec.name: try PlatformEnrollCommand.run(arguments)
        case PlatformActivateCommand.spec.name: try PlatformActivateCommand.run(arguments)
        case PlatformBindKeyCommand.spec.name: try PlatformBindKeyCommand.run(arguments)
        case PlatformUnbindCommand.spec.name: try PlatformUnbindCommand.run(arguments)
        case PlatformQuoteCommand.spec.name: try PlatformQuoteCommand.run(arguments)
        case PlatformPCRsCommand.spec.name: try PlatformPCRsCommand.run(arguments)
        case PlatformExtendCommand.spec.name: try PlatformExtendCommand.run(arguments)
        case PlatformCounterCommand.spec.name: try PlatformCounterCommand.run(arguments)
        case PlatformLaunchCommand.spec.name: try PlatformLaunchCommand.run(arguments)
        case DomainStatusCommand.spec.name: try DomainStatusCommand.run(arguments)
        case DomainStartCommand.spec.name: try DomainStartCommand.run(arguments)
        case DomainStopCommand.spec.name: try DomainStopCommand.run(arguments)
        case MigrateAcceptCommand.spec.name: try MigrateAcceptCommand.run(arguments)
        case MigrateSendCommand.spec.name: try MigrateSendCommand.run(arguments)
        case MigrateReceiveCommand.spec.name: try MigrateReceiveCommand.run(arguments)
        case MigrateOfferCommand.spec.name: try MigrateOfferCommand.run(arguments)
        case MigrateCheckCommand.spec.name: try MigrateCheckCommand.run(arguments)
        case MigrateReleaseCommand.spec.name: try MigrateReleaseCommand.run(arguments)
        case MigrateLaunchCommand.spec.name: try MigrateLaunchCommand.run(arguments)
        case MigrateFinishCommand.spec.name: try MigrateFinishCommand.run(arguments)
        case MigrateRecoverCommand.spec.name: try MigrateRecoverCommand.run(arguments)
        default: throw .usage("unknown command \(arguments.spec.name)")
        }
    }

    static let version = "0.1.0"

    static var usage: String {
        var text = """
            usage: lobot COMMAND [OPTIONS]

            The LoBot agent: a vTPM with TPM 1.2 semantics, kept in one encrypted state file.

            commands:

            """
        for spec in commands {
            var name = spec.name
            while name.utf8.count < 20 { name += " " }
            text += "  \(name)\(spec.summary)\n"
        }
        text += "\nRun lobot COMMAND --help for a command's options. Exit status: 0 success, 1 failure, 2 usage."
        return text
    }
}
