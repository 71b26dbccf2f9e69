// LSM with LoBot_D as the baked LoBot VM (`lobot migrate receive --image`): the factory bakes
// the image and judges LoBot_D by the image's golden values; DP hands its TPM (swtpm) to the VM
// for step 7, the agent as PID 1 opens the package, measures, quotes and signs, and DP installs
// what it hands back. The other migration tests (MigrationTests) run LoBot_D as a host process
// to stay fast; these are the ones that boot it, each boot a real qemu (TCG here) with a deadline.
// One aDom serves them all: the refused migrations leave it running on SP, the last one moves it.
import Foundation
import LoBotCore
import Testing
import TestSupport

@Suite(.serialized) struct VMMigrationTests {
    /// SP and DP enrolled as in MigrationTests, a baked image, DP's golden values as the platform
    /// of a LoBot VM (its firmware measures into its TPM when the VM boots), and an aDom on SP.
    final class World: @unchecked Sendable {
        let world: MigrationWorld
        let image: String
        let golden: String
        private var domains = 0

        init() throws {
            world = try MigrationWorld(names: ["SP", "DP"])
            image = world.transport.file("image")
            let baked = try succeed(try world.factory.run(["bake", "--agent", try Binaries.lobot(), "--out", image, "--json"]), "bake")
            guard let fields = try JSONSerialization.jsonObject(with: Data(baked.utf8)) as? [String: Any],
                let name = fields["golden"] as? String
            else { throw TestSupportError.failed("bake printed no golden name: \(baked)") }
            golden = name
            try world.recordLoBotVMPlatformGolden("DP-vm-platform", platform: "DP", image: image)
            _ = try adomOnSP()
        }

        /// An aDom running on SP: the last one provisioned, unless a test moved it away.
        func adomOnSP() throws -> String {
            let current = "adom-vm-\(domains)"
            if domains > 0, try world.status(current, on: "SP") == ("running", true) { return current }
            domains += 1
            let fresh = "adom-vm-\(domains)"
            try world.provision(fresh, onto: "SP", disk: .local).runAll()
            try world.waitForCount(fresh, on: "SP", atLeast: 3)
            return fresh
        }

        /// The migration of `domain` to DP, LoBot_D judged by the baked image's golden values and
        /// run as `image` (by default that image).
        func migrationToDP(_ domain: String, image: String? = nil) throws -> ProtocolRun {
            let run = try world.migrate(domain, from: "SP", to: "DP", platformGolden: "DP-vm-platform", lobotGolden: golden)
            run.lobotImage = image ?? self.image
            return run
        }

        /// `domain` resumed on SP and is nowhere else; DP's version store (its file, its pending
        /// commit and the TPM counter) still opens and moves.
        func expectBackOnSP(_ domain: String, run: ProtocolRun) throws {
            #expect(try world.status(domain, on: "SP") == ("running", true))
            #expect(try world.status(domain, on: "DP").state == "absent")
            let staged = world.platform("DP").lobotDirectory + "/sessions/\(run.session)/lobot/vtpm.state"
            #expect(!FileManager.default.fileExists(atPath: staged), "LoBot_D's state is still on DP")
            let advanced = try world.lobot("DP", ["platform", "counter", "--increment"])
            #expect(advanced.status == 0, "DP's version store: \(advanced.stderr)")
            let count = world.lastCount(domain, on: "SP") ?? 0
            try world.waitForCount(domain, on: "SP", atLeast: count + 2)
        }
    }

    static let shared = SharedFixture { try World() }

    func oneLine(_ result: ProcessResult) -> Bool { result.stderr.split(separator: "\n").count == 1 }

    /// A LoBot VM that fails leaves DP as it was; a DP killed after installing what the VM
    /// returned, before its journal moved, recovers to exactly one running aDom (SP's) with its
    /// version store's pending commit finished.
    @Test func aFailedOrKilledLoBotVMLeavesExactlyOneADom() throws {
        let v = try Self.shared.get()
        let w = v.world
        let domain = try v.adomOnSP()
        let run = try v.migrationToDP(domain)
        for step in run.steps.prefix(3) { try succeed(try step.run(), step.name) }
        let dp = w.platform("DP").lobotDirectory
        let session = dp + "/sessions/\(run.session)"
        let journal = try Data(contentsOf: URL(fileURLWithPath: session + "/journal"))
        let store = try Data(contentsOf: URL(fileURLWithPath: dp + "/versions"))

        // The in-VM tcsd gets no SRK registration: the VM fails, and nothing changes on DP.
        let empty = try w.box("empty-system-data") + "/system.data"
        _ = FileManager.default.createFile(atPath: empty, contents: Data())
        let failed = try run.receive(systemData: empty)
        #expect(failed.status == 1 && oneLine(failed), "\(failed.stderr)")
        #expect(failed.stderr.contains("the LoBot VM failed: failed to load the SRK") && failed.stderr.contains("nothing changed here"),
                "\(failed.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: session + "/journal")) == journal)
        #expect(try Data(contentsOf: URL(fileURLWithPath: dp + "/versions")) == store)
        #expect(!FileManager.default.fileExists(atPath: dp + "/versions.new"))
        #expect(!FileManager.default.fileExists(atPath: session + "/lobot/vtpm.state"))

        // Again, killed after the install: LoBot_D staged, the store change pending, the journal unmoved.
        let killed = try w.withFailpoint("receive.installed") { try run.receive() }
        #expect(killed.stderr.contains("failpoint receive.installed: killing myself"), "\(killed.stderr)")
        #expect(FileManager.default.fileExists(atPath: dp + "/versions.new"))
        #expect(FileManager.default.fileExists(atPath: session + "/lobot/vtpm.state"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: session + "/journal")) == journal)

        // Recovery: DP destroys LoBot_D (finishing its pending store commit first) and says so; SP resumes.
        let dpRecovery = try run.recover("DP")
        #expect(dpRecovery.status == 0, "\(dpRecovery.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dp + "/versions.new"))
        let spRecovery = try run.recover("SP", with: run.last["launch-failed"])
        #expect(spRecovery.status == 0, "\(spRecovery.stderr)")
        try v.expectBackOnSP(domain, run: run)
    }

    @Test func aTamperedLoBotImageIsUntrustedAndTheSourceResumes() throws {
        let v = try Self.shared.get()
        let w = v.world
        let tampered = w.transport.file("image-tampered")
        try succeed(try w.factory.run(["bake", "--agent", try Binaries.tamperedLoBot(at: w.transport.file("lobot-tampered")),
                                       "--out", tampered]), "bake")
        let domain = try v.adomOnSP()
        let run = try v.migrationToDP(domain, image: tampered)
        for step in run.steps.prefix(4) { try succeed(try step.run(), step.name) }
        // The tampered image boots, measures itself and reports; the factory expected the baked one.
        let verdict = try run.verdict()
        #expect(verdict.status == 3)
        #expect(verdict.stderr.contains("not trusted: PCR values do not match: PCRs 0 differ from golden values \(v.golden)"), "\(verdict.stderr)")
        let offer = try run.offer()
        #expect(offer.status == 1 && oneLine(offer) && offer.stderr.contains("(10b); the aDom resumed here"), "\(offer.stderr)")
        let check = try run.check(verdict: true)
        #expect(check.status == 1 && oneLine(check) && check.stderr.contains("LoBot_D destroyed itself"), "\(check.stderr)")
        try v.expectBackOnSP(domain, run: run)
    }

    @Test func lobotDAsTheLoBotVMTakesOverTheRunningADom() throws {
        let v = try Self.shared.get()
        let w = v.world
        let domain = try v.adomOnSP()
        defer { _ = try? w.lobot("DP", ["domain", "stop", "--name", domain]) }
        let run = try v.migrationToDP(domain)
        for step in run.steps {
            let started = Date()
            let result = try step.run()
            try succeed(result, step.name)
            if step.name == "receive" {
                print("receive --image-dir (LoBot_D as the LoBot VM): \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
                #expect(result.stdout.contains("LoBot_D measured and quoted as the LoBot VM"), "\(result.stdout)")
            }
            if step.name == "verdict" { #expect(result.stdout.contains("10a trusted"), "\(result.stdout)") }
        }
        // The report is the VM's: the firmware's event log, and vTPM PCRs 0-5 as the bake predicted.
        let envelope = try Envelope(bytes: [UInt8](try Data(contentsOf: URL(fileURLWithPath: try #require(run.last["lobot-report"])))))
        let report = try BootResult(bytes: envelope.body)
        #expect(report.message.hasSuffix("(LoBot VM)") && !report.firmwareLog.isEmpty, "\(report.message)")
        let predicted = try GoldenRecord(bytes: [UInt8](try Data(contentsOf: URL(fileURLWithPath: v.image + "/image.golden"))))
        let quote = try #require(report.vtpmQuote)
        for (i, index) in predicted.values.selection.indices.enumerated() {
            #expect(quote.composite.value(of: index) == predicted.values.values[i], "vTPM PCR \(index)")
        }
        #expect(run.lobotVMConsole.contains("lobot: LoBot_D measured and quoted on DP (LoBot VM)"), "\(run.lobotVMConsole.suffix(300))")
        // 13a: the aDom counts on on DP from where it stopped, with the disk it had.
        let before = w.lastCount(domain, on: "DP") ?? 0
        try w.waitForCount(domain, on: "DP", atLeast: before + 3)
        let console = w.console(domain, on: "DP")
        #expect(!console.contains("ADOM start"), "the aDom was rebooted, not restored")
        #expect(!console.contains("DISK-MISMATCH"), "the resumed aDom saw an old disk")
        #expect(try w.status(domain, on: "DP") == ("running", true))
        #expect(try w.status(domain, on: "SP").state == "absent")
        // No secret of the migration in clear anywhere, the VM's console included.
        try SecretScan.expectNoneInClear(of: run, world: w)
    }
}

extension MigrationWorld {
    /// Golden values `name` for `platform` as the platform of a LoBot VM: its PCRs 0-5 and 7 as
    /// the VM's firmware (SeaBIOS) leaves them, recorded from a known-good boot of `image` on the
    /// factory floor -- a vTPM rooted in the platform (which makes the platform's version store),
    /// booted by `platform launch` with a nonce issued for golden values (only the platform's quote
    /// counts). The platform's swtpm and tcsd are stopped for the boot.
    func recordLoBotVMPlatformGolden(_ name: String, platform platformName: String, image: String) throws {
        let platform = vmHost(platformName)
        let vtpm = transport.file("\(platformName)-floor-vtpm")
        try succeed(try lobot(platformName, ["create", "--vtpm", vtpm, "--platform", platform.lobotDirectory]), "create")
        let nonce = try factory.nonce(for: platformName, purpose: "golden")
        let result = transport.file("\(platformName)-floor-boot")
        try platform.stop()
        let launch = try runProcess(try Binaries.lobot(), [
            "platform", "launch", "--platform", platform.lobotDirectory, "--vtpm", vtpm, "--image-dir", image, "--platform-nonce", nonce,
            "--vtpm-nonce", String(repeating: "00", count: 20), "--out", result, "--tpm-state", platform.tpmState,
            "--timeout", "120"] + platform.vmArguments)
        try platform.start()
        try succeed(launch, "platform launch")
        let boot = try BootResult(bytes: [UInt8](try Data(contentsOf: URL(fileURLWithPath: result))))
        let quote = try transport.write("\(platformName)-floor-quote", try #require(boot.platformQuote).bytes)
        try succeed(try factory.run(group: "golden", ["record", "--name", name, "--platform", platformName, "--quote", quote,
                                                      "--nonce", nonce, "--pcrs", "0-5,7"]), "golden record")
    }
}
