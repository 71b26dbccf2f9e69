// `lobot-tamper`: the tamper matrix. Feeds every receiving command of LSP and LSM tampered
// copies of the message or file it reads, on real platforms, and writes how each was refused.
//   usage: lobot-tamper [--out DIR] [--thorough] [--memory MIB]
// Exit status 0 only when every case was refused with one clear line and no side effect, and the
// genuine protocol then went through to the end.
import Foundation
import TestSupport

var outDirectory = "build/tamper"
var thorough = false
var memory: Int? = nil
var arguments = Array(CommandLine.arguments.dropFirst())
func usage(_ message: String) -> Never {
    FileHandle.standardError.write(Data("lobot-tamper: \(message)\nusage: lobot-tamper [--out DIR] [--thorough] [--memory MIB]\n".utf8))
    exit(2)
}
while !arguments.isEmpty {
    let option = arguments.removeFirst()
    switch option {
    case "--thorough": thorough = true
    case "--out", "--memory":
        guard !arguments.isEmpty else { usage("\(option) needs a value") }
        let value = arguments.removeFirst()
        if option == "--out" { outDirectory = value } else if let mib = Int(value), mib >= 128 { memory = mib } else { usage("--memory takes MiB, at least 128") }
    default: usage("unknown option \(option)")
    }
}
// The Debian kernel needs about 96 MiB and some room besides; the aDom is kept small (its memory
// state is hashed whole by every stream case), with 8 MiB of random data unless --memory asks
// for a larger one, which then fills most of its memory.
let guestMemory = memory ?? 128
let guestFill = memory == nil ? 8 : guestMemory * 3 / 4 - 50

// The platforms, the factory and the transport area live in memory unless TMPDIR says otherwise
// (or /dev/shm has less than 2 GiB free, as in a container's default): the run makes thousands
// of synced writes (every refusal the factory logs), on a disk `make test` shares with the build.
var shm = statvfs()
if getenv("TMPDIR") == nil, access("/dev/shm", W_OK) == 0, statvfs("/dev/shm", &shm) == 0,
    UInt64(shm.f_bavail) * UInt64(shm.f_frsize) >= 2 << 30
{
    setenv("TMPDIR", "/dev/shm", 1)
}

let start = Date()
var failure: String? = nil
var groups: [Group] = []

/// Writes results.md: the groups so far while `running`, or the whole run.
struct ReportWriter {
    let directory: String
    let notes: [String]
    let start: Date

    func write(_ groups: [Group], running: Bool, failure: String?) {
        var notes = notes
        if running { notes.append("**Still running: the types done so far.**") }
        if let failure { notes.append("**The run stopped early: \(Report.escape(failure))**") }
        let markdown = Report.markdown(groups, title: "LoBot tamper matrix", notes: notes, seconds: Date().timeIntervalSince(start))
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try markdown.write(toFile: directory + "/results.md", atomically: true, encoding: .utf8)
        } catch {
            FileHandle.standardError.write(Data("lobot-tamper: cannot write \(directory)/results.md: \(error)\n".utf8))
            exit(1)
        }
    }
}
let report = ReportWriter(
    directory: outDirectory,
    notes: [thorough ? "Thorough run: every bit of every header, every byte of every file, every truncation length."
            : "CI run: see each type for how its bytes were covered; `lobot-tamper --thorough` covers every byte.",
            "aDom: \(guestMemory) MiB, \(guestFill) MiB of it random data."],
    start: start)

do {
    say("setting up SP, DP and RP (swtpm + tcsd each), S2 and D2 (swtpm --tpm2 each), the factory and the aDom")
    let world = try MigrationWorld(names: ["SP", "DP", "RP", "S2", "D2"], tpm2: ["S2", "D2"])
    let matrix = try Matrix(world: world)
    matrix.onGroup = { [report] in report.write($0, running: true, failure: nil) }
    let scenario = Scenario(world: world, matrix: matrix, thorough: thorough, memory: guestMemory, fill: guestFill)
    defer { groups = matrix.groups }
    do {
        try scenario.run()
    } catch {
        failure = "\(error)"
    }
    for name in world.members.keys { _ = try? world.lobot(name, ["domain", "stop", "--name", scenario.domain]) }
} catch {
    failure = "setting up: \(error)"
}
let seconds = Date().timeIntervalSince(start)
report.write(groups, running: false, failure: failure)
let total = groups.reduce(0) { $0 + $1.cases.count }
let failed = groups.reduce(0) { $0 + $1.failures.count }
let lasting = groups.filter { !$0.lasting.isEmpty }.count
say(String(format: "tamper matrix: %d types, %d cases, %d refused, %d failed, %d with lasting changes, %.0f s; %@/results.md",
             groups.count, total, total - failed, failed, lasting, seconds, outDirectory))
if let failure {
    FileHandle.standardError.write(Data("lobot-tamper: \(failure)\n".utf8))
    exit(1)
}
exit(failed == 0 && lasting == 0 ? 0 : 1)
