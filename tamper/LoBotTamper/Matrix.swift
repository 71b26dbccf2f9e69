// Runs the cases of one message or file type against its receiving command and records how each
// ended. Every case is checked for side effects against a snapshot taken just before it (the
// receiving platform's whole directory -- LoBot's files, the swtpm state that holds its counter
// and keys, tcsd's store -- or the factory's directory and database, plus any input directory the
// command may move files out of, and its --out directory, which must not appear). Each type also
// gets a full check around all its cases: every file hashed whole, and the platform TPM counter
// read through `lobot platform counter`.
import Foundation
import TestSupport

struct CaseResult {
    let mutation: Mutation
    let outcome: Outcome
    let errorLine: String
}

/// The results of one type at one receiver.
struct Group {
    let section: String
    let type: String
    let receiver: String
    var coverage: [String] = []
    var cases: [CaseResult] = []
    var seconds = 0.0
    /// What the full check around the whole type found changed (must be nothing).
    var lasting: [String] = []

    var failures: [CaseResult] {
        cases.filter { if case .failed = $0.outcome { return true } else { return false } }
    }
}

/// A command that reads a message (or a file) and must refuse every tampered one.
struct Receiver {
    let label: String
    let program: Program
    /// The platform whose directory is watched (nil: the factory's).
    let platform: String?
    /// Other directories the command could change (an input package directory).
    var watched: [String] = []
    /// Runs the command on the message at `input`, with --out `out` where it takes one.
    let command: (_ input: String, _ out: String) throws -> ProcessResult
}

final class Matrix {
    let world: MigrationWorld
    let scratch: TemporaryDirectory
    let factory: FactoryWatcher
    private(set) var groups: [Group] = []
    /// Called after each type with every group so far (the report is rewritten as the run goes,
    /// so a long `--thorough` run that is stopped still leaves what it did).
    var onGroup: ([Group]) -> Void = { _ in }

    init(world: MigrationWorld) throws {
        self.world = world
        scratch = try TemporaryDirectory("lobot-tamper")
        factory = try FactoryWatcher(directory: world.factory.directory)
    }

    /// Files that change without any LoBot command: the running aDom's serial console and disk
    /// (it counts on both every 200 ms), and the logs swtpm, tcsd and the guest TPM's server append
    /// to (a refused start leaves the server's one-line reason there); and the empty lock files
    /// flock needs, which a first open creates and nothing ever reads.
    static func skipped(_ name: String) -> Bool {
        ["console.log", "disk.img", "swtpm.log", "tcsd.log", "tpm-server.log"].contains(name) || name.hasSuffix(".lock")
    }

    func roots(_ receiver: Receiver) -> [String] {
        (receiver.platform.map { [world.member($0).root.path] } ?? [world.factory.directory]) + receiver.watched
    }

    func snapshot(_ receiver: Receiver, hashLimit: Int = 1 << 20) -> Snapshot {
        Snapshot.take(roots(receiver), hashLimit: hashLimit, skipping: Self.skipped)
    }

    /// The platform TPM counter of the receiving platform (nil for the factory).
    func counter(_ receiver: Receiver) throws -> String? {
        guard let name = receiver.platform else { return nil }
        let result = try world.member(name).lobot(["platform", "counter", "--platform", world.member(name).lobotDirectory])
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) + result.stderr
    }

    /// Runs `mutations` of the message `genuine` against `receiver`.
    func messages(_ section: String, _ type: String, _ receiver: Receiver, genuine: [UInt8], mutations: [Mutation],
                  coverage: [String]) throws {
        let input = scratch.file("case.msg")
        try run(section, type, receiver, coverage: coverage, mutations: mutations) { mutation in
            try Data(mutation.apply(to: genuine)).write(to: URL(fileURLWithPath: input))
            return (input, {})
        }
    }

    /// Runs `mutations` of a file the command reads in place (a stored file, a sealed stream),
    /// with `input` the genuine message it is given.
    func file(_ section: String, _ type: String, _ receiver: Receiver, file: FileUnderTest, input: String, mutations: [Mutation],
              coverage: [String]) throws {
        try run(section, type, receiver, coverage: coverage, mutations: mutations) { mutation in
            let undo = try file.apply(mutation)
            return (input, undo)
        }
    }

    /// Inputs that are whole files of their own (replays, messages for another platform): each
    /// given to the receiver as it is.
    func inputs(_ section: String, _ type: String, _ receiver: Receiver, _ files: [(label: String, path: String, kind: MutationKind)]) throws {
        guard !files.isEmpty else { return }
        let mutations = files.map { Mutation(kind: $0.kind, label: $0.label, edit: .replace([])) }
        try run(section, type, receiver, coverage: ["genuine messages, each given as it is"], mutations: mutations) { mutation in
            (files.first { $0.label == mutation.label }!.path, {})
        }
    }

    private func run(_ section: String, _ type: String, _ receiver: Receiver, coverage: [String], mutations: [Mutation],
                     prepare: (Mutation) throws -> (input: String, undo: () throws -> Void)) throws {
        let start = Date()
        var group = Group(section: section, type: type, receiver: receiver.label, coverage: coverage)
        let counterBefore = try counter(receiver)
        let wholeBefore = snapshot(receiver, hashLimit: Int.max)
        let factoryBefore = try factory.state()
        let out = scratch.file("out")
        for mutation in mutations {
            let (input, undo) = try prepare(mutation)
            let before = snapshot(receiver)
            let factoryState = receiver.platform == nil ? try factory.state() : factoryBefore
            let result = try receiver.command(input, out)
            let after = snapshot(receiver)
            var changes = receiver.platform == nil
                ? try factory.changes(since: factoryState, files: after, filesBefore: before) : after.changes(since: before)
            if FileManager.default.fileExists(atPath: out) {
                changes.append("created its --out directory" + ((try? FileManager.default.contentsOfDirectory(atPath: out)).map { " with \($0.count) file(s)" } ?? ""))
                try FileManager.default.removeItem(atPath: out)
            }
            try undo()
            let outcome = Classify.outcome(result, program: receiver.program, changes: changes)
            group.cases.append(CaseResult(mutation: mutation, outcome: outcome, errorLine: result.stderr.split(separator: "\n").first.map(String.init) ?? ""))
            if case .failed(let problem) = outcome {
                say("    FAILED: \(type) at \(receiver.label), \(mutation.kind.rawValue) \(mutation.label): \(problem) [\(result.stderr.prefix(300))]")
            }
        }
        // The whole type, once more: nothing of the receiving side changed, the counter did not move.
        let wholeAfter = snapshot(receiver, hashLimit: Int.max)
        group.lasting = receiver.platform == nil
            ? try factory.changes(since: factoryBefore, files: wholeAfter, filesBefore: wholeBefore) : wholeAfter.changes(since: wholeBefore)
        let counterAfter = try counter(receiver)
        if counterAfter != counterBefore { group.lasting.append("platform counter moved: \(counterBefore ?? "") -> \(counterAfter ?? "")") }
        group.seconds = Date().timeIntervalSince(start)
        let refused = group.cases.count - group.failures.count
        say(String(format: "  %@ | %@ -> %@: %d cases, %d refused, %d failed%@ (%.1f s, %.0f ms a case)", section, type, receiver.label,
                     group.cases.count, refused, group.failures.count,
                     group.lasting.isEmpty ? "" : ", LASTING CHANGES: " + group.lasting.prefix(3).joined(separator: "; "),
                     group.seconds, group.cases.isEmpty ? 0 : group.seconds * 1000 / Double(group.cases.count)))
        groups.append(group)
        onGroup(groups)
    }
}
