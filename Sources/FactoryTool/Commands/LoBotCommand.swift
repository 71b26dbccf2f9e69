// `lobot-factory lobot new`: the factory makes a LoBot for a platform (its vTPM, certified keys,
// MSK bound to the platform's TPM bind key).
import ArgumentParser
import FactoryKit
import Foundation
import LoBotCore

struct LoBotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lobot",
        abstract: "Make LoBots: a vTPM rooted in a platform, with factory-certified keys.",
        subcommands: [New.self])

    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a LoBot's vTPM for an enrolled platform.")

        @OptionGroup var options: FactoryOptions

        @Option(name: .long, help: "The LoBot's name.")
        var name: String

        @Option(name: .long, help: "The enrolled platform it will run on (its bind key must be registered).")
        var platform: String

        @Option(name: .long, help: "The vTPM directory to write (vtpm.state, msk.bound, and the keys' certificates).")
        var out: String

        func run() throws {
            let factory = try options.open()
            guard !FileManager.default.fileExists(atPath: out + "/vtpm.state") else { throw FactoryError.alreadyExists("\(out) already holds a vTPM") }
            let made = try factory.makeLoBot(name: name, platform: platform)
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try writeOutput(out + "/msk.bound", made.boundKey, secret: true)
            for (file, der) in made.certificates { try writeOutput(out + "/" + file, der) }
            try writeOutput(out + "/vtpm.state", made.state, secret: true)
            try options.emit("LoBot \(name) (vTPM \(HexText.string(made.id.bytes))) made for \(platform) in \(out)",
                             ["lobot": name, "vtpm": HexText.string(made.id.bytes), "platform": platform, "out": out])
        }
    }
}

struct VerifyBootCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-boot",
        abstract: "Decide whether a LoBot boot on a platform is trusted (LSM step 10).")

    @OptionGroup var options: FactoryOptions

    @Option(name: .long, help: "The boot result (from lobot platform launch).")
    var result: String

    @Option(name: .long, help: "The enrolled platform the LoBot booted on.")
    var platform: String

    @Option(name: .long, help: "The LoBot.")
    var lobot: String

    @Option(name: .long, help: "The golden values the LoBot's vTPM PCRs 0-5 must equal (image-... from lobot-factory bake).")
    var lobotGolden: String

    @Option(name: .long, help: "The nonce issued to the platform for its quote.")
    var platformNonce: String

    @Option(name: .long, help: "The nonce issued to the LoBot for its vTPM quote.")
    var vtpmNonce: String

    @Option(name: .long, help: "Golden values the platform's quoted PCRs must equal.")
    var platformGolden: String?

    func run() throws {
        let factory = try options.open()
        let parsed = try factoryCore { () throws(LoBotError) in try BootResult(bytes: try Files.read(result, maximum: 64 << 20)) }
        try factory.verifyBoot(.init(result: parsed, platform: platform, lobot: lobot, image: lobotGolden,
                                     platformNonce: try parseNonce(platformNonce), vtpmNonce: try parseNonce(vtpmNonce),
                                     platformGolden: platformGolden))
        let domains = parsed.domains.map { ["name": $0.name, "sha256": HexText.string($0.sha256), "size": $0.size] as [String: Any] }
        let family = parsed.platformQuote?.family.name ?? "TPM"
        try options.emit("trusted: \(lobot) booted \(lobotGolden) on \(platform) (platform quote by a \(family))",
                         ["trusted": true, "lobot": lobot, "platform": platform, "lobot_golden": lobotGolden, "domains": domains,
                          "platform_tpm": family])
    }
}
