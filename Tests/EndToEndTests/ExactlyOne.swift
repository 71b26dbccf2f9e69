// The exactly-one check both platform families run: a migration of `domain` per failpoint, back
// and forth between two platforms, each killed (SIGKILL) where the failpoint says, then recovered
// on both -- after which exactly one platform runs the aDom and opens its vTPM, and it goes on
// counting with the disk it had.
import Testing
import TestSupport

func expectExactlyOneRunnableAfterKills(_ w: MigrationWorld, _ domain: String, between first: String, and second: String,
                                        points: [String]) throws {
    var holder = first
    for point in points {
        let other = holder == first ? second : first
        let run = try w.migrate(domain, from: holder, to: other)
        let killed = try w.withFailpoint(point) {
            for step in run.steps {
                let result = try step.run()
                if result.stderr.contains("failpoint \(point): killing myself") { return true }
                try succeed(result, "\(step.name) with failpoint \(point)")
            }
            return false
        }
        #expect(killed, "failpoint \(point) was never reached")
        // Recovery: the destination first (with the release if the source sent it), then the source
        // with the destination's outcome.
        _ = try run.recover(other, with: run.last["release"])
        let outcome = run.last["launched"] ?? run.last["launch-failed"]
        let sourceRecovery = try run.recover(holder, with: outcome)
        #expect(sourceRecovery.status == 0, "\(point): \(sourceRecovery.stderr)")
        if let launched = run.last["launched"] { _ = try w.factory.run(["close", "--in", launched]) }
        let states = try [holder, other].map { try w.status(domain, on: $0) }
        let running = states.filter { $0.state == "running" }.count
        let opening = states.filter { $0.vtpmOpens }.count
        #expect(running == 1 && opening == 1, "after \(point): \(states)")
        if states[1].state == "running" { holder = other }
        let count = w.lastCount(domain, on: holder) ?? 0
        try w.waitForCount(domain, on: holder, atLeast: count + 2)
        #expect(!w.console(domain, on: holder).contains("DISK-MISMATCH"), "after \(point)")
        run.removeFiles()
    }
}
