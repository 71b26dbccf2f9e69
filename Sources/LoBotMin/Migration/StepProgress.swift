// Progress of the migration steps that move a domain's memory state or disk (send, receive,
// check, launch, and recover when it launches): while stderr is a terminal, one line there,
// rewritten at most four times a second, with the bytes done of the phase's total and the rate;
// when the step succeeds, one summary line on stdout, terminal or not. --quiet silences both.
// The core reports the bytes (LoBotCore's Progress); this file only counts and prints them.
// With LOBOT_PHASE_TIMES set (the bench sets it), each phase's duration goes to stderr as
// `phase NAME: N ms, CPU M ms, at T ms` (M: this process's and its waited-for children's user and
// system time; T: when the phase began, on CLOCK_MONOTONIC), --quiet or not: where a step's time
// and CPU go, phase by phase, and when (the bench times the aDom's downtime from QMP stop, in
// send's sealing phase, to cont, at the end of launch's restoring phase).
import LoBotCore

enum StepProgress {
    static let flag = "quiet"

    nonisolated(unsafe) static var enabled = false
    nonisolated(unsafe) static var live = false
    nonisolated(unsafe) static var started = 0
    nonisolated(unsafe) static var lastDrawn = 0
    nonisolated(unsafe) static var moved: UInt64 = 0
    nonisolated(unsafe) static var phaseName = ""
    nonisolated(unsafe) static var phaseDone: UInt64 = 0
    nonisolated(unsafe) static var phaseTotal: UInt64 = 0
    nonisolated(unsafe) static var phaseStarted = 0
    nonisolated(unsafe) static var phaseCPUStarted = 0

    /// Starts counting for this step, unless --quiet.
    static func begin(_ arguments: ParsedArguments) {
        enabled = !arguments.has(flag)
        guard enabled else { return }
        live = StandardStream.error.isTerminal
        started = monotonicMilliseconds()
        lastDrawn = 0
        moved = 0
        phaseName = ""
        Progress.hook = { bytes in advance(bytes) }
    }

    /// The work now under way, and how many bytes it will move (0: not known in advance, as a
    /// memory state qemu is still writing).
    static func phase(_ name: String, total: UInt64) {
        phaseName = name
        phaseStarted = monotonicMilliseconds()
        phaseCPUStarted = cpuMilliseconds()
        guard enabled else { return }
        phaseDone = 0
        phaseTotal = total
        draw(force: true)
    }

    /// Counts `bytes` moved in the current phase (the core's reports outside a phase, such as
    /// hashing the aDom's kernel before the memory state moves, are not the step's transfer).
    /// The transfer of the current phase is over: what the core reports next is not counted.
    static func endPhase() {
        if !phaseName.isEmpty, Environment.value("LOBOT_PHASE_TIMES") != nil {
            Console.error("phase \(phaseName): \(monotonicMilliseconds() - phaseStarted) ms, CPU \(cpuMilliseconds() - phaseCPUStarted) ms, "
                + "at \(phaseStarted) ms")
        }
        phaseName = ""
    }

    static func advance(_ bytes: Int) {
        guard enabled, !phaseName.isEmpty, bytes > 0 else { return }
        moved += UInt64(bytes)
        phaseDone += UInt64(bytes)
        draw(force: false)
    }

    /// Ends the step: the progress line goes, and one line says what was moved, how fast (only
    /// if anything was, unless `always`).
    static func finish(_ what: String, always: Bool = true) {
        guard enabled, always || moved > 0 else { return }
        Progress.hook = { _ in }
        Console.clearProgress()
        let elapsed = max(monotonicMilliseconds() - started, 1)
        Console.out("\(what): \(mebibytes(moved)) in \(seconds(elapsed)) (\(rate(moved, elapsed)))")
        enabled = false
    }

    static func draw(force: Bool) {
        guard enabled, live, !phaseName.isEmpty else { return }
        let now = monotonicMilliseconds()
        guard force || now - lastDrawn >= 250 else { return }
        lastDrawn = now
        var line = "\(phaseName): \(mebibytes(phaseDone))"
        if phaseTotal > 0 { line += " of \(mebibytes(phaseTotal)) (\(min(phaseDone * 100 / phaseTotal, 100))%)" }
        line += ", \(rate(moved, max(now - started, 1)))"
        Console.progress(line)
    }

    /// "12.3 MiB" (or KiB below one MiB), one decimal, in integers: Embedded Swift prints no
    /// floating point.
    static func mebibytes(_ bytes: UInt64) -> String {
        let unit: UInt64 = bytes < 1_048_576 ? 1024 : 1_048_576
        let tenths = bytes * 10 / unit
        return "\(tenths / 10).\(tenths % 10) \(unit == 1024 ? "KiB" : "MiB")"
    }

    static func seconds(_ milliseconds: Int) -> String {
        let tenths = (milliseconds + 50) / 100
        return "\(tenths / 10).\(tenths % 10) s"
    }

    static func rate(_ bytes: UInt64, _ milliseconds: Int) -> String {
        "\(mebibytes(bytes * 1000 / UInt64(milliseconds)))/s"
    }
}
