// `lobot counter`: the vTPM's monotonic counter.
import LoBotCore

enum CounterCommand {
    static let spec = CommandSpec(
        name: "counter",
        summary: "Read or increment the vTPM's monotonic counter.",
        help: """
            usage: lobot counter --vtpm DIR [--increment]

            Prints the counter; with --increment, first adds one (it never goes back).

            options:
              --vtpm DIR     the vTPM (or $LOBOT_VTPM)
              --increment    add one before printing
            """,
        options: VTPMAccess.options, flags: ["increment"],
        run: run)

    static func run(_ arguments: ParsedArguments) throws(AgentError) {
        let increment = arguments.has("increment")
        let value = try VTPMAccess.with(arguments, mutating: increment) { (vtpm) throws(LoBotError) in
            increment ? try vtpm.incrementCounter() : vtpm.counter
        }
        Console.out("counter: \(value)")
    }
}
