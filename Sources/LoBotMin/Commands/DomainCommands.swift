// `lobot domain`: the aDoms this platform runs -- their state under qemu, and stopping one. A
// domain arrives by provisioning or migration (lobot migrate launch); these commands only look
// at it and manage its qemu.
import LoBotCore
import LoBotPlatform

enum DomainStatusCommand {
    static let spec = CommandSpec(
        name: "domain status",
        summary: "Print an aDom's state: running, paused, off, or absent.",
        help: """
            usage: lobot domain status --platform DIR --name NAME

            Prints one line: NAME STATE, where STATE is qemu's run state (running, paused,
            postmigrate, ...), off (the domain is here but qemu is not running) or absent.
            Also says whether its LoBot's vTPM opens on this platform.

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
        let state = try core { () throws(LoBotError) -> String in
            try DomainRuntime(directory: domain, config: try domain.config()).status()
        }
        let vtpm = PlatformAccess.opens(domain.lobot, on: directory) ? "vtpm opens" : "vtpm refused"
        Console.out("\(name) \(state) \(vtpm)")
    }
}

enum DomainStopCommand {
    static let spec = CommandSpec(
        name: "domain stop",
        summary: "Stop an aDom's qemu (its files stay).",
        help: """
            usage: lobot domain stop --platform DIR --name NAME

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
        guard let tpm = try? PlatformTPM(), let session = try? lobot.openOnPlatform(directory, tpm: tpm) else { return false }
        _ = consume session
        return true
    }
}
