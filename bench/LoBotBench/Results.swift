// The benchmark results: bench/results.json (machine-readable, the source of the table) and
// bench/results.md (for people; the README quotes it). Every row belongs to a suite, and every
// suite's run is recorded with the machine (CPU, cores, memory, kernel), the commit, the date,
// its duration and the load average before and after it, so a figure can be traced to the run
// that produced it. A run of some suites replaces those suites' rows and runs and keeps the
// others, so `make bench BENCH_SUITES=...` updates the committed results without losing them.
import Foundation

struct ResultRow: Codable {
    var suite: String
    var metric: String
    /// The median where the metric was sampled, else the one measurement.
    var value: Double
    var unit: String
    /// The 25th and 75th percentiles of the samples, if sampled.
    var low: Double?
    var high: Double?
    var samples: Int?
    var baseline: Double?
    var baselineLow: Double?
    var baselineHigh: Double?
    var ratio: Double?
    var note: String?
}

/// The machine a suite ran on.
struct Machine: Codable, Equatable {
    var cpu: String
    var cores: Int
    var memoryGiB: Double
    var kernel: String

    static func current() -> Machine {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
            .map { $0.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "" } ?? "unknown CPU"
        var name = utsname()
        uname(&name)
        let release = withUnsafeBytes(of: &name.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        return Machine(cpu: model, cores: ProcessInfo.processInfo.activeProcessorCount,
                       memoryGiB: Double(ProcessInfo.processInfo.physicalMemory) / 1_073_741_824, kernel: "Linux " + release)
    }

    var description: String {
        String(format: "%@, %d cores, %.1f GiB memory, %@", cpu, cores, memoryGiB, kernel)
    }
}

/// One suite's run.
struct SuiteRun: Codable {
    var suite: String
    var machine: Machine
    var commit: String
    var date: String
    var seconds: Double
    var loadBefore: String
    var loadAfter: String
}

struct ResultsFile {
    struct Stored: Codable {
        var runs: [SuiteRun]
        var rows: [ResultRow]
    }

    let directory: String
    let title: String
    var stored = Stored(runs: [], rows: [])
    /// The suite now running: its old rows are dropped when it starts.
    private(set) var suite = ""

    var jsonPath: String { directory + "/results.json" }
    var markdownPath: String { directory + "/results.md" }

    init(directory: String, title: String) {
        self.directory = directory
        self.title = title
        if let data = FileManager.default.contents(atPath: jsonPath), let existing = try? JSONDecoder().decode(Stored.self, from: data) {
            stored = existing
        }
    }

    mutating func begin(_ suite: String) {
        self.suite = suite
        stored.rows.removeAll { $0.suite == suite }
        stored.runs.removeAll { $0.suite == suite }
    }

    mutating func end(_ run: SuiteRun) {
        stored.runs.append(run)
    }

    /// A row measured once.
    mutating func record(_ metric: String, _ value: Double, _ unit: String, baseline: Double? = nil, note: String? = nil) {
        add(ResultRow(suite: suite, metric: metric, value: value, unit: unit, baseline: baseline,
                      ratio: baseline.map { value / $0 }, note: note))
    }

    /// A sampled row: its median, with the quartiles, against a sampled baseline's median.
    mutating func record(_ metric: String, _ samples: Samples, scale: Double, _ unit: String, baseline: Samples? = nil, note: String? = nil) {
        add(ResultRow(suite: suite, metric: metric, value: samples.median * scale, unit: unit, low: samples.percentile(25) * scale,
                      high: samples.percentile(75) * scale, samples: samples.count, baseline: baseline.map { $0.median * scale },
                      baselineLow: baseline.map { $0.percentile(25) * scale }, baselineHigh: baseline.map { $0.percentile(75) * scale },
                      ratio: baseline.map { samples.median / $0.median }, note: note))
    }

    /// A sampled row against a baseline measured once.
    mutating func record(_ metric: String, _ samples: Samples, scale: Double, _ unit: String, against baseline: Double, note: String? = nil) {
        add(ResultRow(suite: suite, metric: metric, value: samples.median * scale, unit: unit, low: samples.percentile(25) * scale,
                      high: samples.percentile(75) * scale, samples: samples.count, baseline: baseline,
                      ratio: samples.median * scale / baseline, note: note))
    }

    mutating func add(_ row: ResultRow) {
        stored.rows.removeAll { $0.suite == row.suite && $0.metric == row.metric }
        stored.rows.append(row)
        let name = row.metric.padding(toLength: max(row.metric.count, 56), withPad: " ", startingAt: 0)
        let ratio = row.ratio.map { String(format: "  ratio %.3f", $0) } ?? ""
        print("  \(name) \(String(format: "%12.3f", row.value)) \(row.unit)\(ratio)")
    }

    func write() throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(stored).write(to: URL(fileURLWithPath: jsonPath), options: .atomic)
        try markdown().write(toFile: markdownPath, atomically: true, encoding: .utf8)
    }

    func markdown() -> String {
        var md = "# \(title)\n\nWritten by `lobot-bench` (`make bench`). Every ratio compares with a baseline measured in the same "
        md += "run, on the same machine. A sampled value is the median, with the 25th and 75th percentiles in brackets and the "
        md += "number of samples; other values were measured once.\n\n"
        let machines = stored.runs.map(\.machine).reduce(into: [Machine]()) { if !$0.contains($1) { $0.append($1) } }
        if machines.count == 1 { md += "Machine: \(machines[0].description).\n\n" }
        md += "| suite | commit | date (UTC) | duration | load average before / after |"
        md += machines.count > 1 ? " machine |\n|---|---|---|---:|---|---|\n" : "\n|---|---|---|---:|---|\n"
        for run in stored.runs {
            md += "| \(run.suite) | \(run.commit) | \(run.date) | \(Int(run.seconds.rounded())) s | \(run.loadBefore) / \(run.loadAfter) |"
            md += machines.count > 1 ? " \(run.machine.description) |\n" : "\n"
        }
        for run in stored.runs {
            md += "\n## \(run.suite)\n\n| metric | value | unit | baseline | ratio | note |\n|---|---:|---|---:|---:|---|\n"
            for row in stored.rows where row.suite == run.suite {
                md += "| \(row.metric) | \(Self.format(row.value, row.low, row.high, row.samples)) | \(row.unit) | "
                md += "\(row.baseline.map { Self.format($0, row.baselineLow, row.baselineHigh, nil) } ?? "") | "
                md += "\(row.ratio.map { String(format: "%.4g", $0) } ?? "") | \(row.note ?? "") |\n"
            }
        }
        return md
    }

    static func format(_ value: Double, _ low: Double?, _ high: Double?, _ count: Int?) -> String {
        var text = format(value)
        if let low, let high { text += " [\(format(low))-\(format(high))]" }
        if let count { text += ", n=\(count)" }
        return text
    }

    static func format(_ value: Double) -> String {
        value >= 100 ? String(format: "%.1f", value) : String(format: "%.4g", value)
    }
}

extension SuiteRun {
    /// The load averages (1, 5, 15 minutes), as the kernel gives them.
    static func loadAverage() -> String {
        let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
        return text.split(separator: " ").prefix(3).joined(separator: " ")
    }

    /// The commit the binaries were built from (this checkout), marked when it has changes other
    /// than the bench's own results (an earlier suite's run, not yet committed).
    static func commit(root: String) -> String {
        let head = (try? runGit(["rev-parse", "--short=12", "HEAD"], root: root)) ?? "unknown"
        let status = ["status", "--porcelain", "--untracked-files=no", "--", ".", ":(exclude)bench/results.md", ":(exclude)bench/results.json"]
        let dirty = ((try? runGit(status, root: root)) ?? "").isEmpty ? "" : " + changes"
        return head + dirty
    }

    static func runGit(_ arguments: [String], root: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/git")
        process.arguments = ["-C", root] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw BenchError(description: "git \(arguments.joined(separator: " ")) failed") }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func now() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withSpaceBetweenDateAndTime]
        return formatter.string(from: Date())
    }
}
