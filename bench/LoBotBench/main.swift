// `lobot-bench`: runs the benchmark suites and writes bench/results.{json,md}.
//   usage: lobot-bench [--out DIR] [--suite NAME]...   (suites: vtpm, platform, keydb, vm, migration)
import Foundation

var outDirectory = "bench"
var suites: [String] = []
var arguments = Array(CommandLine.arguments.dropFirst())
while !arguments.isEmpty {
    let option = arguments.removeFirst()
    guard !arguments.isEmpty else { fatalError("lobot-bench: \(option) needs a value") }
    switch option {
    case "--out": outDirectory = arguments.removeFirst()
    case "--suite": suites.append(arguments.removeFirst())
    default:
        FileHandle.standardError.write(Data("lobot-bench: unknown option \(option)\n".utf8))
        exit(2)
    }
}
if suites.isEmpty { suites = ["vtpm", "platform", "keydb", "vm", "migration"] }

let environment = ProcessInfo.processInfo.environment
let root = FileManager.default.currentDirectoryPath
let lobot = environment["LOBOT_BIN"] ?? root + "/build/lobot"
let work = outDirectory + "/work"
try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
var results = ResultsFile(directory: outDirectory)
do {
    for suite in suites {
        print("suite \(suite)")
        switch suite {
        case "vtpm": try VTPMSuite(lobot: lobot, work: work).run(into: &results)
        case "platform": try PlatformSuite(lobot: lobot, work: work, root: root).run(into: &results)
        case "vm": try VMSuite(lobot: lobot, work: work).run(into: &results)
        case "migration": try MigrationSuite(work: work, sizes: [128, 512]).run(into: &results)
        case "keydb": try KeyDatabaseSuite(work: work, count: Int(environment["LOBOT_BENCH_KEYS"] ?? "") ?? 1_000_000).run(into: &results)
        default: throw BenchError(description: "unknown suite \(suite)")
        }
        try results.write()
    }
} catch {
    FileHandle.standardError.write(Data("lobot-bench: \(error)\n".utf8))
    exit(1)
}
print("wrote \(results.jsonPath) and \(results.markdownPath)")
