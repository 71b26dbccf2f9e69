// `lobot measure`: SHA-256 of files (a kernel, a disk image, a memory state), streamed in large
// chunks, each recorded in the event log and extended into a PCR.
import LoBotCore

enum MeasureCommand {
    static let spec = CommandSpec(
        name: "measure",
        summary: "Measure files into a PCR and the event log.",
        help: """
            usage: lobot measure --vtpm DIR --pcr N [--name TEXT] FILE...

            For each FILE, computes its SHA-256, records it in the event log with its name, and
            extends PCR[N] with SHA-1(SHA-256 digest). Prints "SHA256  NAME" per file, like
            sha256sum, then the new PCR value. The vTPM stays locked while it reads.

            options:
              --vtpm DIR    the vTPM (or $LOBOT_VTPM)
              --pcr N       PCR index, 0 to 23
              --name TEXT   name for the event log (default: the file's name; one FILE only)
            """,
        options: VTPMAccess.options + ["pcr", "name"],
        positionals: 1...64,
        run: run)

    static func run(_ arguments: ParsedArguments) throws(AgentError) {
        let pcr = try arguments.pcr()
        let files = arguments.positionals
        if arguments.value("name") != nil && files.count > 1 { throw arguments.usage("--name needs exactly one FILE") }
        var lines: [String] = []
        let value = try VTPMAccess.with(arguments, mutating: true) { (vtpm) throws(LoBotError) in
            var value = SHA1Digest.zero
            for path in files {
                let digest = try FileMeasurement.sha256(path: path)
                let name = arguments.value("name") ?? Files.baseName(of: path)
                value = try vtpm.measure(pcr: pcr, sha256: digest, name: String(name.utf8.prefix(Event.maximumNameBytes)) ?? "file")
                lines.append("\(Hex.string(digest))  \(path)")
            }
            return value
        }
        for line in lines { Console.out(line) }
        Console.out("PCR-\(PCRFormat.index(pcr)): \(value.hex)")
    }
}
