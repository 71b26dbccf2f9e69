// Two (or more) real platforms (TPM 1.2, or TPM 2.0 for the names in `tpm2`), a factory and a
// test aDom, for the LSP/LSM end-to-end tests: each platform enrolled, its keys registered and its golden values recorded, exactly as
// an operator would. Messages move between them only as files copied by the test (the courier),
// and every `lobot` of one platform runs in a mount namespace where the other platforms'
// directories are empty, so no process of one can read the other's files.
import Foundation

public final class MigrationWorld: @unchecked Sendable {
    public let factory: FactoryUnderTest
    /// The TPM 1.2 platforms.
    public let platforms: [String: TestPlatform]
    /// The TPM 2.0 platforms.
    public let tpm2Platforms: [String: TPM2TestPlatform]
    public let adom: TemporaryDirectory
    public let transport: TemporaryDirectory
    /// The test aDom that uses its TPM with real tools (make-adom --tpm), made on first use.
    public var tpmADom: TemporaryDirectory {
        get throws {
            if let made = tpmADomMade { return made }
            let made = try TemporaryDirectory("lobot-adom-tpm")
            try succeed(try runProcess(Binaries.packageRoot + "/scripts/make-adom", ["--tpm", made.path]), "make-adom --tpm")
            tpmADomMade = made
            return made
        }
    }
    private var tpmADomMade: TemporaryDirectory? = nil
    /// Set for every `lobot` run inside `withFailpoint`: LOBOT_FAILPOINT makes it SIGKILL itself
    /// at that point.
    public private(set) var failpoint: String? = nil
    /// `body` with every `lobot` it runs killed at `point`; the failpoint is cleared however `body`
    /// ends, so a failing test does not leave it set for the tests after it on the same world.
    public func withFailpoint<T>(_ point: String, _ body: () throws -> T) rethrows -> T {
        failpoint = point
        defer { failpoint = nil }
        return try body()
    }
    /// Run every `lobot` under GNU time, so its ProcessResult carries its true peak RSS.
    public var measureMemory = false
    /// Every byte the courier has carried so far.
    public private(set) var bytesCarried = 0
    /// Set for every lobot the world runs (the bench asks for LOBOT_PHASE_TIMES).
    public var agentEnvironment: [String: String] = [:]
    /// Whether each `lobot` runs in a mount namespace where the other platforms' directories are
    /// empty (a tmpfs over each), so that no step can read across platforms as it could not across
    /// machines. The tests keep it; the bench turns it off: its steps are timed as a user's on
    /// their own machines run, without the namespace, `sh` and `mount` (about 4 ms a step here).
    public var hidesOtherPlatforms = true
    /// When the courier copied, in seconds on CLOCK_MONOTONIC (the clock of lobot's phase times):
    /// the bench takes the copies that fell inside the aDom's downtime out of it.
    public private(set) var carryingIntervals: [(start: Double, end: Double)] = []
    /// The wall time the courier spent copying, in seconds (the bench takes it out of steps' times).
    public var secondsCarrying: Double { carryingIntervals.reduce(0) { $0 + $1.end - $1.start } }

    public init(names: [String] = ["SP", "DP"], tpm2: Set<String> = []) throws {
        factory = try FactoryUnderTest()
        var platforms: [String: TestPlatform] = [:]
        var tpm2Platforms: [String: TPM2TestPlatform] = [:]
        for (index, name) in names.enumerated() {
            let platform: any PlatformUnderTest
            if tpm2.contains(name) {
                let made = try TPM2TestPlatform()
                tpm2Platforms[name] = made
                platform = made
            } else {
                let made = try TestPlatform(ekCertificate: index == 0)
                platforms[name] = made
                platform = made
            }
            try factory.enroll(platform, as: name)
            try succeed(try platform.lobot(["platform", "counter", "--create", "--platform", platform.lobotDirectory]), "counter")
            try factory.registerBindKey(platform, as: name)
            let (quote, nonce) = try factory.quote(platform, issuedTo: name, purpose: "golden")
            try succeed(try factory.run(group: "golden", ["record", "--name", "\(name)-platform", "--platform", name, "--quote", quote,
                                                          "--nonce", nonce, "--pcrs", "0-5,7"]), "golden record")
        }
        self.platforms = platforms
        self.tpm2Platforms = tpm2Platforms
        try succeed(try factory.run(group: "golden", ["predict-host", "--name", "host-lobot", "--agent", try Binaries.lobot()]), "predict-host")
        adom = try TemporaryDirectory("lobot-adom")
        try succeed(try runProcess(Binaries.packageRoot + "/scripts/make-adom", [adom.path]), "make-adom")
        transport = try TemporaryDirectory("lobot-transport")
    }

    deinit {
        for platform in members.values {
            for domain in (try? FileManager.default.contentsOfDirectory(atPath: platform.lobotDirectory + "/domains")) ?? [] {
                // qemu and the server of its guest's TPM.
                for file in ["qemu.pid", "tpm.pid"] {
                    if let pid = try? String(contentsOfFile: platform.lobotDirectory + "/domains/\(domain)/\(file)", encoding: .utf8),
                        let value = Int32(pid.trimmingCharacters(in: .whitespacesAndNewlines)) {
                        kill(value, SIGKILL)
                    }
                }
            }
        }
    }

    /// The TPM 1.2 platform `name`.
    public func platform(_ name: String) -> TestPlatform { platforms[name]! }

    /// Every platform, of either family, by name.
    public var members: [String: any PlatformUnderTest] {
        var all: [String: any PlatformUnderTest] = platforms
        for (name, platform) in tpm2Platforms { all[name] = platform }
        return all
    }

    /// Platform `name`, of either family.
    public func member(_ name: String) -> any PlatformUnderTest { members[name]! }

    /// Platform `name` as the host of a LoBot VM, of either family.
    public func vmHost(_ name: String) -> any LoBotVMHost { platforms[name] ?? tpm2Platforms[name]! }

    /// `lobot ARGS --platform DIR` on platform `name`, with the other platforms' directories hidden
    /// (unless `hidesOtherPlatforms` is off).
    @discardableResult
    public func lobot(_ name: String, _ arguments: [String]) throws -> ProcessResult {
        let platform = member(name)
        var environment = platform.environment
        environment["LOBOT_PLATFORM"] = platform.lobotDirectory
        if let failpoint { environment["LOBOT_FAILPOINT"] = failpoint }
        for (key, value) in agentEnvironment { environment[key] = value }
        var executable = try Binaries.lobot()
        var command = arguments
        if hidesOtherPlatforms {
            let hidden = members.filter { $0.key != name }.map { $0.value.root.path }
            let script = "for d in \"$@\"; do [ \"$d\" = -- ] && break; mount -t tmpfs -o size=1m none \"$d\" || exit 97; done; "
                + "while [ \"$1\" != -- ]; do shift; done; shift; exec \"$@\""
            command = ["--mount", "--propagation", "private", "/bin/sh", "-c", script, "sh"] + hidden + ["--", executable] + arguments
            executable = "/usr/bin/unshare"
        }
        if measureMemory { return try runMeasuringMemory(executable, command, environment: environment) }
        return try runProcess(executable, command, environment: environment)
    }

    /// A fresh directory in the transport area (what a USB stick would hold).
    public func box(_ label: String) throws -> String {
        let path = transport.file(label)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// The courier: copies `file` into `directory` with /bin/cp (as the bench's insecure migration
    /// copies its files); returns the copy.
    @discardableResult
    public func carry(_ file: String, to directory: String) throws -> String {
        let started = monotonicSeconds()
        defer { carryingIntervals.append((started, monotonicSeconds())) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let target = directory + "/" + (file as NSString).lastPathComponent
        if FileManager.default.fileExists(atPath: target) { try FileManager.default.removeItem(atPath: target) }
        let copy = try runProcess("/bin/cp", [file, target])
        guard copy.status == 0 else { throw TestSupportError.failed("cp \(file) \(target): \(copy.stderr)") }
        bytesCarried += ((try? FileManager.default.attributesOfItem(atPath: target))?[.size] as? Int) ?? 0
        return target
    }

    /// The domain's run state on platform `name` ("running", "paused", "absent", ...) and whether
    /// its LoBot's vTPM opens there.
    public func status(_ domain: String, on name: String) throws -> (state: String, vtpmOpens: Bool) {
        let line = try statusLine(domain, on: name)
        let fields = line.components(separatedBy: "; ")
        let words = fields[0].split(separator: " ").map(String.init)
        return (words.count > 1 ? words[1] : "?", fields.count > 1 && fields[1] == "vtpm opens")
    }

    /// `lobot domain status` as printed: NAME STATE; vtpm opens|refused; tpm FAMILY server SERVER.
    public func statusLine(_ domain: String, on name: String) throws -> String {
        try succeed(try lobot(name, ["domain", "status", "--name", domain])).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The "ADOM TPM ..." lines the aDom printed on platform `name`, without the prefix.
    public func tpmLines(_ domain: String, on name: String) -> [String] {
        console(domain, on: name).split(whereSeparator: \.isNewline).compactMap { line in
            line.range(of: "ADOM TPM ").map { String(line[$0.upperBound...]).trimmingCharacters(in: .whitespacesAndNewlines) }
        }
    }

    /// Waits until the aDom on `name` has printed a TPM line starting with `prefix` after the first
    /// `skipping` TPM lines; returns it.
    @discardableResult
    public func waitForTPMLine(_ domain: String, on name: String, prefix: String, skipping: Int = 0, seconds: Double = 180) throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let found = tpmLines(domain, on: name).dropFirst(skipping).first(where: { $0.hasPrefix(prefix) }) { return found }
            if let failed = tpmLines(domain, on: name).first(where: { $0.hasPrefix("FAILED") }) {
                throw TestSupportError.failed("\(domain) on \(name): its TPM setup failed: \(failed)")
            }
            Thread.sleep(forTimeInterval: 0.2)
        }
        throw TestSupportError.failed("\(domain) on \(name) never printed 'ADOM TPM \(prefix)': \(tpmLines(domain, on: name).suffix(5))")
    }

    /// The last NV counter value the aDom on `name` reported.
    public func lastNV(_ domain: String, on name: String) -> Int? {
        tpmLines(domain, on: name).reversed().lazy.compactMap { line -> Int? in
            guard line.hasPrefix("nv ") else { return nil }
            return Int(line.dropFirst(3))
        }.first
    }

    public func console(_ domain: String, on name: String) -> String {
        (try? String(contentsOfFile: member(name).lobotDirectory + "/domains/\(domain)/console.log", encoding: .isoLatin1)) ?? ""
    }

    /// The last count the aDom printed on platform `name`.
    public func lastCount(_ domain: String, on name: String) -> Int? {
        Self.lastCount(inConsole: console(domain, on: name))
    }

    /// The last `ADOM count=` an aDom printed in a console's text.
    public static func lastCount(inConsole text: String) -> Int? {
        text.split(whereSeparator: \.isNewline).reversed().lazy.compactMap { line -> Int? in
            guard let range = line.range(of: "ADOM count=") else { return nil }
            return Int(line[range.upperBound...].prefix { $0.isNumber })
        }.first
    }

    /// Waits until the aDom on `name` has printed at least `count` (or `more` beyond its last count).
    public func waitForCount(_ domain: String, on name: String, atLeast count: Int, seconds: Double = 120) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let last = lastCount(domain, on: name), last >= count { return }
            Thread.sleep(forTimeInterval: 0.2)
        }
        throw TestSupportError.failed("\(domain) on \(name) did not reach count \(count): \(console(domain, on: name).suffix(400))")
    }
}

/// How an aDom's disk is kept.
public enum TestDisk: Sendable {
    case none
    /// A disk image that travels with the domain.
    case local
    /// A disk at this path that every platform uses in place.
    case shared(String)
}

/// One provisioning or migration, step by step: each method runs one party's step on the
/// latest messages, carries its output to the next party and returns the process result.
public final class ProtocolRun: @unchecked Sendable {
    public let world: MigrationWorld
    public let domain: String
    public let source: String
    public let destination: String
    public let provisioning: Bool
    public let area: String
    public private(set) var last: [String: String] = [:]
    public private(set) var session = ""
    /// When set, the destination runs LoBot_D as this baked LoBot VM image (`receive --image`):
    /// the destination's swtpm and tcsd are stopped for the VM, which gets the TPM, and started
    /// again after it.
    public var lobotImage: String? = nil

    init(world: MigrationWorld, domain: String, source: String, destination: String, provisioning: Bool) throws {
        self.world = world
        self.domain = domain
        self.source = source
        self.destination = destination
        self.provisioning = provisioning
        area = try world.box("\(domain)-\(source)-\(destination)-\(UUID().uuidString.prefix(8))")
    }

    func inbox(_ party: String) -> String { area + "/inbox-" + party }
    func outbox(_ party: String) -> String { area + "/out-" + party }
    public var package: String { area + "/package-" + destination }

    func message(_ name: String) throws -> String {
        guard let path = last[name] else { throw TestSupportError.failed("no \(name) message yet") }
        return path
    }

    /// Records the messages a step wrote (their paths from its output) and carries each to its receiver.
    func collect(_ result: ProcessResult) throws {
        for line in result.stdout.split(separator: "\n") {
            guard let colon = line.range(of: " message for ") else { continue }
            let type = String(line[..<colon.lowerBound])
            let rest = line[colon.upperBound...]
            guard let separator = rest.range(of: ": ") else { continue }
            let receiver = String(rest[..<separator.lowerBound])
            let path = String(rest[separator.upperBound...])
            let carried = try world.carry(path, to: inbox(receiver))
            last[type + "@" + receiver] = carried
            last[type] = carried
            if type == "open", session.isEmpty, let bytes = FileManager.default.contents(atPath: path), bytes.count > 22 {
                session = [UInt8](bytes[6..<22]).hexString
            }
        }
    }

    @discardableResult
    func factoryStep(_ arguments: [String]) throws -> ProcessResult {
        let result = try world.factory.run(arguments + ["--out", outbox("factory")])
        try collect(result)
        return result
    }

    @discardableResult
    func platformStep(_ party: String, _ arguments: [String]) throws -> ProcessResult {
        let result = try world.lobot(party, arguments + ["--out", outbox(party)])
        try collect(result)
        return result
    }

    public func accept() throws -> ProcessResult { try platformStep(destination, ["migrate", "accept", "--in", try message("open")]) }
    public func proceed() throws -> ProcessResult { try factoryStep(["proceed", "--in", try message("destination-keys")]) }

    /// Steps 5-6 (the source), and the sealed aDom files carried to the destination.
    public func send() throws -> ProcessResult {
        let result = try platformStep(source, ["migrate", "send", "--in", try message("proceed")])
        for name in ["memory.lbst", "disk.lbst"] where FileManager.default.fileExists(atPath: outbox(source) + "/" + name) {
            try world.carry(outbox(source) + "/" + name, to: package)
        }
        return result
    }

    public func receive(systemData: String? = nil) throws -> ProcessResult {
        var arguments = ["migrate", "receive", "--in", try message("lobot-package")]
        guard let image = lobotImage else { return try platformStep(destination, arguments) }
        let platform = world.vmHost(destination)
        arguments += ["--image-dir", image, "--tpm-state", platform.tpmState, "--timeout", "120", "--console", area + "/lobot-vm-console.log"]
        arguments += systemData.map { ["--system-data", $0] } ?? platform.vmArguments
        try platform.stop()
        let result: ProcessResult
        do {
            result = try platformStep(destination, arguments)
        } catch {
            try platform.start()
            throw error
        }
        try platform.start()
        return result
    }

    /// The LoBot VM's serial console from the last `receive` with `lobotImage`.
    public var lobotVMConsole: String { (try? String(contentsOfFile: area + "/lobot-vm-console.log", encoding: .isoLatin1)) ?? "" }
    public func verdict() throws -> ProcessResult { try factoryStep(["verdict", "--in", try message("lobot-report")]) }

    public func offer() throws -> ProcessResult {
        try platformStep(source, ["migrate", "offer", "--in", try message("verdict@" + source)])
    }

    public func check(verdict: Bool = false) throws -> ProcessResult {
        let input = verdict ? try message("verdict@" + destination) : try message("domain-offer")
        return try platformStep(destination, ["migrate", "check", "--in", input, "--package", package])
    }

    public func release() throws -> ProcessResult {
        if provisioning { return try factoryStep(["release", "--in", try message("domain-ready")]) }
        let input = last["domain-ready"] ?? last["domain-refused"]
        return try platformStep(source, ["migrate", "release", "--in", input ?? ""])
    }

    public func launch() throws -> ProcessResult { try platformStep(destination, ["migrate", "launch", "--in", try message("release")]) }

    public func finish() throws -> ProcessResult {
        let input = last["launched"] ?? last["launch-failed"] ?? ""
        if provisioning { return try world.factory.run(["close", "--in", input]) }
        let result = try platformStep(source, ["migrate", "finish", "--in", input])
        if result.status == 0, last["launched"] != nil { try succeed(try world.factory.run(["close", "--in", input]), "close") }
        return result
    }

    public func recover(_ party: String, with message: String? = nil) throws -> ProcessResult {
        var arguments = ["migrate", "recover", "--session", session]
        if let message { arguments += ["--in", message] }
        return try platformStep(party, arguments)
    }

    /// The steps in order, by name, for running them all or up to a fault.
    public var steps: [(name: String, run: () throws -> ProcessResult)] {
        var steps: [(String, () throws -> ProcessResult)] = [("accept", accept), ("proceed", proceed)]
        if !provisioning { steps += [("send", send)] }
        steps += [("receive", { try self.receive() }), ("verdict", verdict)]
        if !provisioning { steps += [("offer", offer)] }
        steps += [("check", { try self.check() }), ("release", release), ("launch", launch), ("finish", finish)]
        return steps
    }

    /// Runs every step; fails with the first step's error.
    public func runAll() throws {
        for step in steps { try succeed(try step.run(), step.name) }
    }

    /// Deletes everything the run carried or wrote in the transport area (messages, sealed files,
    /// the copies in each inbox and package), as an operator empties the stick once the aDom runs
    /// on one side. A test that migrates again and again calls it after each run, so a whole
    /// suite's sealed states do not pile up on the disk (gigabytes otherwise).
    public func removeFiles() {
        try? FileManager.default.removeItem(atPath: area)
    }
}

extension MigrationWorld {
    /// LSP: opens a provisioning of `domain` onto `platform` (run its steps with `runAll`). The
    /// aDom fills `fill` MiB of its memory with random data (by default most of what the kernel leaves).
    /// With `guestUsesTPM`, the aDom is the one that seals, unseals, quotes and counts in NV
    /// with its TPM's own tools every `tpmEvery` ticks (its lines: `tpmLines`).
    public func provision(_ domain: String, onto platform: String, memory: Int = 128, fill: Int? = nil, disk: TestDisk = .local,
                          tpm: String = "2.0", guestUsesTPM: Bool = false, tpmEvery: Int = 5) throws -> ProtocolRun {
        let run = try ProtocolRun(world: self, domain: domain, source: "factory", destination: platform, provisioning: true)
        let image = guestUsesTPM ? try tpmADom : adom
        // The TPM aDom's tools take some 30 MiB of its memory: it fills less.
        var append = "console=ttyS0 quiet adom.fill=\(fill ?? (guestUsesTPM ? 16 : memory * 3 / 4 - 50))"
        if guestUsesTPM { append += " adom.tpm=\(tpm == "1.2" ? "1.2" : "2") adom.tpmevery=\(tpmEvery)" }
        var arguments = ["provision", domain, platform, "--kernel", image.file("vmlinuz"), "--initrd", image.file("initrd.img"),
                         "--memory", "\(memory)", "--append", append,
                         "--lobot-golden", "host-lobot", "--platform-golden", "\(platform)-platform", "--tpm", tpm]
        switch disk {
        case .none: break
        case .local:
            let image = transport.file("\(domain)-disk.img")
            _ = FileManager.default.createFile(atPath: image, contents: nil)
            try FileHandle(forWritingAtPath: image)!.truncate(atOffset: 16 << 20)
            arguments += ["--disk", image]
        case .shared(let path):
            arguments += ["--shared-disk", path]
        }
        try succeed(try run.factoryStep(arguments), "provision")
        try? FileManager.default.createDirectory(atPath: run.package, withIntermediateDirectories: true)
        if FileManager.default.fileExists(atPath: run.outbox("factory") + "/disk.lbst") {
            try carry(run.outbox("factory") + "/disk.lbst", to: run.package)
        }
        return run
    }

    /// LSM: opens the migration of `domain` from wherever it is to `destination`, whose PCRs the
    /// factory checks against `platformGolden` (by default its golden values as a host) and its
    /// LoBot_D against `lobotGolden` (by default the domain's).
    public func migrate(_ domain: String, from source: String, to destination: String, platformGolden: String? = nil,
                        lobotGolden: String? = nil) throws -> ProtocolRun {
        let run = try ProtocolRun(world: self, domain: domain, source: source, destination: destination, provisioning: false)
        var arguments = ["migrate", domain, destination, "--platform-golden", platformGolden ?? "\(destination)-platform"]
        if let lobotGolden { arguments += ["--lobot-golden", lobotGolden] }
        try succeed(try run.factoryStep(arguments), "factory migrate")
        return run
    }
}

/// A platform whose TPM a LoBot VM can be handed: its swtpm stopped, its state given to the VM's
/// swtpm, started again afterwards (a reboot).
public protocol LoBotVMHost: PlatformUnderTest {
    func stop() throws
    func start() throws
    /// The swtpm state directory.
    var tpmState: String { get }
    /// What `platform launch` and `migrate receive --image-dir` need besides --tpm-state.
    var vmArguments: [String] { get }
}

extension TestPlatform: LoBotVMHost {
    /// The in-VM tcsd's TrouSerS registration.
    public var vmArguments: [String] { ["--system-data", systemData] }
}

extension TPM2TestPlatform: LoBotVMHost {
    /// Nothing: the VM reaches a TPM 2.0 through its kernel.
    public var vmArguments: [String] { [] }
}
