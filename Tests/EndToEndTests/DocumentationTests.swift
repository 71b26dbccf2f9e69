// The README's and image/README's command blocks, run as written. Every fenced block carries a
// marker on the line before it, and nothing else is allowed (an indented block, or a fence
// without a marker, fails), so no command a user is told to type escapes a test:
//   <!-- doc: run NAME -->     a walkthrough: bash runs it verbatim, after the walkthroughs it
//                              continues (DocumentationTests.walkthroughs names every one)
//   <!-- doc: make -->         every line is a make command: `make -n` must accept it, and every
//                              variable it sets must be one the Makefile reads; `make demo` also
//                              runs for real (`make test` cannot run inside itself: CI runs it)
//   <!-- doc: launcher-line -->  the qemu line `lobot platform launch` runs, compared with the one
//                              a launch of the image-boot walkthrough really ran
//   <!-- doc: text -->         not commands (a directory listing): no line may start with one
// The walkthroughs run on real platforms (scripts/tpm12-platform: swtpm + LoBot's tcsd) and qemu,
// in a scratch directory that links the repository's scripts/ and image/ and holds build/lobot
// and build/lobot-factory (the binaries under test), with build/ on the PATH.
import Foundation
import Testing
import TestSupport

/// One fenced block of a document, with its marker.
struct DocumentBlock: CustomStringConvertible {
    let document: String
    let line: Int
    let kind: String
    let argument: String
    let text: String

    var description: String { "\(document):\(line) (\(kind) \(argument))" }

    /// The block's shell lines with continuations joined and comments dropped.
    var commands: [String] {
        var joined: [String] = []
        var pending = ""
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = String(raw)
            if let hash = line.range(of: " #") ?? (line.hasPrefix("#") ? line.range(of: "#") : nil) { line = String(line[..<hash.lowerBound]) }
            line = line.trimmingCharacters(in: .whitespaces)
            if line.hasSuffix("\\") {
                pending += line.dropLast() + " "
                continue
            }
            pending += line
            if !pending.trimmingCharacters(in: .whitespaces).isEmpty { joined.append(pending.trimmingCharacters(in: .whitespaces)) }
            pending = ""
        }
        return joined
    }
}

enum Documents {
    static let names = ["README.md", "image/README.md"]

    /// Every fenced block of `name`, and every breach of the marking rules.
    static func read(_ name: String) throws -> (blocks: [DocumentBlock], problems: [String]) {
        let lines = try String(contentsOfFile: Binaries.packageRoot + "/" + name, encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var blocks: [DocumentBlock] = []
        var problems: [String] = []
        var index = 0
        var previous = ""
        var lastNonEmpty = ""
        while index < lines.count {
            let line = lines[index]
            if line.hasPrefix("```") {
                let start = index + 1
                var end = start
                while end < lines.count, !lines[end].hasPrefix("```") { end += 1 }
                guard end < lines.count else {
                    problems.append("\(name):\(index + 1): a fence that never closes")
                    break
                }
                let marker = lastNonEmpty.trimmingCharacters(in: .whitespaces)
                let text = lines[start..<end].joined(separator: "\n")
                if marker.hasPrefix("<!-- doc: "), marker.hasSuffix(" -->") {
                    let words = marker.dropFirst("<!-- doc: ".count).dropLast(" -->".count).split(separator: " ", maxSplits: 1).map(String.init)
                    blocks.append(DocumentBlock(document: name, line: index + 1, kind: words[0], argument: words.count > 1 ? words[1] : "", text: text))
                } else {
                    problems.append("\(name):\(index + 1): a fenced block without a <!-- doc: ... --> marker on the line before it")
                }
                index = end + 1
                previous = ""
                lastNonEmpty = ""
                continue
            }
            // An indented code block: four spaces after a blank line (list items here indent two).
            if line.hasPrefix("    "), previous.trimmingCharacters(in: .whitespaces).isEmpty, !line.trimmingCharacters(in: .whitespaces).isEmpty {
                problems.append("\(name):\(index + 1): an indented code block; use a fenced block with a <!-- doc: ... --> marker")
            }
            previous = line
            if !line.trimmingCharacters(in: .whitespaces).isEmpty { lastNonEmpty = line }
            index += 1
        }
        return (blocks, problems)
    }

    static func all() throws -> (blocks: [DocumentBlock], problems: [String]) {
        var blocks: [DocumentBlock] = []
        var problems: [String] = []
        for name in names {
            let (found, wrong) = try read(name)
            blocks += found
            problems += wrong
        }
        return (blocks, problems)
    }

    static func block(_ name: String) throws -> DocumentBlock {
        let matching = try all().blocks.filter { $0.kind == "run" && $0.argument == name }
        guard matching.count == 1 else { throw TestSupportError.failed("\(matching.count) walkthroughs named \(name)") }
        return matching[0]
    }
}

/// A scratch directory laid out like the repository's root for the walkthroughs, and bash to run
/// them in it; stops every platform and aDom they started, however the test ends.
final class WalkthroughRoom {
    let temp: TemporaryDirectory
    var root: String { temp.path }

    init() throws {
        temp = try TemporaryDirectory("lobot-doc")
        let manager = FileManager.default
        for name in ["scripts", "image"] {
            try manager.createSymbolicLink(atPath: temp.file(name), withDestinationPath: Binaries.packageRoot + "/" + name)
        }
        try manager.createDirectory(atPath: temp.file("build"), withIntermediateDirectories: false)
        try manager.createSymbolicLink(atPath: temp.file("build/lobot"), withDestinationPath: try Binaries.lobot())
        try manager.createSymbolicLink(atPath: temp.file("build/lobot-factory"), withDestinationPath: try Binaries.factory())
    }

    deinit {
        for pidFile in (try? FileManager.default.subpathsOfDirectory(atPath: root))?.filter({ $0.hasSuffix("qemu.pid") }) ?? [] {
            if let text = try? String(contentsOfFile: temp.file(pidFile), encoding: .utf8),
                let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                kill(pid, SIGKILL)
            }
        }
        if FileManager.default.fileExists(atPath: temp.file("T/ports")) {
            _ = try? runProcess(Binaries.packageRoot + "/scripts/tpm12-platform", ["down", temp.file("T")])
        }
        if FileManager.default.fileExists(atPath: temp.file("T2/ports")) {
            _ = try? runProcess(Binaries.packageRoot + "/scripts/tpm2-platform", ["down", temp.file("T2")])
        }
    }

    /// Runs the blocks one after the other in one bash (so `. T/platform.env` and variables carry
    /// over), stopping at the first command that fails.
    func run(_ blocks: [DocumentBlock]) throws -> ProcessResult {
        let script = blocks.map { "# \($0)\n" + $0.text }.joined(separator: "\n")
        let path = temp.file("walkthrough.sh")
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        let environment = ["PATH": temp.file("build") + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
                           "TPM12_PLATFORM_WATCH": "\(getpid())", "TPM2_PLATFORM_WATCH": "\(getpid())"]
        return try runProcess("/bin/bash", ["-e", "-u", "-o", "pipefail", path], environment: environment, currentDirectory: root)
    }
}

@Suite(.serialized) struct DocumentationTests {
    /// Every walkthrough, by the name its marker gives it.
    static let walkthroughs = ["enrollment", "provisioning", "image-boot", "enrollment-tpm2"]
    /// Words no `text` block may start a line with: what would make it a command.
    static let commandWords = ["lobot", "lobot-factory", "make", "qemu-system-x86_64", "swtpm", "bash", "sh", "sudo", "apt-get", "git"]

    @Test func everyCommandBlockIsMarkedAndEveryWalkthroughIsRun() throws {
        let (blocks, problems) = try Documents.all()
        for problem in problems { Issue.record(Comment(rawValue: problem)) }
        for block in blocks {
            switch block.kind {
            case "run":
                #expect(Self.walkthroughs.contains(block.argument), "\(block): no test runs a walkthrough named \(block.argument)")
            case "make", "launcher-line":
                break
            case "text":
                for line in block.text.split(separator: "\n") {
                    let first = line.split(separator: " ").first.map(String.init) ?? ""
                    let script = first.hasPrefix("scripts/") && first.count > "scripts/".count
                    #expect(!Self.commandWords.contains(first) && !script, "\(block): a command in a text block: \(line)")
                }
            default:
                Issue.record("\(block): unknown marker kind \(block.kind)")
            }
        }
        let names = blocks.filter { $0.kind == "run" }.map(\.argument)
        #expect(names.sorted() == Self.walkthroughs.sorted(), "walkthroughs in the documents: \(names)")
        #expect(blocks.filter { $0.kind == "launcher-line" }.count == 1)
    }

    @Test func makeBlocksNameRealTargetsAndVariables() throws {
        let makefile = try String(contentsOfFile: Binaries.packageRoot + "/Makefile", encoding: .utf8)
        let blocks = try Documents.all().blocks.filter { $0.kind == "make" }
        #expect(blocks.count >= 4)
        for block in blocks {
            for command in block.commands {
                #expect(command == "make" || command.hasPrefix("make "), "\(block): not a make command: \(command)")
                let assignments = try NSRegularExpression(pattern: "(?:^| )([A-Z_]+)=")
                for match in assignments.matches(in: command, range: NSRange(command.startIndex..., in: command)) {
                    let variable = String(command[Range(match.range(at: 1), in: command)!])
                    #expect(makefile.contains("$(\(variable))"), "\(block): the Makefile does not read \(variable)")
                }
                // The shell keeps a quoted value whole, as it would for the reader.
                let dry = try runProcess("/bin/sh", ["-c", "make -n " + command.dropFirst("make".count)], currentDirectory: Binaries.packageRoot)
                #expect(dry.status == 0, "\(block): \(command) -n failed: \(dry.stderr.suffix(400))")
            }
        }
    }

    @Test func scriptsTheDocumentsNameExist() throws {
        for name in Documents.names {
            let text = try String(contentsOfFile: Binaries.packageRoot + "/" + name, encoding: .utf8)
            let pattern = try NSRegularExpression(pattern: "scripts/[a-z0-9-]+")
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                let script = String(text[Range(match.range, in: text)!])
                #expect(FileManager.default.isExecutableFile(atPath: Binaries.packageRoot + "/" + script), "\(name) names \(script)")
            }
        }
    }

    /// `make demo`, the README's first command, run as written: it installs what is missing, builds
    /// (nothing, when the binaries are current: a stale build is reported instead of rebuilt under
    /// the running tests) and runs LSP then LSM on two platforms to the aDom counting on DP.
    @Test func makeDemoRunsAsWritten() throws {
        let current = try runProcess("/usr/bin/make", ["-q", "all"], currentDirectory: Binaries.packageRoot)
        guard current.status == 0 else {
            Issue.record("build/lobot or build/lobot-factory is older than its sources: run make (make test does) first")
            return
        }
        let demo = try runProcess("/usr/bin/make", ["--no-print-directory", "demo"], currentDirectory: Binaries.packageRoot)
        #expect(demo.status == 0, "make demo failed:\n\(demo.stdout.suffix(1500))\n\(demo.stderr.suffix(1500))")
        #expect(demo.stdout.contains("SP: adom1 absent") && demo.stdout.contains("DP: adom1 running; vtpm opens; tpm 2.0 server running"), "\(demo.stdout.suffix(800))")
        // Its files are kept for inspection, as the README says; the test removes them.
        if let range = demo.stdout.range(of: #"files kept in (/tmp/lobot-demo\.[A-Za-z0-9]+)"#, options: .regularExpression) {
            let path = String(demo.stdout[range].dropFirst("files kept in ".count))
            try? FileManager.default.removeItem(atPath: path)
        }
    }

    /// The acceptance of issue 13: the enrollment walkthrough leaves a platform that takes part in
    /// LSP, shown by the provisioning walkthrough, which ends with the aDom running there.
    @Test func enrollmentThenProvisioningRunAsWritten() throws {
        let room = try WalkthroughRoom()
        let result = try room.run([try Documents.block("enrollment"), try Documents.block("provisioning")])
        #expect(result.status == 0, "the walkthrough failed:\n\(result.stdout.suffix(1500))\n\(result.stderr.suffix(1500))")
        #expect(result.stdout.contains("quote verified"))
        #expect(result.stdout.contains("adom1 running; vtpm opens; tpm 2.0 server running"), "\(result.stdout.suffix(800))")
        #expect(result.stdout.contains("sha256:08: ") && result.stdout.contains("sha256:09: "), "\(result.stdout.suffix(800))")
    }

    /// Issue 16's README point: a TPM 2.0 platform enrolled, its keys registered and its quote
    /// verified against golden values through the same commands, and tpm2_checkquote agreeing.
    @Test func tpm2EnrollmentRunsAsWritten() throws {
        let room = try WalkthroughRoom()
        let result = try room.run([try Documents.block("enrollment-tpm2")])
        #expect(result.status == 0, "the walkthrough failed:\n\(result.stdout.suffix(1500))\n\(result.stderr.suffix(1500))")
        #expect(result.stdout.contains("quote by a TPM 2.0, SHA-256 bank"), "\(result.stdout.suffix(800))")
        // bash -e: status 0 means tpm2_checkquote, the walkthrough's last check, accepted LoBot's quote.
        #expect(result.stdout.contains("quote verified") && result.stdout.contains("sig: "), "\(result.stdout.suffix(800))")
    }

    /// image/README's bake-and-boot, on the platform the enrollment walkthrough leaves; meanwhile the
    /// launcher's qemu line is read from /proc and compared with the documented one.
    @Test func imageBootRunsAsWrittenAndTheDocumentedQemuLineIsTheLaunchers() throws {
        let room = try WalkthroughRoom()
        let watcher = QemuWatcher(marker: "IMG/vmlinuz", directory: room.root)
        watcher.start()
        let result = try room.run([try Documents.block("enrollment"), try Documents.block("image-boot")])
        let seen = watcher.stop()
        #expect(result.status == 0, "the walkthrough failed:\n\(result.stdout.suffix(1500))\n\(result.stderr.suffix(1500))")
        #expect(result.stdout.contains("trusted: l1 booted image-"), "\(result.stdout.suffix(800))")

        let documented = try Documents.all().blocks.first { $0.kind == "launcher-line" }
        guard let documented, let seen else {
            Issue.record("no qemu process of the launch was seen")
            return
        }
        #expect(Self.normalized(seen, image: room.root + "/IMG") == Self.words(documented.commands.joined(separator: " ")),
                "the launcher ran: \(seen.joined(separator: " "))")
    }

    /// The launcher's argv in the documented form: the image directory as IMG, its command line as
    /// "$(cat IMG/cmdline)", the temporary files by their base names, KVM's accelerator and CPU as
    /// TCG's (the document shows TCG; the launcher uses KVM where it boots).
    static func normalized(_ argv: [String], image: String) -> [String] {
        let cmdline = (try? String(contentsOfFile: image + "/cmdline", encoding: .utf8)) ?? "?"
        var out: [String] = []
        for (index, word) in argv.enumerated() {
            var value = word
            if index > 0, argv[index - 1] == "-append", value == cmdline { value = "\"$(cat IMG/cmdline)\"" }
            value = value.replacingOccurrences(of: image, with: "IMG")
            if index > 0, argv[index - 1] == "-accel", value == "kvm" { value = "tcg" }
            if index > 0, argv[index - 1] == "-cpu", value == "host" { value = "max" }
            // Paths in the launcher's temporary directory: keep the file's name.
            value = value.replacingOccurrences(of: #"/[^,=:]*/(console\.log|swtpm\.sock|bundle\.img|out\.img)"#, with: "$1",
                                               options: .regularExpression)
            out.append(value)
        }
        return out
    }

    /// A documented shell line as words, keeping one double-quoted word whole.
    static func words(_ line: String) -> [String] {
        var words: [String] = []
        var current = ""
        var quoted = false
        for character in line {
            if character == "\"" { quoted.toggle(); current.append(character); continue }
            if character == " ", !quoted {
                if !current.isEmpty { words.append(current) }
                current = ""
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }
}

/// Looks for the launcher's qemu-system-x86_64 (one with the output disk, not the KVM probe) run in
/// `directory` whose command line names `marker`, and keeps its argv.
final class QemuWatcher: @unchecked Sendable {
    let marker: String
    let directory: String
    private let lock = NSLock()
    private var found: [String]?
    private var running = true
    private var thread: Thread?

    init(marker: String, directory: String) {
        self.marker = marker
        self.directory = URL(fileURLWithPath: directory).resolvingSymlinksInPath().path
    }

    func start() {
        let thread = Thread { [self] in
            while lock.withLock({ running }) {
                for pid in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] where pid.allSatisfy(\.isNumber) {
                    guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"), !data.isEmpty else { continue }
                    let argv = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
                    if argv.first?.hasSuffix("qemu-system-x86_64") == true, argv.contains(where: { $0.contains(marker) }),
                        argv.contains(where: { $0.hasSuffix("serial=lobot-out") }),
                        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/cwd")) == directory {
                        lock.withLock { if found == nil { found = argv } }
                    }
                }
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
        self.thread = thread
        thread.start()
    }

    func stop() -> [String]? {
        lock.withLock { running = false }
        Thread.sleep(forTimeInterval: 0.1)
        return lock.withLock { found }
    }
}
