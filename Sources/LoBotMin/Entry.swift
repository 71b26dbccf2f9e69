// The `lobot` executable's entry point. Embedded Swift has no CommandLine, so the C runtime's
// main is pointed at `LoBotMin_main` by the linker; it turns argv into strings and dispatches to
// one command per file under Commands/.
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
    if Processes.currentID == 1 { BootMain.run() }
    var arguments: [String] = []
    for i in 0..<Int(argc) {
        if let pointer = argv[i] { arguments.append(String(cString: pointer)) }
    }
    return Agent.main(arguments)
}

/// A role of the agent and its commands, as `lobot --help` and `lobot GROUP --help` list them.
/// The vTPM's commands are one word (`lobot quote`); the others are two (`lobot platform quote`).
struct CommandGroup: Sendable {
    /// The first word of its commands, or "" for the vTPM's.
    let word: String
    /// Its heading in the overview.
    let heading: String
    /// What `lobot GROUP --help` says before the list.
    let about: String
    let commands: [CommandSpec]
}

/// The agent's command table: every command, by role, and the dispatch that reads it.
enum Agent {
    static let groups: [CommandGroup] = [
        CommandGroup(
            word: "", heading: "vTPM commands (--vtpm DIR or $LOBOT_VTPM)",
            about: "",
            commands: [
                CreateCommand.spec, ExtendCommand.spec, MeasureCommand.spec, ResetCommand.spec, PCRsCommand.spec,
                QuoteCommand.spec, VerifyQuoteCommand.spec, PubkeyCommand.spec, SealCommand.spec, UnsealCommand.spec,
                BindCommand.spec, UnbindCommand.spec, CounterCommand.spec, LogCommand.spec,
            ]),
        CommandGroup(
            word: "platform", heading: "platform commands: the platform's TPM 1.2 or 2.0 (lobot platform --help)",
            about: """
                The platform's TPM and LoBot's TPM-wrapped keys, kept in the platform directory
                (--platform DIR or $LOBOT_PLATFORM). A TPM 2.0 where $LOBOT_TPM2 names one
                (/dev/tpmrm0, unix:PATH or tcp:127.0.0.1:PORT; empty hierarchy authorisations);
                else a TPM 1.2 through TrouSerS' tcsd at $TSS_TCSD_HOSTNAME:$TSS_TCSD_PORT (owner and
                SRK secrets: the well-known secret). On a TPM 2.0, LoBot enrolls, certifies keys
                and quotes (SHA-256 bank); provisioning, migration and platform-rooted vTPMs need a
                TPM 1.2 for now.

                A platform takes part in provisioning and migration once it has run, in this order:
                ek (for lobot-factory ek-certify), enroll, activate, bind-key --signing-out (for
                lobot-factory register-bind-key --signing) and counter --create.
                """,
            commands: [
                PlatformEKCommand.spec, PlatformEnrollCommand.spec, PlatformActivateCommand.spec, PlatformBindKeyCommand.spec,
                PlatformCounterCommand.spec, PlatformQuoteCommand.spec, PlatformPCRsCommand.spec, PlatformExtendCommand.spec,
                PlatformUnbindCommand.spec, PlatformLaunchCommand.spec,
            ]),
        CommandGroup(
            word: "domain", heading: "domain commands: the aDoms this platform runs under qemu (lobot domain --help)",
            about: """
                The aDoms this platform runs, each under its own qemu, in PLATFORM/domains/NAME, each
                with a TPM its LoBot serves (tpm-server, started before qemu). A domain arrives by
                provisioning or migration (lobot migrate launch); these commands look at it, stop
                it and start it again.
                """,
            commands: [DomainStatusCommand.spec, DomainStartCommand.spec, DomainStopCommand.spec, TPMServerCommand.spec]),
        CommandGroup(
            word: "migrate", heading: "migration commands: this platform's steps of LSP and LSM (lobot migrate --help)",
            about: """
                This platform's steps of provisioning (LSP) and migration (LSM). Each reads one
                message file (--in) and writes its answer into --out and the session's outbox; the
                session's journal in PLATFORM/sessions/ID says where it stands. The destination
                runs accept, receive, check, launch; the source send, offer, release, finish (in
                LSP the factory is the source). After a crash or a lost message, recover.
                """,
            commands: [
                MigrateAcceptCommand.spec, MigrateSendCommand.spec, MigrateReceiveCommand.spec, MigrateOfferCommand.spec,
                MigrateCheckCommand.spec, MigrateReleaseCommand.spec, MigrateLaunchCommand.spec, MigrateFinishCommand.spec,
                MigrateRecoverCommand.spec,
            ]),
        CommandGroup(
            word: "guest-tpm", heading: "guest TPM commands: the engine of the aDoms' TPMs (lobot guest-tpm --help)",
            about: """
                The engine behind every aDom's TPM: libtpms, linked into lobot, emulating a TPM 1.2
                or a TPM 2.0.
                """,
            commands: [GuestTPMSelfTestCommand.spec]),
    ]

    static let version = "0.1.0"

    static func main(_ arguments: [String]) -> Int32 {
        var words = Array(arguments.dropFirst())
        guard let first = words.first else {
            Console.error("no command given (see lobot --help)")
            return 2
        }
        switch first {
        case "--help", "-h":
            Console.out(overview)
            return 0
        case "--version":
            Console.out("lobot \(version)")
            return 0
        case "help":
            return help(Array(words.dropFirst()))
        default:
            break
        }
        // A group's commands are two words: `lobot platform quote ...`.
        if let group = groups.first(where: { !$0.word.isEmpty && $0.word == first }) {
            guard words.count > 1 else {
                Console.error("\(first) needs a command (see lobot \(first) --help)")
                return 2
            }
            if words[1] == "--help" || words[1] == "-h" {
                Console.out(groupHelp(group))
                return 0
            }
            words = [first + " " + words[1]] + Array(words.dropFirst(2))
        }
        guard let spec = command(words[0]) else {
            let see = words[0].contains(" ") ? "lobot \(first) --help" : "lobot --help"
            Console.error("unknown command \"\(words[0])\" (see \(see))")
            return 2
        }
        let rest = Array(words.dropFirst())
        if rest.contains("--help") || rest.contains("-h") {
            Console.out(spec.help)
            return 0
        }
        Failpoint.install()
        do throws(AgentError) {
            try spec.run(try ParsedArguments(rest, spec: spec))
            return 0
        } catch {
            Console.error(error.message)
            return error.exitStatus
        }
    }

    /// The command named `name` ("quote", "platform quote"), from the table.
    static func command(_ name: String) -> CommandSpec? {
        for group in groups {
            for spec in group.commands where spec.name == name { return spec }
        }
        return nil
    }

    /// `lobot help [GROUP] [COMMAND]`: the overview, a group's help or a command's.
    static func help(_ words: [String]) -> Int32 {
        guard !words.isEmpty else {
            Console.out(overview)
            return 0
        }
        var name = words[0]
        for word in words.dropFirst() { name += " " + word }
        if let group = groups.first(where: { !$0.word.isEmpty && $0.word == name }) {
            Console.out(groupHelp(group))
            return 0
        }
        guard let spec = command(name) else {
            Console.error("help: unknown command \"\(name)\" (see lobot --help)")
            return 2
        }
        Console.out(spec.help)
        return 0
    }

    static func line(_ name: String, _ summary: String) -> String {
        var padded = "  " + name
        while padded.utf8.count < 22 { padded += " " }
        return padded + summary + "\n"
    }

    static var overview: String {
        var text = """
            usage: lobot COMMAND [OPTIONS]
                   lobot GROUP COMMAND [OPTIONS]

            The LoBot agent. It holds vTPMs with TPM 1.2 semantics, each kept in one encrypted
            state file; reaches the platform's TPM 1.2 through TrouSerS, or its TPM 2.0 directly;
            runs aDoms under qemu; and
            plays the platform's part of provisioning (LSP) and migration (LSM) with the offline
            factory, lobot-factory.

            """
        for group in groups {
            text += "\n\(group.heading):\n"
            for spec in group.commands { text += line(spec.name, spec.summary) }
        }
        text += "\nother commands:\n"
        text += line("tcsd ARGS", "Run the TrouSerS daemon linked into lobot (tcsd's own options).")
        text += line("help [COMMAND]", "Print the help of a command or a group.")
        text += """

            Run lobot help COMMAND (or lobot COMMAND --help) for a command's options.
            Exit status: 0 success, 1 the operation failed (one line on stderr says why), 2 the
            command line was wrong.
            """
        return text
    }

    static func groupHelp(_ group: CommandGroup) -> String {
        var text = "usage: lobot \(group.word) COMMAND [OPTIONS]\n\n\(group.about)\n\ncommands:\n"
        for spec in group.commands { text += line(String(spec.name.dropFirst(group.word.utf8.count + 1)), spec.summary) }
        text += "\nRun lobot help \(group.word) COMMAND (or lobot \(group.word) COMMAND --help) for a command's options."
        return text
    }
}
