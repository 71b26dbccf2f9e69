// The README's one table of exit statuses ("Exit status"), checked against the code of both
// programs: every status the code can return has a row, every row is one the code returns, and a
// usage error of each program exits with the status its row gives.
import Foundation
import Testing
import TestSupport

@Suite struct ExitStatusTableTests {
    /// (program, status) for every row of the README's table.
    static func table() throws -> [(program: String, status: Int)] {
        let readme = try String(contentsOfFile: Binaries.packageRoot + "/README.md", encoding: .utf8)
        guard let start = readme.range(of: "### Exit status\n") else { throw TestSupportError.failed("README has no Exit status section") }
        var rows: [(String, Int)] = []
        for line in readme[start.upperBound...].split(separator: "\n").drop(while: { !$0.hasPrefix("|") }).prefix(while: { $0.hasPrefix("|") }) {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 2, let status = Int(cells[1]) else { continue }
            rows.append((cells[0].replacingOccurrences(of: "`", with: ""), status))
        }
        return rows
    }

    /// The decimal statuses `pattern` (one capture group) finds in `files`.
    static func statuses(_ pattern: String, in files: [String]) throws -> Set<Int> {
        let regex = try NSRegularExpression(pattern: pattern)
        var found: Set<Int> = []
        for file in files {
            let text = try String(contentsOfFile: Binaries.packageRoot + "/" + file, encoding: .utf8)
            for match in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                if let range = Range(match.range(at: 1), in: text), let value = Int(text[range]) { found.insert(value) }
            }
        }
        return found
    }

    @Test func everyStatusTheCodeReturnsIsInTheTableAndNoOther() throws {
        let rows = try Self.table()
        let agentRows = Set(rows.filter { $0.program == "lobot" }.map(\.status))
        let factoryRows = Set(rows.filter { $0.program == "lobot-factory" }.map(\.status))
        // The agent: what its entry returns and what AgentError maps to.
        let agent = try Self.statuses(#"return (\d+)"#, in: ["Sources/LoBotMin/Entry.swift", "Sources/LoBotMin/AgentError.swift"])
        #expect(agentRows == agent.union([0]), "README rows for lobot \(agentRows.sorted()), code \(agent.sorted())")
        // The factory: swift-argument-parser's 0, 1 and 64 (ExitCode.validationFailure), and every ExitCode(N) of its own.
        let own = try Self.statuses(#"ExitCode\((\d+)\)"#, in: Self.swiftFiles("Sources/FactoryTool") + Self.swiftFiles("Sources/FactoryKit"))
        #expect(factoryRows == own.union([0, 1, 64]), "README rows for lobot-factory \(factoryRows.sorted()), code \(own.sorted())")

        #expect(try runProcess(try Binaries.lobot(), ["bogus"]).status == 2)
        #expect(try runProcess(try Binaries.lobot(), ["pcrs", "--vtpm", "/nonexistent"]).status == 1)
        #expect(try runProcess(try Binaries.factory(), ["keys", "--bogus"]).status == 64)
        #expect(try runProcess(try Binaries.factory(), ["keys", "--factory", "/nonexistent"]).status == 1)
    }

    static func swiftFiles(_ directory: String) throws -> [String] {
        (FileManager.default.enumerator(atPath: Binaries.packageRoot + "/" + directory)?.allObjects as? [String] ?? [])
            .filter { $0.hasSuffix(".swift") }.map { directory + "/" + $0 }
    }
}
