// Every help text of both programs, compared byte for byte with the copy recorded under
// Tests/HelpTexts, so that a change to what a user reads is deliberate and reviewed. The lists of
// commands come from the programs' own overviews, so a command added without its recorded help,
// or a recorded help whose command is gone, fails too. After a deliberate change:
//   LOBOT_WRITE_HELP=1 make test-only TEST_FILTER=HelpTextTests   (then review git diff Tests/HelpTexts)
import Foundation
import Testing
import TestSupport

@Suite struct HelpTextTests {
    static let directory = Binaries.packageRoot + "/Tests/HelpTexts"
    static let writing = ProcessInfo.processInfo.environment["LOBOT_WRITE_HELP"] == "1"

    /// Compares (or, when writing, records) every text in `texts` under `program/`, and fails on
    /// recorded texts nothing produced.
    func check(_ program: String, _ texts: [(file: String, text: String)]) throws {
        let folder = Self.directory + "/" + program
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for (file, text) in texts {
            let path = folder + "/" + file + ".txt"
            if Self.writing {
                try text.write(toFile: path, atomically: true, encoding: .utf8)
                continue
            }
            let recorded = try? String(contentsOfFile: path, encoding: .utf8)
            #expect(recorded != nil, "no recorded help \(path): run LOBOT_WRITE_HELP=1 make test-only TEST_FILTER=HelpTextTests")
            if let recorded { #expect(text == recorded, "\(program) \(file): the help differs from \(path)") }
        }
        let produced = Set(texts.map { $0.file + ".txt" })
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) where !produced.contains(name) {
            Issue.record("\(folder)/\(name) is the help of no \(program) command")
        }
    }

    func output(_ program: String, _ arguments: [String]) throws -> String {
        let result = try runProcess(program, arguments)
        #expect(result.status == 0, "\(arguments) exited \(result.status): \(result.stderr)")
        #expect(result.stderr.isEmpty, "\(arguments) wrote to stderr: \(result.stderr)")
        return result.stdout
    }

    /// The names listed in an overview: indented two spaces, then the name, then two or more spaces.
    static func listed(_ text: String, in section: Range<String.Index>? = nil) -> [String] {
        var names: [String] = []
        for line in text[section ?? text.startIndex..<text.endIndex].split(separator: "\n", omittingEmptySubsequences: false) {
            guard line.hasPrefix("  "), !line.hasPrefix("   "), let gap = line.range(of: "  ", range: line.index(line.startIndex, offsetBy: 2)..<line.endIndex)
            else { continue }
            names.append(String(line[line.index(line.startIndex, offsetBy: 2)..<gap.lowerBound]))
        }
        return names
    }

    @Test func agentHelpIsExactlyAsRecorded() throws {
        let lobot = try Binaries.lobot()
        let overview = try output(lobot, ["--help"])
        #expect(try output(lobot, ["help"]) == overview)
        #expect(try output(lobot, ["-h"]) == overview)
        var texts: [(file: String, text: String)] = [("overview", overview)]
        let commands = Self.listed(overview).filter { $0 != "tcsd ARGS" && $0 != "help [COMMAND]" }
        #expect(commands.count >= 35, "the overview lists \(commands.count) commands")
        var groups: Set<String> = []
        for command in commands {
            let words = command.split(separator: " ").map(String.init)
            let text = try output(lobot, words + ["--help"])
            #expect(try output(lobot, ["help"] + words) == text, "lobot help \(command)")
            #expect(try output(lobot, words + ["-h"]) == text, "lobot \(command) -h")
            texts.append((words.joined(separator: "-"), text))
            if words.count == 2 { groups.insert(words[0]) }
        }
        #expect(groups == ["platform", "domain", "migrate", "guest-tpm"])
        for group in groups.sorted() {
            let text = try output(lobot, [group, "--help"])
            #expect(try output(lobot, ["help", group]) == text, "lobot help \(group)")
            #expect(Self.listed(text).map { group + " " + $0 } == commands.filter { $0.hasPrefix(group + " ") },
                    "lobot \(group) --help lists another set of commands than the overview")
            texts.append((group, text))
        }
        try check("lobot", texts)
    }

    @Test func factoryHelpIsExactlyAsRecorded() throws {
        let factory = try Binaries.factory()
        /// Every command under `path`, its help recorded; groups recursively.
        func walk(_ path: [String], into texts: inout [(file: String, text: String)]) throws {
            let text = try output(factory, path + ["--help"])
            texts.append((path.isEmpty ? "overview" : path.joined(separator: "-"), text))
            guard let section = text.range(of: "SUBCOMMANDS:\n") else { return }
            for name in Self.listed(text, in: section.upperBound..<text.endIndex) where name != "help" {
                try walk(path + [name], into: &texts)
            }
        }
        var texts: [(file: String, text: String)] = []
        try walk([], into: &texts)
        #expect(texts.count >= 24, "\(texts.count) factory help texts")
        try check("lobot-factory", texts)
    }
}
