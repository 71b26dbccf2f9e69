// The benchmark results files: bench/results.json (a list of {metric, value, unit, baseline?,
// ratio?, note?}) and bench/results.md (the same as a table). Each suite's rows replace rows of
// the same metric and keep the others, so suites added by later work land in the same files.
import Foundation

struct ResultRow: Codable {
    var metric: String
    var value: Double
    var unit: String
    var baseline: Double?
    var ratio: Double?
    var note: String?
}

struct ResultsFile {
    let directory: String
    var rows: [ResultRow] = []

    var jsonPath: String { directory + "/results.json" }
    var markdownPath: String { directory + "/results.md" }

    init(directory: String) {
        self.directory = directory
        if let data = FileManager.default.contents(atPath: jsonPath),
            let existing = try? JSONDecoder().decode([ResultRow].self, from: data)
        {
            rows = existing
        }
    }

    mutating func record(_ row: ResultRow) {
        rows.removeAll { $0.metric == row.metric }
        rows.append(row)
        let name = row.metric.padding(toLength: max(row.metric.count, 56), withPad: " ", startingAt: 0)
        let ratio = row.ratio.map { String(format: "  ratio %.3f", $0) } ?? ""
        print("  \(name) \(String(format: "%12.3f", row.value)) \(row.unit)\(ratio)")
    }

    func write() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(rows).write(to: URL(fileURLWithPath: jsonPath), options: .atomic)
        var md = "# LoBot benchmarks\n\nWritten by `make bench`; every ratio compares against a baseline measured in the same run.\n\n"
        md += "| metric | value | unit | baseline | ratio | note |\n|---|---:|---|---:|---:|---|\n"
        for row in rows {
            md += "| \(row.metric) | \(Self.format(row.value)) | \(row.unit) | \(row.baseline.map(Self.format) ?? "") | "
            md += "\(row.ratio.map { String(format: "%.3f", $0) } ?? "") | \(row.note ?? "") |\n"
        }
        try md.write(toFile: markdownPath, atomically: true, encoding: .utf8)
    }

    static func format(_ value: Double) -> String {
        value >= 100 ? String(format: "%.1f", value) : String(format: "%.4g", value)
    }
}
