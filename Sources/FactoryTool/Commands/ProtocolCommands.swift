// The factory's commands of LSP and LSM: each reads the message a platform sent (--in) and
// writes the factory's messages into --out, one file each, printing where each went.
import FactoryKit
import ArgumentParser
import Foundation
import LoBotCore

/// Writes the outgoing messages and reports them.
func deliver(_ outgoing: Factory.Outgoing, to out: String, options: FactoryOptions, summary: String) throws {
    try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
    var written: [[String: Any]] = []
    var lines = [summary]
    for (name, message) in outgoing {
        let path = out + "/" + name
        try writeOutput(path, message.bytes)
        lines.append("\(message.type.name) message for \(message.receiver): \(path)")
        written.append(["type": message.type.name, "to": message.receiver, "path": path])
    }
    try options.emit(lines.joined(separator: "\n"), ["summary": summary, "messages": written])
}

func readMessage(_ path: String) throws -> [UInt8] { try readInput(path, maximum: Envelope.maximumBody + 4096) }

struct ProvisionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "provision",
        abstract: "LSP: provision a new LoBot and its aDom onto a platform (opens the session).",
        discussion: """
            Makes the LoBot (a vTPM certified by the factory, MSK bound to the platform's TPM), \
            seals the aDom's disk under a fresh key into OUT/disk.lbst, and writes the open \
            message for the platform. Then: the platform's lobot migrate accept; proceed; \
            lobot migrate receive; verdict; lobot migrate check; release; lobot migrate launch; close.
            """)

    @OptionGroup var options: FactoryOptions
    @Argument(help: "The domain's name.") var domain: String
    @Argument(help: "The platform to provision it onto.") var platform: String
    @Option(name: .long, help: "The aDom's kernel (the same path on every platform).") var kernel: String
    @Option(name: .long, help: "The aDom's initrd (the same path on every platform).") var initrd: String
    @Option(name: .long, help: "The aDom's memory in MiB.") var memory: UInt32 = 128
    @Option(name: .long, help: "The aDom's kernel command line.") var append: String = "console=ttyS0 quiet"
    @Option(name: .long, help: "A disk image that travels with the domain.") var disk: String?
    @Option(name: .long, help: "A disk on storage every platform mounts at this path.") var sharedDisk: String?
    @Option(name: .long, help: "The family of the TPM the domain's guest gets: 1.2 or 2.0.") var tpm: String = "2.0"
    @Option(name: .long, help: "Golden values the LoBot must match: its image's (bake) or the host agent's (golden predict-host).")
    var lobotGolden: String
    @Option(name: .long, help: "Golden values the platform's PCRs must match.") var platformGolden: String
    @Option(name: .long, help: "Where to write the messages and the sealed disk.") var out: String

    func validate() throws {
        guard Factory.isValidName(domain) else { throw ValidationError("DOMAIN must be 1-64 letters, digits, '.', '_' or '-'.") }
        guard disk == nil || sharedDisk == nil else { throw ValidationError("Give --disk or --shared-disk, not both.") }
        guard GuestTPMFamily(name: tpm) != nil else { throw ValidationError("--tpm must be 1.2 or 2.0.") }
    }

    func run() throws {
        let factory = try options.open()
        let config = try factoryCore { () throws(LoBotError) in
            let kind: DomainConfig.Disk = disk != nil ? .local : sharedDisk != nil ? .shared : .none
            let config = DomainConfig(name: domain, memoryMiB: memory, kernel: kernel, initrd: initrd, commandLine: append, disk: kind,
                                      sharedPath: sharedDisk ?? "", tpm: GuestTPMFamily(name: tpm) ?? .tpm20)
            return try DomainConfig(bytes: config.bytes)
        }
        let outgoing = try factory.provision(domain: config, platform: platform, disk: disk, lobotGolden: lobotGolden, platformGolden: platformGolden,
                                             out: out)
        try deliver(outgoing, to: out, options: options, summary: "provisioning \(domain) onto \(platform)")
    }
}

struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "LSM: open a session to migrate a domain to a destination platform.",
        discussion: """
            Writes the open message for the destination. Then: lobot migrate accept (DP); \
            proceed; lobot migrate send (SP); lobot migrate receive (DP); verdict; lobot migrate \
            offer (SP); lobot migrate check (DP); lobot migrate release (SP); lobot migrate \
            launch (DP); lobot migrate finish (SP) and close.
            """)

    @OptionGroup var options: FactoryOptions
    @Argument(help: "The domain.") var domain: String
    @Argument(help: "The destination platform.") var destination: String
    @Option(name: .long, help: "Golden values the destination's PCRs must match.") var platformGolden: String
    @Option(name: .long, help: "Golden values LoBot_D must match on the destination: its LoBot image's (bake) or the host agent's (golden predict-host); default: the domain's.")
    var lobotGolden: String?
    @Option(name: .long, help: "Where to write the messages.") var out: String

    func run() throws {
        let outgoing = try options.open().migrate(domain: domain, to: destination, platformGolden: platformGolden, lobotGolden: lobotGolden)
        try deliver(outgoing, to: out, options: options, summary: "migrating \(domain) to \(destination)")
    }
}

struct ProceedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proceed",
        abstract: "Step 4: check the destination's certified keys; tell the source to proceed (LSP: send the LoBot).")

    @OptionGroup var options: FactoryOptions
    @Option(name: .long, help: "The destination-keys message.") var `in`: String
    @Option(name: .long, help: "Where to write the messages.") var out: String

    func run() throws {
        let outgoing = try options.open().proceed(try readMessage(`in`))
        try deliver(outgoing, to: out, options: options, summary: "destination keys checked")
    }
}

struct VerdictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verdict",
        abstract: "Step 10: decide on LoBot_D's report; exit status 3 when the destination is not trusted (10b).")

    @OptionGroup var options: FactoryOptions
    @Option(name: .long, help: "The lobot-report message.") var `in`: String
    @Option(name: .long, help: "Where to write the messages.") var out: String

    func run() throws {
        let (trusted, reason, outgoing) = try options.open().verdict(try readMessage(`in`))
        try deliver(outgoing, to: out, options: options, summary: trusted ? "10a trusted: \(reason)" : "10b not trusted: \(reason)")
        if !trusted {
            FileHandle.standardError.write(Data("lobot-factory: refused: the destination is not trusted: \(reason)\n".utf8))
            throw ExitCode(3)
        }
    }
}

struct ReleaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "release",
        abstract: "LSP step 13: release the aDom's key to the platform after its domain-ready.")

    @OptionGroup var options: FactoryOptions
    @Option(name: .long, help: "The domain-ready (or domain-refused) message.") var `in`: String
    @Option(name: .long, help: "Where to write the release.") var out: String

    func run() throws {
        let outgoing = try options.open().release(try readMessage(`in`))
        try deliver(outgoing, to: out, options: options, summary: outgoing.isEmpty ? "the platform refused the package (13b)" : "released")
    }
}

struct CloseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "close",
        abstract: "Record the destination's launched or launch-failed outcome.")

    @OptionGroup var options: FactoryOptions
    @Option(name: .long, help: "The launched or launch-failed message.") var `in`: String

    func run() throws {
        let detail = try options.open().close(try readMessage(`in`))
        try options.emit(detail, ["detail": detail])
    }
}
