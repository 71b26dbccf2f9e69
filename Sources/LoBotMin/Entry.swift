// The `lobot` executable's entry point. Embedded Swift has no CommandLine, so the C runtime's
// main is pointed at `LoBotMin_main` by the linker; it turns argv into strings and dispatches to
// one command per file under Commands/.
import CLibC
import LoBotCore

@_cdecl("LoBotMin_main")
func lobotEntry(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
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
        guard let spec = commands.first(where: { $0.name == name }) else {
            Console.error("unknown command \"\(name)\" (see lobot --help)")
            return 2
        }
        let rest = Array(words.dropFirst())
        if rest.contains("--help") || rest.contains("-h") {
            Console.out(spec.help)
            return 0
        }
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
            while name.utf8.count < 14 { name += " " }
            text += "  \(name)\(spec.summary)\n"
        }
        text += "\nRun lobot COMMAND --help for a command's options. Exit status: 0 success, 1 failure, 2 usage."
        return text
    }
}
