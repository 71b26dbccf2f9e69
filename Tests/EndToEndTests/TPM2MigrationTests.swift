// LSP and LSM with TPM 2.0 platforms end to end: two TPM 2.0 platforms (swtpm --tpm2 each, an EK
// with its manufacturer certificate) and one TPM 1.2 platform (swtpm + tcsd), the real factory and
// a real aDom under qemu. Between two TPM 2.0 platforms, and across the families both ways, the
// same commands as on TPM 1.2: the destination's keys certified by TPM2_Certify, secrets bound
// with RSA-OAEP-SHA256 and opened by TPM2_RSA_Decrypt, LoBot_D bound to the SHA-256 bank's PCR 6
// and quoted by TPM2_Quote, its version anchored to the NV counter. 10b and the SIGKILL
// exactly-one test run on the TPM 2.0 path, and LoBot_D runs as the LoBot VM on a TPM 2.0 too.
import Foundation
import LoBotCore
import Testing
import TestSupport

@Suite(.serialized) struct TPM2MigrationTests {
    /// SP and DP have a TPM 2.0, MP a TPM 1.2.
    static let world = SharedFixture { try MigrationWorld(names: ["SP", "DP", "MP"], tpm2: ["SP", "DP"]) }

    func provisioned(_ w: MigrationWorld, _ domain: String, onto platform: String, disk: TestDisk = .local, guest: String? = nil) throws {
        try w.provision(domain, onto: platform, disk: disk, tpm: guest ?? "2.0", guestUsesTPM: guest != nil).runAll()
        #expect(try w.status(domain, on: platform) == ("running", true))
        try w.waitForCount(domain, on: platform, atLeast: 3)
        if guest != nil { try w.waitForTPMLine(domain, on: platform, prefix: "ready") }
    }

    func stop(_ w: MigrationWorld, _ domain: String) {
        for name in w.members.keys { _ = try? w.lobot(name, ["domain", "stop", "--name", domain]) }
    }

    /// The verdict the factory sent in `run`, as the destination received it.
    func verdictReason(_ run: ProtocolRun) throws -> String {
        let path = try #require(run.last["verdict@" + run.destination])
        return try VerdictBody(bytes: try Envelope(bytes: [UInt8](try #require(FileManager.default.contents(atPath: path)))).body).reason
    }

    @Test func lspAndLSMBetweenTwoTPM2PlatformsMoveTheRunningADomWithItsGuestTPM() throws {
        let w = try Self.world.get()
        try provisioned(w, "adom-t", onto: "SP", guest: "2.0")
        defer { stop(w, "adom-t") }
        let sealed = String(try w.waitForTPMLine("adom-t", on: "SP", prefix: "sealed ").dropFirst("sealed ".count))
        let run = try w.migrate("adom-t", from: "SP", to: "DP")
        for step in run.steps {
            try succeed(try step.run(), step.name)
            if step.name == "accept" {
                // DP's answer carries TPM2_Certify certifications (LB2K) by its AK.
                let keys = try DestinationKeysBody(bytes: try Envelope(bytes: [UInt8](FileManager.default.contents(
                    atPath: try #require(run.last["destination-keys"]))!)).body)
                #expect(keys.keys.family == .tpm2)
            }
        }
        let reason = try verdictReason(run)
        #expect(reason.hasSuffix("(platform quote by a TPM 2.0)"), "\(reason)")
        let before = w.lastCount("adom-t", on: "DP") ?? 0
        try w.waitForCount("adom-t", on: "DP", atLeast: before + 3)
        // 13a: the same guest TPM on DP: what the guest sealed on SP unseals.
        try w.waitForTPMLine("adom-t", on: "DP", prefix: "unseal ok \(sealed)")
        #expect(!w.console("adom-t", on: "DP").contains("ADOM start"), "the aDom was rebooted, not restored")
        #expect(!w.console("adom-t", on: "DP").contains("DISK-MISMATCH"))
        #expect(try w.status("adom-t", on: "DP") == ("running", true))
        #expect(try w.status("adom-t", on: "SP").state == "absent")
        try SecretScan.expectNoneInClear(of: run, world: w)
    }

    @Test func lsmAcrossTheFamiliesBothWays() throws {
        let w = try Self.world.get()
        try provisioned(w, "adom-x", onto: "MP")
        defer { stop(w, "adom-x") }
        // TPM 1.2 -> TPM 2.0, then TPM 2.0 -> TPM 1.2; each verdict names the destination's family.
        for (source, destination, family) in [("MP", "DP", "TPM 2.0"), ("DP", "MP", "TPM 1.2")] {
            let run = try w.migrate("adom-x", from: source, to: destination)
            try run.runAll()
            let reason = try verdictReason(run)
            #expect(reason.hasSuffix("(platform quote by a \(family))"), "\(reason)")
            let count = w.lastCount("adom-x", on: destination) ?? 0
            try w.waitForCount("adom-x", on: destination, atLeast: count + 3)
            #expect(try w.status("adom-x", on: destination) == ("running", true), "\(source) -> \(destination)")
            #expect(try w.status("adom-x", on: source).state == "absent", "\(source) -> \(destination)")
            #expect(!w.console("adom-x", on: destination).contains("DISK-MISMATCH"))
        }
    }

    /// The platform golden values a TPM 2.0 destination is judged by: a TPM 1.2 platform's record
    /// (SHA-1 composite) is refused as the wrong kind of values, a damaged SHA-256 bank record as
    /// damaged (the tamper matrix saw every damaged copy called "not SHA-256 bank values").
    @Test func platformGoldenValuesOfTheWrongKindOrDamagedAreRefusedForWhatTheyAre() throws {
        let w = try Self.world.get()
        let out = try TemporaryDirectory("lobot-golden-kind")
        // Each its own domain: provision makes the domain's LoBot before it opens the session.
        func provision(_ domain: String, judgedBy golden: String) throws -> ProcessResult {
            try w.factory.run(["provision", domain, "DP", "--kernel", w.adom.file("vmlinuz"), "--initrd", w.adom.file("initrd.img"),
                               "--memory", "128", "--lobot-golden", "host-lobot", "--platform-golden", golden, "--out", out.path])
        }
        let wrongKind = try provision("adom-g1", judgedBy: "MP-platform")
        #expect(wrongKind.status != 0 && wrongKind.stderr.contains("golden values MP-platform are not SHA-256 bank values"), "\(wrongKind.stderr)")
        let path = w.factory.directory + "/golden/DP-platform.golden"
        let genuine = try #require(FileManager.default.contents(atPath: path))
        defer { try? genuine.write(to: URL(fileURLWithPath: path)) }
        var damaged = [UInt8](genuine)
        damaged[damaged.count - 10] ^= 0xFF
        try Data(damaged).write(to: URL(fileURLWithPath: path))
        let refused = try provision("adom-g2", judgedBy: "DP-platform")
        #expect(refused.status != 0 && refused.stderr.contains("golden record DP-platform failed authentication")
                && !refused.stderr.contains("SHA-256 bank"), "\(refused.stderr)")
    }

    @Test func anUntrustedTPM2DestinationDestroysLoBotDAndTheSourceResumes() throws {
        let w = try Self.world.get()
        try provisioned(w, "adom-u", onto: "SP", disk: .none)
        defer { stop(w, "adom-u") }
        // DP's SHA-256 PCR 4 moves after its golden values were recorded; a reboot puts it back.
        let dp = try #require(w.tpm2Platforms["DP"])
        defer { try? dp.reboot() }
        try succeed(try w.lobot("DP", ["platform", "extend", "--pcr", "4", "--digest", String(repeating: "ab", count: 32)]), "extend")
        let run = try w.migrate("adom-u", from: "SP", to: "DP")
        for step in run.steps.prefix(4) { try succeed(try step.run(), step.name) }
        let verdict = try run.verdict()
        #expect(verdict.status == 3)
        #expect(verdict.stderr.contains("refused: the destination is not trusted") && verdict.stderr.contains("sha256 PCR 4"),
                "\(verdict.stderr)")
        let offer = try run.offer()
        #expect(offer.status == 1 && offer.stderr.contains("(10b); the aDom resumed here"), "\(offer.stderr)")
        let check = try run.check(verdict: true)
        #expect(check.status == 1 && check.stderr.contains("LoBot_D destroyed itself"), "\(check.stderr)")
        #expect(try w.status("adom-u", on: "SP") == ("running", true))
        #expect(try w.status("adom-u", on: "DP").state == "absent")
        let staged = dp.lobotDirectory + "/sessions/\(run.session)/lobot/vtpm.state"
        #expect(!FileManager.default.fileExists(atPath: staged), "LoBot_D's state is still on DP")
        let count = w.lastCount("adom-u", on: "SP") ?? 0
        try w.waitForCount("adom-u", on: "SP", atLeast: count + 2)
    }

    /// LoBot_D as the baked LoBot VM on a TPM 2.0 destination: DP's TPM handed to the VM (tpm-crb),
    /// the agent inside reaching it through /dev/tpmrm0, the factory judging the VM's firmware
    /// log and the image's golden values.
    @Test func lobotDAsTheLoBotVMOnATPM2Destination() throws {
        let w = try Self.world.get()
        let image = w.transport.file("image")
        let baked = try succeed(try w.factory.run(["bake", "--agent", try Binaries.lobot(), "--out", image, "--json"]), "bake")
        let fields = try #require(try JSONSerialization.jsonObject(with: Data(baked.utf8)) as? [String: Any])
        let golden = try #require(fields["golden"] as? String)
        try w.recordLoBotVMPlatformGolden("DP-vm-platform", platform: "DP", image: image)
        try provisioned(w, "adom-v", onto: "SP", disk: .none)
        defer { stop(w, "adom-v") }
        let run = try w.migrate("adom-v", from: "SP", to: "DP", platformGolden: "DP-vm-platform", lobotGolden: golden)
        run.lobotImage = image
        for step in run.steps {
            let output = try succeed(try step.run(), step.name)
            if step.name == "receive" { #expect(output.contains("as the LoBot VM"), "\(output)") }
        }
        let reason = try verdictReason(run)
        #expect(reason.hasSuffix("(platform quote by a TPM 2.0)"), "\(reason)")
        let count = w.lastCount("adom-v", on: "DP") ?? 0
        try w.waitForCount("adom-v", on: "DP", atLeast: count + 3)
        #expect(try w.status("adom-v", on: "DP") == ("running", true))
        #expect(try w.status("adom-v", on: "SP").state == "absent")
    }

    /// Exactly one platform runs the aDom after a SIGKILL at a step that uses the TPM 2.0 (its NV
    /// counter, its bind key, its quote) and recovery on both.
    @Test func exactlyOneRunnableADomWhateverTPM2StepIsKilled() throws {
        let w = try Self.world.get()
        try provisioned(w, "adom-k2", onto: "SP")
        defer { stop(w, "adom-k2") }
        try expectExactlyOneRunnableAfterKills(w, "adom-k2", between: "SP", and: "DP", points: [
            "send.packed", "commit.counted", "receive.imported", "check.measured", "release.committed", "launch.committed", "finish.retired",
        ])
    }
}
