// `lobot-factory enroll`: the privacy-CA step of AIK enrollment.
import FactoryKit
import ArgumentParser
import LoBotCore

struct EnrollCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enroll",
        abstract: "Certify a platform's AIK from its identity request; write the answer.")

    @OptionGroup var options: FactoryOptions

    @Option(name: .long, help: "The identity request (from lobot platform enroll, TPM 1.2 or 2.0).")
    var request: String

    @Option(name: .long, help: "Where to write the answer for lobot platform activate.")
    var out: String

    func run() throws {
        let factory = try options.open()
        let enrollment = try factory.enroll(request: try readInput(request, maximum: 64 << 10))
        try writeOutput(out, enrollment.answer)
        try options.emit("platform \(enrollment.platform) enrolled; answer written to \(out)",
                         ["platform": enrollment.platform, "answer": out])
    }
}
