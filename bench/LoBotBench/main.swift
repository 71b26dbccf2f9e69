// `lobot-bench`: runs the benchmark suites and writes DIR/results.{json,md}.
//   usage: lobot-bench [--out DIR] [--suite NAME]... [--smoke]
//   suites: vtpm, platform, keydb, vm, migration, families, guest-tpm (default: all). --smoke runs every suite at its
//   smallest size with few repetitions (minutes, for `make test`): it shows that each suite still
//   runs, and its figures are not the benchmark's.
import Foundation

// A qemu or swtpm that dies mid-suite must fail the suite with its error, not kill the bench.
signal(SIGPIPE, SIG_IGN)
var outDirectory = "bench"
var suites: [String] = []
var smoke = false
var arguments = Array(CommandLine.arguments.dropFirst())
func usage(_ text: String) -> Never {
    FileHandle.standardError.write(Data("lobot-bench: \(text) (usage: lobot-bench [--out DIR] [--suite NAME]... [--smoke])\n".utf8))
    exit(2)
}
while !arguments.isEmpty {
    let option = arguments.removeFirst()
    switch option {
    case "--smoke": smoke = true
    case "--out", "--suite":
        guard !arguments.isEmpty else { usage("\(option) needs a value") }
        if option == "--out" { outDirectory = arguments.removeFirst() } else { suites.append(arguments.removeFirst()) }
    default: usage("unknown option \(option)")
    }
}
let allSuites = ["vtpm", "platform", "keydb", "vm", "migration", "families", "guest-tpm"]
if suites.isEmpty { suites = allSuites }
for suite in suites where !allSuites.contains(suite) { usage("unknown suite \(suite) (suites: \(allSuites.joined(separator: ", ")))") }

let sizes = BenchSizes(smoke: smoke)
let environment = ProcessInfo.processInfo.environment
let root = FileManager.default.currentDirectoryPath
let lobot = environment["LOBOT_BIN"] ?? root + "/build/lobot"
let factory = environment["LOBOT_FACTORY_BIN"] ?? root + "/build/lobot-factory"
let work = outDirectory + "/work"
try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
var results = ResultsFile(directory: outDirectory, title: smoke ? "LoBot benchmarks, smoke run (not figures to quote)" : "LoBot benchmarks")
let machine = Machine.current()
let commit = SuiteRun.commit(root: root)
print("lobot-bench\(smoke ? " --smoke" : ""): \(machine.description); commit \(commit)")
do {
    for suite in suites {
        print("suite \(suite) (load average \(SuiteRun.loadAverage()))")
        results.begin(suite)
        let date = SuiteRun.now()
        let loadBefore = SuiteRun.loadAverage()
        let started = Clock.now()
        switch suite {
        case "vtpm": try VTPMSuite(lobot: lobot, work: work, sizes: sizes).run(into: &results)
        case "platform": try PlatformSuite(lobot: lobot, sizes: sizes).run(into: &results)
        case "vm": try VMSuite(lobot: lobot, work: work, sizes: sizes).run(into: &results)
        case "migration": try MigrationSuite(work: work, sizes: sizes).run(into: &results)
        case "families": try FamilySuite(sizes: sizes).run(into: &results)
        case "guest-tpm": try GuestTPMSuite(sizes: sizes, work: work).run(into: &results)
        default: try KeyDatabaseSuite(work: work, factory: factory, sizes: sizes).run(into: &results)
        }
        results.end(SuiteRun(suite: suite, machine: machine, commit: commit, date: date, seconds: Clock.now() - started,
                             loadBefore: loadBefore, loadAfter: SuiteRun.loadAverage()))
        try results.write()
    }
} catch {
    FileHandle.standardError.write(Data("lobot-bench: \(error)\n".utf8))
    exit(1)
}
print("wrote \(results.jsonPath) and \(results.markdownPath)")

/// How big and how often: the full benchmark, or the smoke run's smallest sizes.
struct BenchSizes {
    let smoke: Bool
    var measureFileBytes: Int { smoke ? 64 << 20 : 1 << 30 }
    var measureRuns: Int { smoke ? 2 : 5 }
    var inProcessRuns: Int { smoke ? 50 : 1000 }
    var commandRuns: Int { smoke ? 20 : 1000 }
    var quoteRuns: Int { smoke ? 10 : 200 }
    var keys: Int { smoke ? 10_000 : 10_000_000 }
    var keyChecks: Int { smoke ? 200 : 2000 }
    var factoryCommands: Int { smoke ? 10 : 200 }
    var boots: Int { smoke ? 1 : 3 }
    var migrationMiB: [Int] { smoke ? [128] : [128, 512] }
    var migrationRuns: Int { smoke ? 1 : 3 }
}
