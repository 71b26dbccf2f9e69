// `lobot domain`: the aDoms this platform runs -- their state under qemu and their TPM servers,
// stopping one and starting it again. A domain arrives by provisioning or migration (lobot migrate
// launch); these commands look at it and manage its qemu and TPM server.
import LoBotCore
import LoBotPlatform

enum DomainStatusCommand {
    static let spec = CommandSpec(
        name: "domain status",
        summary: "Print an aDom's state, whether its vTPM opens, and its TPM server's.",
        help: """
            usage: lobot domain status --platform DIR --name NAME

            Prints one line: NAME STATE; vtpm opens|refused; tpm FAMILY server SERVER.
            STATE is qemu's run state (running, paused, postmigrate, ...), off (the domain is
            here but qemu is not running) or absent (then nothing follows). "vtpm opens" says
            its LoBot's vTPM opens on this platform. SERVER is that of the process serving the
            guest's TPM: "running (pid N)"; "stopped" (with qemu); or, while qemu runs without
            it, "DEAD: the guest has no TPM until the domain is stopped and started again" and
            the server's last words.

            options:
              --platform DIR   the platform's LoBot directory (or $LOBOT_PLATFORM)
              --name NAME      the domain
            """,
        options: PlatformAccess.options + ["name"],
        run: run)

    static func run(_ arguments: ParsedArguments) throws(AgentError) {
        let directory = try PlatformAccess.directory(arguments)
        let name = try arguments.required("name")
        let domain = DomainDirectory(directory, name: name)
        guard domain.exists else {
            Console.out("\(name) absent")
            return
        }
        let config = try core { () throws(LoBotError) in try domain.config() }
        let runtime = DomainRuntime(directory: domain, config: config)
        let state = try core { () throws(LoBotError) -> String in try runtime.status() }
        let vtpm = PlatformAccess.opens(domain.lobot, on: directory) ? "vtpm opens" : "vtpm refused"
        let server = runtime.tpmServer
        let serving: String
        if let pid = server.pid {
            serving = "running (pid \(pid))"
        } else if runtime.isRunning {
            serving = "DEAD: the guest has no TPM until the domain is stopped and started again"
                + (server.lastLogLine.map { " (it said: \($0))" } ?? "")
        } else {
            serving = "stopped"
        }
        Console.out("\(name) \(state); \(vtpm); tpm \(config.tpm.name) server \(serving)")
    }
}

enum DomainStopCommand {
    static let spec = CommandSpec(
        name: "domain stop",
        summary: "Stop an aDom's qemu, then its TPM server (its files stay).",
        help: """
            usage: lobot domain stop --platform DIR --name NAME

            Stops qemu (QMP quit; killed if it does not answer), then the server of the guest's
            TPM, which checkpoints what the guest wrote. The domain stays here, off: lobot domain
            start boots it again.

            options:
              --platform DIR   the platform's LoBot directory (or $LOBOT_PLATFORM)
              --name NAME      the domain
            """,
        options: PlatformAccess.options + ["name"],
        run: run)

    static func run(_ arguments: ParsedArguments) throws(AgentError) {
        let directory = try PlatformAccess.directory(arguments)
        let domain = DomainDirectory(directory, name: try arguments.required("name"))
        let config = try core { () throws(LoBotError) in try domain.config() }
        DomainRuntime(directory: domain, config: config).stop()
        Console.out("\(config.name) stopped")
    }
}

extension PlatformAccess {
    /// Whether the vTPM in `lobot` opens on this platform now (its MSK unbinds, its version is current).
    static func opens(_ lobot: VTPMDirectory, on directory: PlatformDirectory) -> Bool {
        guard let tpm = try? PlatformAccess.root(directory), let session = try? lobot.openOnPlatform(directory, tpm: tpm) else { return false }
        _ = consume session
        return true
    }
}

enum DomainStartCommand {
    static let spec = CommandSpec(
        name: "domain start",
        summary: "Boot an aDom that is here but off: its TPM server, then qemu.",
        help: """
            usage: lobot domain start --platform DIR --name NAME

            Cold-boots a domain that lives on this platform and is off (stopped, or its qemu
            or its TPM server died): starts the server of its guest's TPM, which resumes from
            the last state the guest was told was written, and boots qemu with the TPM device.
            Refused while a provisioning or migration session of the domain is not final on
            this platform (exactly one platform runs an aDom: end it with lobot migrate
            recover first), or when its LoBot does not open here.

            options:
              --platform DIR   the platform's LoBot directory (or $LOBOT_PLATFORM)
              --name NAME      the domain
            """,
        options: PlatformAccess.options + ["name"],
        run: run)

    static func run(_ arguments: ParsedArguments) throws(AgentError) {
        let directory = try PlatformAccess.directory(arguments)
        let name = try arguments.required("name")
        let domain = DomainDirectory(directory, name: name)
        let step = try MigrationStep(participantOf: directory)
        try core { () throws(LoBotError) in
            guard domain.exists else { throw .notFound("domain \(name) on this platform") }
            let config = try domain.config()
            let runtime = DomainRuntime(directory: domain, config: config)
            guard !runtime.isRunning else { throw .alreadyExists("a running qemu for domain \(name)") }
            if let session = try step.unfinishedSession(of: name) {
                throw .invalidArgument("session \(session.hex) of domain \(name) is not final here: end it with lobot migrate recover first")
            }
            _ = try domain.lobot.openOnPlatform(directory, tpm: step.tpm)
            runtime.tpmServer.stop(destroying: false)
            try runtime.start()
            Console.out("\(name) started (tpm \(config.tpm.name))")
        }
    }
}

extension MigrationStep {
    /// A step's view of the platform without a message in hand (`domain start`).
    init(participantOf directory: PlatformDirectory) throws(AgentError) {
        self.init(participant: try core { () throws(LoBotError) in try Participant(directory: directory) }, out: "")
    }

    /// A session of `domain` this platform took part in whose journal is not final, if any.
    func unfinishedSession(of domain: String) throws(LoBotError) -> SessionID? {
        guard Files.isDirectory(directory.sessionsPath) else { return nil }
        for name in try Files.list(directory.sessionsPath) {
            guard let bytes = Hex.bytes(name), let session = SessionID(bytes) else { continue }
            let files = files(session)
            guard files.exists else { continue }
            let journal = try files.journal()
            if journal.open.domain.name == domain && !journal.state.isFinal { return session }
        }
        return nil
    }
}
