// The protocol walk the matrix runs on: a real MigrationWorld (SP, DP and RP, each swtpm + tcsd;
// S2 and D2, each swtpm --tpm2; the factory; a small aDom under qemu), LSP onto SP, then LSM from
// SP to DP, step by step, and the same on TPM 2.0 platforms (TPM2Walk). At
// each step, before the genuine message reaches its receiver, every tampered copy of it does;
// then the genuine one must still take the protocol on, which it can only if the refusals left
// everything as it was. The walk ends with the aDom counting on DP from where it stopped.
import Foundation
import TestSupport

final class Scenario {
    let world: MigrationWorld
    let matrix: Matrix
    let thorough: Bool
    let memory: Int
    /// MiB of random data the aDom keeps in memory (the memory state carries them).
    let fill: Int
    let domain = "tamper-adom"
    let parties = ["factory", "SP", "DP", "RP", "S2", "D2"]
    /// Every genuine message so far: (session label, type, its receiver, a copy of it).
    private(set) var genuine: [(session: String, type: String, receiver: Receiver, path: String)] = []

    init(world: MigrationWorld, matrix: Matrix, thorough: Bool, memory: Int, fill: Int) {
        self.world = world
        self.matrix = matrix
        self.thorough = thorough
        self.memory = memory
        self.fill = fill
    }

    // MARK: receivers

    func agent(_ platform: String, _ command: String, package: String? = nil) -> Receiver {
        Receiver(label: "\(platform): lobot migrate \(command)", program: .agent, platform: platform, watched: package.map { [$0] } ?? []) {
            [world] input, out in
            var arguments = ["migrate", command, "--in", input, "--out", out]
            if let package { arguments += ["--package", package] }
            return try world.lobot(platform, arguments)
        }
    }

    func factory(_ command: String) -> Receiver {
        Receiver(label: "factory: lobot-factory \(command)", program: .factory, platform: nil) { [world] input, out in
            try world.factory.run(command == "close" ? ["close", "--in", input] : [command, "--in", input, "--out", out])
        }
    }

    func budget(_ receiver: Receiver) -> Budget {
        thorough ? .thorough : receiver.program == .agent ? .agent : .factory
    }

    // MARK: tamper points

    /// Every tampered copy of the message at `path` to `receiver`, then the message is kept for replays.
    func message(_ section: String, _ type: String, _ receiver: Receiver, _ path: String?, budget chosen: Budget? = nil) throws {
        guard let path else { throw TamperError("\(section): no \(type) message") }
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        var (mutations, coverage) = MessageMutations.make(bytes, budget: thorough ? .thorough : chosen ?? budget(receiver), parties: parties)
        // A genuine header over the body and signature of each other genuine message so far.
        var transplanted = 0
        for other in genuine.suffix(thorough ? 100 : 4) {
            let otherBytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: other.path)))
            // The same message given to a second receiver is not another message.
            guard otherBytes != bytes, transplanted < (thorough ? 100 : 3) else { continue }
            if let mutation = MessageMutations.transplant(header: bytes, onto: otherBytes, label: "\(other.session) \(other.type)") {
                mutations.append(mutation)
                transplanted += 1
            }
        }
        if transplanted > 0 { coverage.append("substitution: its header over the body and signature of \(transplanted) other genuine message(s)") }
        try matrix.messages(section, type, receiver, genuine: bytes, mutations: mutations, coverage: coverage)
        let copy = matrix.scratch.file("genuine-\(genuine.count)-\(type).msg")
        try FileManager.default.copyItem(atPath: path, toPath: copy)
        genuine.append((section, type, receiver, copy))
    }

    /// Every tampered copy of the sealed stream at `path`, read by `receiver` with the genuine `input`.
    func stream(_ section: String, _ type: String, _ receiver: Receiver, file path: String, input: String?) throws {
        guard let input else { throw TamperError("\(section): no message for \(type)") }
        let file = try FileUnderTest(path: path, pristine: matrix.scratch.file("pristine-" + (path as NSString).lastPathComponent))
        guard let layout = StreamLayout(path: path) else { throw TamperError("\(path) is not a sealed stream") }
        let (mutations, coverage) = StreamMutations.make(layout, budget: budget(receiver))
        try matrix.file(section, type, receiver, file: file, input: input, mutations: mutations,
                        coverage: ["\(layout.size) bytes in \(layout.chunks.count) chunks"] + coverage)
    }

    /// Every tampered copy of a file a platform (or the factory) keeps, read in place by
    /// `receiver` given the genuine `input`.
    func stored(_ section: String, _ type: String, _ receiver: Receiver, file path: String, format: StoredFormat, input: String?) throws {
        guard let input else { throw TamperError("\(section): no message for \(type)") }
        guard FileManager.default.fileExists(atPath: path) else { throw TamperError("\(section): no \(path) to tamper with") }
        let file = try FileUnderTest(path: path, pristine: matrix.scratch.file("pristine-stored"))
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let (mutations, coverage) = StoredMutations.make(bytes, format: format, budget: thorough ? .thorough : .stored)
        try matrix.file(section, type, receiver, file: file, input: input, mutations: mutations, coverage: coverage)
    }

    func step(_ result: ProcessResult, _ what: String) throws {
        guard result.status == 0 else { throw TamperError("the genuine \(what) failed after its tampered copies (\(result.status)): \(result.stderr)") }
    }

    // MARK: the walk

    func run() throws {
        let sessionPackage = { (platform: String, run: ProtocolRun) in
            self.world.member(platform).lobotDirectory + "/sessions/\(run.session)/package"
        }

        // LSP: the factory provisions the aDom onto SP.
        say("LSP: provisioning \(domain) (\(memory) MiB, \(fill) MiB of it random) onto SP")
        let lsp = try world.provision(domain, onto: "SP", memory: memory, fill: fill, disk: .local)
        let s = "LSP"
        try message(s, "open", agent("SP", "accept"), lsp.last["open"])
        try step(lsp.accept(), "accept")
        try message(s, "destination-keys", factory("proceed"), lsp.last["destination-keys"])
        try step(lsp.proceed(), "proceed")
        try message(s, "lobot-package", agent("SP", "receive"), lsp.last["lobot-package"])
        try step(lsp.receive(), "receive")
        try message(s, "lobot-report", factory("verdict"), lsp.last["lobot-report"])
        try step(lsp.verdict(), "verdict")
        try message(s, "verdict", agent("SP", "check", package: lsp.package), lsp.last["verdict@SP"])
        try step(lsp.check(verdict: true), "check with the verdict")
        try message(s, "domain-offer", agent("SP", "check", package: lsp.package), lsp.last["domain-offer"])
        try stream(s, "disk.lbst", agent("SP", "check", package: lsp.package), file: lsp.package + "/disk.lbst", input: lsp.last["domain-offer"])
        try step(lsp.check(), "check")
        try message(s, "domain-ready", factory("release"), lsp.last["domain-ready"])
        try step(lsp.release(), "release")
        try message(s, "release", agent("SP", "launch"), lsp.last["release"])
        try stream(s, "disk.lbst (kept in the session)", agent("SP", "launch"), file: sessionPackage("SP", lsp) + "/disk.lbst",
                   input: lsp.last["release"])
        try step(lsp.launch(), "launch")
        try message(s, "launched", factory("close"), lsp.last["launched"])
        try step(lsp.finish(), "close")
        try world.waitForCount(domain, on: "SP", atLeast: 3, seconds: 300)

        // LSM: SP migrates the running aDom to DP.
        say("LSM: migrating \(domain) from SP to DP")
        let lsm = try world.migrate(domain, from: "SP", to: "DP")
        let m = "LSM"
        try message(m, "open", agent("DP", "accept"), lsm.last["open"])
        let sp = world.platform("SP").lobotDirectory
        let dp = world.platform("DP").lobotDirectory
        let keyFiles: [(String, StoredFormat)] = [("ca.cert", .opaque(header: 8)), ("aik.cert", .opaque(header: 8)), ("aik.blob", .opaque(header: 16)),
                                                  ("bind.blob", .opaque(header: 16)), ("signing.blob", .opaque(header: 16))]
        for (name, format) in keyFiles {
            try stored(m, "stored: DP's \(name)", agent("DP", "accept"), file: dp + "/" + name, format: format, input: lsm.last["open"])
        }
        try step(lsm.accept(), "accept")
        try message(m, "destination-keys", factory("proceed"), lsm.last["destination-keys"])
        try step(lsm.proceed(), "proceed")
        try message(m, "proceed", agent("SP", "send"), lsm.last["proceed"])
        let domainDirectory = sp + "/domains/\(domain)"
        let sourceFiles: [(String, String, StoredFormat)] = [
            ("domain config", domainDirectory + "/domain", .domainConfig), ("LoBot's vTPM state", domainDirectory + "/lobot/vtpm.state", .stateFile),
            ("LoBot's bound MSK", domainDirectory + "/lobot/msk.bound", .opaque(header: 0)), ("version store", sp + "/versions", .stateFile),
            ("version store key", sp + "/versions.key", .opaque(header: 0)),
        ]
        for (label, path, format) in sourceFiles {
            try stored(m, "stored: SP's \(label)", agent("SP", "send"), file: path, format: format, input: lsm.last["proceed"])
        }
        try step(lsm.send(), "send")
        try message(m, "lobot-package", agent("DP", "receive"), lsm.last["lobot-package"])
        try stored(m, "stored: DP's platform counter file", agent("DP", "receive"), file: dp + "/counter", format: .counter, input: lsm.last["lobot-package"])
        try stored(m, "stored: DP's session journal (accepted)", agent("DP", "receive"), file: dp + "/sessions/\(lsm.session)/journal",
                   format: .journal, input: lsm.last["lobot-package"])
        try step(lsm.receive(), "receive")
        try message(m, "lobot-report", factory("verdict"), lsm.last["lobot-report"])
        for name in ["host-lobot", "DP-platform"] {
            try stored(m, "stored: factory's golden record \(name)", factory("verdict"), file: world.factory.directory + "/golden/\(name).golden",
                       format: .golden, input: lsm.last["lobot-report"])
        }
        try step(lsm.verdict(), "verdict")
        try message(m, "verdict", agent("SP", "offer"), lsm.last["verdict@SP"])
        try step(lsm.offer(), "offer")
        try message(m, "verdict", agent("DP", "check", package: lsm.package), lsm.last["verdict@DP"])
        try step(lsm.check(verdict: true), "check with the verdict")
        try message(m, "domain-offer", agent("DP", "check", package: lsm.package), lsm.last["domain-offer"])
        for name in ["memory.lbst", "disk.lbst"] {
            try stream(m, name, agent("DP", "check", package: lsm.package), file: lsm.package + "/" + name, input: lsm.last["domain-offer"])
        }
        let staged = dp + "/sessions/\(lsm.session)/lobot"
        let stagedFiles: [(String, String, StoredFormat)] = [
            ("LoBot_D's vTPM state", staged + "/vtpm.state", .stateFile), ("LoBot_D's bound MSK", staged + "/msk.bound", .opaque(header: 0)),
            ("version store", dp + "/versions", .stateFile), ("version store key", dp + "/versions.key", .opaque(header: 0)),
        ]
        for (label, path, format) in stagedFiles {
            try stored(m, "stored: DP's \(label)", agent("DP", "check", package: lsm.package), file: path, format: format,
                       input: lsm.last["domain-offer"])
        }
        try step(lsm.check(), "check")
        try message(m, "domain-ready", agent("SP", "release"), lsm.last["domain-ready"])
        try stored(m, "stored: SP's session journal (offered)", agent("SP", "release"), file: sp + "/sessions/\(lsm.session)/journal",
                   format: .journal, input: lsm.last["domain-ready"])
        try stored(m, "stored: SP's session journal key", agent("SP", "release"), file: sp + "/sessions/\(lsm.session)/journal.key",
                   format: .opaque(header: 0),
                   input: lsm.last["domain-ready"])
        try step(lsm.release(), "release")
        try message(m, "release", agent("DP", "launch"), lsm.last["release"])
        try stored(m, "stored: DP's session journal (ready)", agent("DP", "launch"), file: dp + "/sessions/\(lsm.session)/journal",
                   format: .journal, input: lsm.last["release"])
        try stored(m, "stored: DP's staged LoBot_D vTPM state", agent("DP", "launch"), file: staged + "/vtpm.state", format: .stateFile,
                   input: lsm.last["release"])
        for name in ["memory.lbst", "disk.lbst"] {
            try stream(m, name + " (kept in the session)", agent("DP", "launch"), file: sessionPackage("DP", lsm) + "/" + name,
                       input: lsm.last["release"])
        }
        try step(lsm.launch(), "launch")
        try message(m, "launched", agent("SP", "finish"), lsm.last["launched"])
        try message(m, "launched", factory("close"), lsm.last["launched"])
        try step(lsm.finish(), "finish and close")
        let count = world.lastCount(domain, on: "DP") ?? 0
        try world.waitForCount(domain, on: "DP", atLeast: count + 3, seconds: 120)
        guard !world.console(domain, on: "DP").contains("ADOM start") else { throw TamperError("the aDom was rebooted on DP, not restored") }
        say("the aDom counts on DP (\(world.lastCount(domain, on: "DP") ?? 0)): every genuine step went through after its tampered copies")
        try laterSessions()
        let last = world.lastCount(domain, on: "DP") ?? 0
        try world.waitForCount(domain, on: "DP", atLeast: last + 2)
        guard try world.status(domain, on: "DP") == ("running", true), try world.status(domain, on: "SP").state == "absent",
            try world.status(domain, on: "RP").state == "absent"
        else { throw TamperError("after the later sessions the aDom does not run on DP alone") }
        say("the aDom still counts on DP alone (\(world.lastCount(domain, on: "DP") ?? 0))")
        try guestTPM()
        try tpm2Walk()
    }

    /// The aDom's own TPM after a crash of its server: its live file (the state written since the
    /// last checkpoint) and the LoBot's state (which holds the checkpoint), read by `lobot domain
    /// start` and the server it starts. The domain is booted cold once (its firmware's Startup
    /// writes the TPM's NVRAM), its server killed, qemu stopped; every tampered copy must then be
    /// refused with nothing started, and the genuine files must start the domain.
    func guestTPM() throws {
        say("guest TPM: its live file and checkpoint after a crash of its server, at lobot domain start on DP")
        let directory = world.platform("DP").lobotDirectory + "/domains/\(domain)"
        let live = directory + "/lobot/guest-tpm.live"
        try step(world.lobot("DP", ["domain", "stop", "--name", domain]), "domain stop")
        try step(world.lobot("DP", ["domain", "start", "--name", domain]), "domain start")
        let deadline = Date().addingTimeInterval(120)
        while !FileManager.default.fileExists(atPath: live) {
            guard Date() < deadline else { throw TamperError("the guest's firmware never wrote its TPM's NVRAM (no \(live))") }
            Thread.sleep(forTimeInterval: 0.2)
        }
        if let pid = Int32((try String(contentsOfFile: directory + "/tpm.pid", encoding: .utf8)).trimmingCharacters(in: .whitespacesAndNewlines)) {
            kill(pid, SIGKILL)
        }
        try step(world.lobot("DP", ["domain", "stop", "--name", domain]), "domain stop after the server's crash")
        let start = Receiver(label: "DP: lobot domain start", program: .agent, platform: "DP") { [world, domain] _, _ in
            try world.lobot("DP", ["domain", "start", "--name", domain])
        }
        let g = "guest TPM"
        try stored(g, "stored: DP's guest TPM live file", start, file: live, format: .stateFile, input: live)
        try stored(g, "stored: DP's LoBot state (with the guest TPM's checkpoint)", start, file: directory + "/lobot/vtpm.state",
                   format: .stateFile, input: live)
        try step(world.lobot("DP", ["domain", "start", "--name", domain]), "domain start with the genuine files")
        try world.waitForCount(domain, on: "DP", atLeast: 2, seconds: 300)
        say("the aDom booted again on DP with its TPM's genuine state")
    }
}
