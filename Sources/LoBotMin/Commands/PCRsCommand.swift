// `lobot pcrs`: prints PCR values, one per line.
import LoBotCore

enum PCRsCommand {
    static let spec = CommandSpec(
        name: "pcrs",
        summary: "Print PCR values.",
        help: """
            usage: lobot pcrs --vtpm DIR [--pcrs LIST]

            Prints "PCR-NN: HEX" for each selected PCR.

            options:
              --vtpm DIR     the vTPM (or $LOBOT_VTPM)
              --pcrs LIST    e.g. 0-7,10 (default 0-23)
            """,
        options: VTPMAccess.options + ["pcrs"],
        run: run)

    static func run(_ arguments: ParsedArguments) throws(AgentError) {
        let selection = try arguments.selection(default: "0-23")
        let bank = try VTPMAccess.with(arguments, mutating: false) { (vtpm) throws(LoBotError) in vtpm.pcrs }
        for index in selection.indices { Console.out("PCR-\(PCRFormat.index(index)): \(bank.values[index].hex)") }
    }
}

enum PCRFormat {
    /// Two-digit PCR index, as /sys/class/tpm/tpm0/pcrs prints it.
    static func index(_ index: Int) -> String { index < 10 ? "0\(index)" : "\(index)" }
}
