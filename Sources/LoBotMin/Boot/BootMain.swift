// The agent as PID 1 of the LoBot VM: set the machine up, run the boot sequence, write the
// result where the host reads it, print one line on the console, and power off. It never
// returns, never hangs waiting for input and never starts a shell.
import LoBotCore

enum BootMain {
    static func run() -> Never {
        do throws(LoBotError) {
            try BootSystem.mountFilesystems()
            BootTrace.step("mounted")
            try BootSystem.loadModules()
            BootTrace.step("modules")
        } catch {
            Console.error("boot failed: \(error.message)")
            BootSystem.powerOff()
        }
        let start = monotonicMilliseconds()
        let output = BootSequence.run()
        let result = output.result
        let elapsed = monotonicMilliseconds() - start
        do throws(LoBotError) {
            try BootDisks.writeOutput(output)
        } catch {
            Console.error("cannot write the boot result: \(error.message)")
            // An output too large for its disk still reports why, as a failure.
            _ = try? BootDisks.writeOutput(.failure("cannot write the boot result: \(error.message)"))
            BootSystem.powerOff()
        }
        if result.succeeded {
            Console.out("lobot: \(result.message) in \(elapsed) ms; powering off")
        } else {
            Console.error("boot failed: \(result.message)")
        }
        BootSystem.powerOff()
    }
}
