// `lobot log`: the event log, one event per line, and whether replaying it gives the PCRs.
import LoBotCore

enum LogCommand {
    static let spec = CommandSpec(
        name: "log",
        summary: "Print the event log and check it replays to the PCRs.",
        help: """
            usage: lobot log --vtpm DIR [--out FILE]

            Prints "PCR KIND DIGEST NAME" per event (KIND is measure, extend or reset; DIGEST
            is the SHA-256 of a measurement or the SHA-1 of an extend), then replays the log
            and says whether it gives the current PCR values. With --out, also writes the log
            in its binary form for a verifier.

            options:
              --vtpm DIR   the vTPM (or $LOBOT_VTPM)
              --out FILE   write the binary event log here
            """,
        options: VTPMAccess.options + ["out"],
        run: run)

    static func run(_ arguments: ParsedArguments) throws(AgentError) {
        let (log, bank) = try VTPMAccess.with(arguments, mutating: false) { (vtpm) throws(LoBotError) in (vtpm.log, vtpm.pcrs) }
        for event in log.events {
            let pcr = PCRFormat.index(event.pcr)
            switch event.kind {
            case .measurement(let digest): Console.out("\(pcr) measure \(Hex.string(digest)) \(event.name)")
            case .extend(let digest): Console.out("\(pcr) extend \(digest.hex) \(event.name)")
            case .reset: Console.out("\(pcr) reset - \(event.name)")
            }
        }
        if let out = arguments.value("out") { try Output.write(out, log.bytes) }
        let replayed = try core { () throws(LoBotError) in try log.replay() }
        guard replayed == bank else {
            throw .failed(.pcrMismatch("the event log does not replay to the current PCRs"))
        }
        Console.out("replay: \(log.events.count) events give the current PCRs")
    }
}
