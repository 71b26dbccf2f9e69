// LSP and LSM end to end on real TPM 1.2 platforms (swtpm + tcsd each), the real factory and a
// real aDom under qemu that counts and keeps its count on its disk. LoBot_D runs as a host
// process on the destination here (the LoBot VM boot is covered by VMBootTests); every message
// is a file the test carries, and every lobot of one platform runs with the others' directories
// hidden (MigrationWorld). Each refusal is checked to be one clear line with its effect done.
import Foundation
import LoBotCore
import Testing
import TestSupport

@Suite(.serialized) struct MigrationTests {
    /// SP and DP for the good paths; XP becomes untrusted (its PCR 4 moves); RP gets revoked.
    static let world = SharedFixture { try MigrationWorld(names: ["SP", "DP", "XP", "RP"]) }

    /// Provisions `domain` onto SP and waits until it counts; with `guest`, the aDom uses a TPM of
    /// that family with its own tools, and this waits until it has sealed its secret.
    func provisioned(_ w: MigrationWorld, _ domain: String, memory: Int = 128, disk: TestDisk = .local, guest: String? = nil) throws {
        try w.provision(domain, onto: "SP", memory: memory, disk: disk, tpm: guest ?? "2.0", guestUsesTPM: guest != nil).runAll()
        #expect(try w.status(domain, on: "SP") == ("running", true))
        try w.waitForCount(domain, on: "SP", atLeast: 3)
        if guest != nil { try w.waitForTPMLine(domain, on: "SP", prefix: "ready") }
    }

    /// The hash of the secret the guest sealed, once it has unsealed it again on `platform`.
    func sealedSecret(_ w: MigrationWorld, _ domain: String, on platform: String) throws -> String {
        let sealed = String(try w.waitForTPMLine(domain, on: platform, prefix: "sealed ").dropFirst("sealed ".count))
        try w.waitForTPMLine(domain, on: platform, prefix: "unseal ok \(sealed)")
        return sealed
    }

    /// The guest read PCRs 8 and 9 of `bank` exactly as the factory predicted them at provisioning.
    func expectLaunchPredicted(_ w: MigrationWorld, _ domain: String, on platform: String, bank: String) throws {
        let golden = try succeed(try w.factory.run(group: "golden", ["show", "--name", "launch-\(domain)"]), "golden show")
        for pcr in [8, 9] {
            let read = try #require(w.tpmLines(domain, on: platform).first { $0.hasPrefix("pcr \(bank):\(pcr)=") })
            let value = String(read.dropFirst("pcr \(bank):\(pcr)=".count))
            #expect(value.count >= 40 && value != String(repeating: "0", count: value.count), "PCR \(pcr) was not measured: \(read)")
            #expect(golden.contains("\(bank):0\(pcr): \(value)"), "the guest's PCR \(pcr) (\(value)) is not the prediction:\n\(golden)")
        }
    }

    func stop(_ w: MigrationWorld, _ domain: String) {
        for name in w.platforms.keys { _ = try? w.lobot(name, ["domain", "stop", "--name", domain]) }
    }

    func oneLine(_ result: ProcessResult) -> Bool {
        result.stderr.split(separator: "\n").count == 1
    }

    @Test func provisioningThenMigrationMovesTheRunningADomAndLeavesNoSecretInClear() throws {
        let w = try Self.world.get()
        try provisioned(w, "adom-a", guest: "2.0")
        defer { stop(w, "adom-a") }
        // The guest's TPM 2.0: LoBot measured its launch as the factory predicted, the log LoBot
        // hands it replays to those PCRs (tpm2_eventlog), and its own quote checks out.
        try expectLaunchPredicted(w, "adom-a", on: "SP", bank: "sha256")
        #expect(w.tpmLines("adom-a", on: "SP").contains("eventlog replays"), "\(w.tpmLines("adom-a", on: "SP"))")
        #expect(w.tpmLines("adom-a", on: "SP").contains("quote verified"), "\(w.tpmLines("adom-a", on: "SP"))")
        let secret = try sealedSecret(w, "adom-a", on: "SP")
        try w.waitForTPMLine("adom-a", on: "SP", prefix: "nv ")
        let nvBefore = try #require(w.lastNV("adom-a", on: "SP"))
        let run = try w.migrate("adom-a", from: "SP", to: "DP")
        for step in run.steps {
            let output = try succeed(try step.run(), step.name)
            // The steps that move the aDom end with their one summary line (StepProgress).
            let summary = ["send": "sealed adom-a's memory state and disk: ", "check": "checked the aDom package: ",
                           "launch": "checked and opened the aDom's files, and started it: ", "receive": "received LoBot_D: "][step.name]
            if let summary { #expect(output.contains(summary) && output.contains("/s)\n"), "\(step.name): \(output)") }
            if step.name == "send" {
                // The paused aDom was saved without qemu's 128 MiB/s throttle of a live migration.
                let qmp = try QMPClient(socket: w.member("SP").lobotDirectory + "/domains/adom-a/qmp.sock")
                let parameters = try qmp.execute("query-migrate-parameters")
                #expect(parameters.contains("\"max-bandwidth\": \(QEMUSaveParameters.maxBandwidth)"), "\(parameters)")
            }
        }
        let before = w.lastCount("adom-a", on: "DP") ?? 0
        try w.waitForCount("adom-a", on: "DP", atLeast: before + 3)
        // On DP the guest's TPM is the same TPM: its secret sealed on SP unseals, its NV counter goes on.
        try w.waitForTPMLine("adom-a", on: "DP", prefix: "unseal ok \(secret)")
        try w.waitForTPMLine("adom-a", on: "DP", prefix: "nv ")
        #expect(try #require(w.lastNV("adom-a", on: "DP")) > nvBefore)
        #expect(!w.tpmLines("adom-a", on: "DP").contains { $0.contains("FAILED") }, "\(w.tpmLines("adom-a", on: "DP"))")
        // 13a: the aDom goes on counting on DP from where it stopped, with the disk it had.
        let console = w.console("adom-a", on: "DP")
        #expect(!console.contains("ADOM start"), "the aDom was rebooted, not restored")
        #expect(!console.contains("DISK-MISMATCH"), "the resumed aDom saw an old disk")
        #expect(try w.status("adom-a", on: "DP") == ("running", true))
        #expect(try w.status("adom-a", on: "SP").state == "absent")
        // SP's copy of the vTPM state never opens on SP again (retired there).
        try SecretScan.expectNoneInClear(of: run, world: w)
    }

    @Test func untrustedDestinationDestroysLoBotDAndTheSourceResumes() throws {
        let w = try Self.world.get()
        try provisioned(w, "adom-b", disk: .none, guest: "1.2")
        defer { stop(w, "adom-b") }
        // The guest's TPM 1.2: LoBot measured its launch as predicted, and a quote made in the
        // guest by tpm-quote-tools verifies with the factory.
        try expectLaunchPredicted(w, "adom-b", on: "SP", bank: "sha1")
        try expectGuestQuoteVerifies(w, "adom-b", on: "SP")
        let secret = try sealedSecret(w, "adom-b", on: "SP")
        // XP's firmware measurements change after its golden values were recorded.
        try succeed(try w.lobot("XP", ["platform", "extend", "--pcr", "4", "--digest", String(repeating: "ab", count: 20)]), "extend")
        let run = try w.migrate("adom-b", from: "SP", to: "XP")
        for step in run.steps.prefix(4) { try succeed(try step.run(), step.name) }
        let verdict = try run.verdict()
        #expect(verdict.status == 3)
        #expect(verdict.stderr.contains("refused: the destination is not trusted") && verdict.stderr.contains("PCR"), "\(verdict.stderr)")
        let offer = try run.offer()
        #expect(offer.status == 1 && oneLine(offer) && offer.stderr.contains("(10b); the aDom resumed here"), "\(offer.stderr)")
        let check = try run.check(verdict: true)
        #expect(check.status == 1 && oneLine(check) && check.stderr.contains("LoBot_D destroyed itself"), "\(check.stderr)")
        #expect(try w.status("adom-b", on: "SP") == ("running", true))
        #expect(try w.status("adom-b", on: "XP").state == "absent")
        let staged = w.platform("XP").lobotDirectory + "/sessions/\(run.session)/lobot/vtpm.state"
        #expect(!FileManager.default.fileExists(atPath: staged), "LoBot_D's state is still on XP")
        let count = w.lastCount("adom-b", on: "SP") ?? 0
        try w.waitForCount("adom-b", on: "SP", atLeast: count + 2)
        // The source's guest still opens what it sealed with its TPM.
        let seen = w.tpmLines("adom-b", on: "SP").count
        try w.waitForTPMLine("adom-b", on: "SP", prefix: "unseal ok \(secret)", skipping: seen)
    }

    /// A quote the TPM 1.2 guest made with tpm-quote-tools (its AIK blob, the PCR 8-9 composite
    /// hash, the nonce, the signature) verifies with `lobot-factory verify-quote --aik`.
    func expectGuestQuoteVerifies(_ w: MigrationWorld, _ domain: String, on platform: String) throws {
        let line = try w.waitForTPMLine(domain, on: platform, prefix: "quote made ")
        var fields: [String: String] = [:]
        for field in line.dropFirst("quote made ".count).split(separator: " ") {
            let parts = field.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2 { fields[parts[0]] = parts[1] }
        }
        let files = try TemporaryDirectory("lobot-guest-quote")
        for name in ["aik", "pcrhash", "quote"] { _ = try files.write(name, hexBytes(try #require(fields[name]))) }
        let verified = try w.factory.run(["verify-quote", "--aik", files.file("aik"), "--pcr-hash", files.file("pcrhash"),
                                          "--signature", files.file("quote"), "--nonce", try #require(fields["nonce"])])
        #expect(verified.status == 0, "\(verified.stderr)")
    }

    @Test func tamperedADomStateIsRefusedWithNothingDoneAndTheSessionEndsWithTheSourceRunning() throws {
        let w = try Self.world.get()
        try provisioned(w, "adom-c", guest: "2.0")
        defer { stop(w, "adom-c") }
        let secret = try sealedSecret(w, "adom-c", on: "SP")
        let run = try w.migrate("adom-c", from: "SP", to: "DP")
        for step in run.steps.prefix(6) { try succeed(try step.run(), step.name) }
        // One byte of the sealed memory state changes on its way to DP: refused, with nothing done,
        // so the genuine file could still be carried.
        let memory = run.package + "/memory.lbst"
        var bytes = [UInt8](FileManager.default.contents(atPath: memory)!)
        bytes[bytes.count / 2] ^= 0x01
        try Data(bytes).write(to: URL(fileURLWithPath: memory))
        let check = try run.check()
        #expect(check.status == 1 && oneLine(check), "\(check.stderr)")
        #expect(check.stderr.contains("memory.lbst") && check.stderr.contains("not what the source measured"), "\(check.stderr)")
        #expect(FileManager.default.fileExists(atPath: memory), "DP removed the package it refused")
        #expect(run.last["domain-refused"] == nil, "DP answered a damaged package as if LoBot_D had failed")
        // The session ends on both platforms: DP rolls back and says so, SP resumes.
        try succeed(try run.recover("DP"), "recover on DP")
        try succeed(try run.recover("SP", with: run.last["launch-failed"]), "recover on SP")
        #expect(try w.status("adom-c", on: "SP") == ("running", true))
        #expect(try w.status("adom-c", on: "DP").state == "absent")
        #expect(!w.console("adom-c", on: "SP").contains("DISK-MISMATCH"))
        // 13b: the source's guest TPM is unchanged: what it sealed still opens.
        let seen = w.tpmLines("adom-c", on: "SP").count
        try w.waitForTPMLine("adom-c", on: "SP", prefix: "unseal ok \(secret)", skipping: seen)
    }

    /// Launch opens a sealed file without measuring it again when it is, by its identity, the one
    /// step 12 took in (package.kept). That record is not a protection: with it forged to match a
    /// file changed after step 12, the change is found by the chunk's tag as the file is opened,
    /// and the launch fails (13b) with the source resuming its aDom.
    @Test func aSealedFileChangedAfterStep12WithItsKeptRecordForgedFailsTheLaunchAndTheSourceResumes() throws {
        let w = try Self.world.get()
        try provisioned(w, "adom-k")
        defer { stop(w, "adom-k") }
        let run = try w.migrate("adom-k", from: "SP", to: "DP")
        for step in run.steps.prefix(8) { try succeed(try step.run(), step.name) }
        let session = w.platform("DP").lobotDirectory + "/sessions/" + run.session
        let memory = session + "/package/" + DomainFiles.memory
        var bytes = [UInt8](FileManager.default.contents(atPath: memory)!)
        bytes[bytes.count / 2] ^= 0x01
        try Data(bytes).write(to: URL(fileURLWithPath: memory))
        var kept = try KeptFiles(bytes: [UInt8](try #require(FileManager.default.contents(atPath: session + "/package.kept"))))
        let index = try #require(kept.files.firstIndex { $0.name == DomainFiles.memory })
        kept.files[index].identity = try #require(Files.identity(memory))
        try Data(kept.bytes).write(to: URL(fileURLWithPath: session + "/package.kept"))
        let launch = try run.launch()
        #expect(launch.status == 1 && oneLine(launch), "\(launch.stderr)")
        #expect(launch.stderr.contains("aDom memory state") && launch.stderr.contains("13b"), "\(launch.stderr)")
        let finish = try run.finish()
        #expect(finish.status == 1 && finish.stderr.contains("(13b); it resumed here"), "\(finish.stderr)")
        #expect(try w.status("adom-k", on: "SP") == ("running", true))
        #expect(try w.status("adom-k", on: "DP").state == "absent")
    }

    @Test func replayedSwappedAndRevokedMessagesAreRefused() throws {
        let w = try Self.world.get()
        try provisioned(w, "adom-d", disk: .none, guest: "1.2")
        defer { stop(w, "adom-d") }
        let secret = try sealedSecret(w, "adom-d", on: "SP")
        let run = try w.migrate("adom-d", from: "SP", to: "DP")
        try run.runAll()
        // 13a with a TPM 1.2 guest: on DP it opens what it sealed on SP.
        try w.waitForTPMLine("adom-d", on: "DP", prefix: "unseal ok \(secret)")
        let replay = w.transport.file("replay")
        // Every message of the finished session, presented again, is refused with no effect.
        for (party, command, message) in [("DP", "accept", "open"), ("SP", "send", "proceed"), ("DP", "receive", "lobot-package"),
                                          ("SP", "offer", "verdict@SP"), ("DP", "check", "domain-offer"), ("SP", "release", "domain-ready"),
                                          ("DP", "launch", "release"), ("SP", "finish", "launched")] {
            var arguments = ["migrate", command, "--in", try #require(run.last[message]), "--out", replay]
            if command == "check" { arguments += ["--package", run.package] }
            let again = try w.lobot(party, arguments)
            #expect(again.status == 1 && oneLine(again) && again.stderr.contains("refused as stale or replayed"), "\(command): \(again.stderr)")
        }
        let proceedAgain = try w.factory.run(["proceed", "--in", try #require(run.last["destination-keys"]), "--out", replay])
        #expect(proceedAgain.status != 0 && proceedAgain.stderr.contains("replayed"), "\(proceedAgain.stderr)")
        #expect(try w.status("adom-d", on: "DP") == ("running", true))

        // A swapped bind key: RP presents a fresh bind key the factory never registered.
        let rp = try w.migrate("adom-d", from: "DP", to: "RP")
        let rpDirectory = w.platform("RP").lobotDirectory
        try FileManager.default.moveItem(atPath: rpDirectory + "/bind.blob", toPath: rpDirectory + "/bind.blob.registered")
        let nonce = try w.factory.nonce(for: "RP", purpose: "bind-key")
        try succeed(try w.lobot("RP", ["platform", "bind-key", "--nonce", nonce, "--out", w.transport.file("rp-bind.cert"),
                                       "--signing-out", w.transport.file("rp-signing.cert")]), "bind-key")
        try succeed(try rp.accept(), "accept")
        let swapped = try rp.proceed()
        #expect(swapped.status != 0 && swapped.stderr.contains("bind key RP presents is not the one registered"), "\(swapped.stderr)")
        try FileManager.default.removeItem(atPath: rpDirectory + "/bind.blob")
        try FileManager.default.moveItem(atPath: rpDirectory + "/bind.blob.registered", toPath: rpDirectory + "/bind.blob")

        // A revoked platform: its messages are refused from then on.
        let revoked = try w.migrate("adom-d", from: "DP", to: "RP")
        try succeed(try revoked.accept(), "accept")
        try succeed(try w.factory.run(["revoke", "--owner", "RP"]), "revoke")
        let fromRevoked = try revoked.proceed()
        #expect(fromRevoked.status != 0 && fromRevoked.stderr.contains("RP is revoked"), "\(fromRevoked.stderr)")
        let toRevoked = try w.factory.run(["migrate", "adom-d", "RP", "--platform-golden", "RP-platform", "--out", w.transport.file("x")])
        #expect(toRevoked.status != 0 && toRevoked.stderr.contains("revoked"), "\(toRevoked.stderr)")
        #expect(try w.status("adom-d", on: "DP") == ("running", true))
    }

    /// The thesis's race: with shared storage, the source must never write the disk once the
    /// destination may; whatever the memory size, the aDom resumes on DP with the disk it left.
    @Test(arguments: [128, 384])
    func sharedStorageHasNoRaceAfterTheRelease(memory: Int) throws {
        let w = try Self.world.get()
        let domain = "adom-shared-\(memory)"
        let disk = w.transport.file("\(domain).img")
        _ = FileManager.default.createFile(atPath: disk, contents: nil)
        try FileHandle(forWritingAtPath: disk)!.truncate(atOffset: 16 << 20)
        try provisioned(w, domain, memory: memory, disk: .shared(disk))
        defer { stop(w, domain) }
        let run = try w.migrate(domain, from: "SP", to: "DP")
        for step in run.steps.prefix(8) { try succeed(try step.run(), step.name) }
        // Released: SP's aDom is paused and stays so while DP starts on the shared disk.
        #expect(try w.status(domain, on: "SP").state != "running")
        try succeed(try run.launch(), "launch")
        Thread.sleep(forTimeInterval: 1)
        #expect(try w.status(domain, on: "SP").state != "running")
        try succeed(try run.finish(), "finish")
        let count = w.lastCount(domain, on: "DP") ?? 0
        try w.waitForCount(domain, on: "DP", atLeast: count + 3)
        #expect(!w.console(domain, on: "DP").contains("DISK-MISMATCH"))
        #expect(!w.console(domain, on: "DP").contains("ADOM start"))
    }

    /// Exactly one platform runs the aDom after a SIGKILL at any step and recovery on both.
    @Test func exactlyOneRunnableADomWhateverStepIsKilled() throws {
        let w = try Self.world.get()
        try provisioned(w, "adom-e", disk: .local)
        defer { stop(w, "adom-e") }
        try expectExactlyOneRunnableAfterKills(w, "adom-e", between: "SP", and: "DP", points: [
            "accept.saved", "send.saved", "send.packed", "commit.written", "commit.counted", "receive.imported", "offer.sealed",
            "check.measured", "release.committed", "launch.started", "launch.committed", "finish.retired",
        ])
    }

    /// The guest's TPM under attack and accident: its server killed at random moments while the
    /// guest writes NV never loses a write the guest was told of, nor corrupts the state; an older
    /// copy of the state is refused; the state opens on no other platform.
    @Test func theGuestTPMKeepsEveryAcknowledgedWriteAndOpensOnlyWhereItIsCurrent() throws {
        let w = try Self.world.get()
        let domain = "adom-g"
        try w.provision(domain, onto: "SP", disk: .none, tpm: "2.0", guestUsesTPM: true, tpmEvery: 1).runAll()
        defer { stop(w, domain) }
        try w.waitForTPMLine(domain, on: "SP", prefix: "ready")
        try w.waitForTPMLine(domain, on: "SP", prefix: "nv ")
        let directory = w.platform("SP").lobotDirectory + "/domains/\(domain)"
        // One round with a real guest (GuestTPMServerTests kills a server a dozen times under a
        // writer that speaks qemu's protocol, in seconds).
        for round in 0..<1 {
            // Kill the server somewhere in the guest's stream of NV writes (one every tick).
            Thread.sleep(forTimeInterval: Double.random(in: 0.1...1.5))
            let pid = try #require(Int32(try String(contentsOfFile: directory + "/tpm.pid", encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)))
            kill(pid, SIGKILL)
            Thread.sleep(forTimeInterval: 1.5)
            let acknowledged = try #require(w.lastNV(domain, on: "SP"))
            let status = try w.statusLine(domain, on: "SP")
            #expect(status.contains("server DEAD"), "round \(round): \(status)")
            // The domain starts again, its TPM server resuming from the last state written.
            try succeed(try w.lobot("SP", ["domain", "stop", "--name", domain]), "domain stop")
            try succeed(try w.lobot("SP", ["domain", "start", "--name", domain]), "domain start")
            try w.waitForTPMLine(domain, on: "SP", prefix: "ready")
            let first = try w.waitForTPMLine(domain, on: "SP", prefix: "nv ")
            let resumed = try #require(Int(first.dropFirst(3))) - 1
            // The write in flight may or may not have been durable; nothing acknowledged is lost.
            #expect(resumed == acknowledged || resumed == acknowledged + 1, "round \(round): acknowledged \(acknowledged), resumed at \(resumed)")
        }
        // An older copy of the LoBot's state (so of the guest's TPM checkpoint) is refused.
        try succeed(try w.lobot("SP", ["domain", "stop", "--name", domain]), "domain stop")
        let state = directory + "/lobot/vtpm.state"
        let older = try Data(contentsOf: URL(fileURLWithPath: state))
        try succeed(try w.lobot("SP", ["domain", "start", "--name", domain]), "domain start")
        try w.waitForTPMLine(domain, on: "SP", prefix: "nv ")
        try succeed(try w.lobot("SP", ["domain", "stop", "--name", domain]), "domain stop")
        let before = try #require(w.lastNV(domain, on: "SP"))
        let current = try Data(contentsOf: URL(fileURLWithPath: state))
        try older.write(to: URL(fileURLWithPath: state))
        let rolledBack = try w.lobot("SP", ["domain", "start", "--name", domain])
        #expect(rolledBack.status == 1 && oneLine(rolledBack) && rolledBack.stderr.contains("rolled back"), "\(rolledBack.stderr)")
        try current.write(to: URL(fileURLWithPath: state))
        // The domain, copied whole to another platform, does not open there: its MSK is bound to SP's TPM.
        let elsewhere = w.platform("XP").lobotDirectory + "/domains/\(domain)"
        try FileManager.default.createDirectory(atPath: elsewhere + "/lobot", withIntermediateDirectories: true)
        for file in ["domain", "lobot/vtpm.state", "lobot/msk.bound"] {
            try FileManager.default.copyItem(atPath: directory + "/" + file, toPath: elsewhere + "/" + file)
        }
        let copied = try w.lobot("XP", ["domain", "start", "--name", domain])
        #expect(copied.status == 1 && oneLine(copied), "\(copied.stderr)")
        #expect(try w.status(domain, on: "XP").state == "off")
        try FileManager.default.removeItem(atPath: elsewhere)
        // The genuine state still starts here, with the NV counter where the guest left it.
        try succeed(try w.lobot("SP", ["domain", "start", "--name", domain]), "domain start")
        let again = try w.waitForTPMLine(domain, on: "SP", prefix: "nv ")
        #expect(try #require(Int(again.dropFirst(3))) == before + 1)
    }

    @Test func aProcessOfOnePlatformCannotSeeTheOthersFiles() throws {
        let w = try Self.world.get()
        let other = w.platform("DP").lobotDirectory
        let result = try w.lobot("SP", ["platform", "counter", "--platform", other])
        #expect(result.status != 0 && result.stderr.contains("not found"), "\(result.stderr)")
    }
}

/// Finds the secrets of a migration (by opening them with the destination's TPM, as only an
/// operator of that platform could) and scans files for them.
enum SecretScan {
    static func files(under root: String) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        var out: [String] = []
        for case let relative as String in walker {
            let path = root + "/" + relative
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
                (try? FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType) == .typeRegular {
                out.append(path)
            }
        }
        return out
    }

    /// Scans every file of both platforms and the transport area for the migration's secrets (the
    /// destination's TPM opens what was bound to it, to know them).
    static func expectNoneInClear(of run: ProtocolRun, world w: MigrationWorld) throws {
        let keys = try keys(of: run, world: w)
        #expect(keys.count >= 7)
        var scanned = 0
        for root in [w.member(run.source).root.path, w.member(run.destination).root.path, w.transport.path] {
            for file in files(under: root) {
                scanned += 1
                guard let bytes = FileManager.default.contents(atPath: file) else { continue }
                for (name, secret) in keys { #expect(!bytesContain([UInt8](bytes), secret), "\(name) in clear in \(file)") }
            }
        }
        #expect(scanned > 20)
    }

    /// MSK, K1 of the LoBot package, the release's key and the aDom key K, and the vTPM's four private keys.
    static func keys(of run: ProtocolRun, world w: MigrationWorld) throws -> [(String, [UInt8])] {
        let scratch = try TemporaryDirectory("lobot-scan")
        func unbind(_ blob: [UInt8]) throws -> [UInt8] {
            let input = try scratch.write("blob", blob)
            let destination = w.member(run.destination)
            try succeed(try destination.lobot(["platform", "unbind", "--platform", destination.lobotDirectory, "--in", input,
                                               "--out", scratch.file("plain")]), "unbind")
            return try scratch.read("plain")
        }
        let directory = w.member(run.destination).lobotDirectory + "/domains/\(run.domain)/lobot"
        let msk = try unbind([UInt8](FileManager.default.contents(atPath: directory + "/msk.bound")!))
        var keys: [(String, [UInt8])] = [("MSK", msk)]
        let package = try Envelope(bytes: [UInt8](FileManager.default.contents(atPath: try #require(run.last["lobot-package"]))!))
        keys.append(("K1", try unbind(try #require(package.wrappedKey))))
        let release = try Envelope(bytes: [UInt8](FileManager.default.contents(atPath: try #require(run.last["release"]))!))
        let releaseKey = try unbind(try #require(release.wrappedKey))
        keys.append(("release K1", releaseKey))
        let body = try AESGCM.open(AESGCM.Sealed(ciphertext: release.body, tag: release.tag), key: releaseKey, nonce: release.iv,
                                   aad: release.headerBytes, what: "release")
        keys.append(("aDom key K", try BytesBody(bytes: body).value))
        let state = try StateFile(bytes: [UInt8](FileManager.default.contents(atPath: directory + "/vtpm.state")!))
        let vtpm = try VTPMState(bytes: try state.open(key: try MasterKey(bytes: msk), path: "state"))
        for (name, der) in [("vTPM EK", vtpm.endorsementKey), ("vTPM SRK", vtpm.storageRootKey), ("vTPM AIK", vtpm.identityKey),
                            ("vTPM bind key", vtpm.bindKey)] {
            keys.append((name, der))
            keys.append((name + " (inner 64 bytes)", Array(der[der.count / 2..<der.count / 2 + 64])))
        }
        // The guest's TPM (its seeds and NV in the permanent state, its PCRs and sessions in the
        // volatile one) never reaches a file in clear either: it is in the checkpoint inside the
        // LoBot's state, or the live file, both encrypted.
        if let guest = vtpm.guestTPM?.blobs {
            for (name, blob) in [("guest TPM permanent state", guest.permanent), ("guest TPM volatile state", guest.volatile)] where blob.count >= 256 {
                keys.append((name + " (inner 64 bytes)", Array(blob[blob.count / 2..<blob.count / 2 + 64])))
            }
        }
        return keys
    }
}

/// The thesis's corrupted vTPM key file: a crash at any moment of a state write (after the new
/// file is durable but before the counter moved, or after the counter moved but before the
/// rename) leaves a state that opens -- the durable new version, completed -- never a broken one.
@Suite struct CrashDuringStateWriteTests {
    @Test(arguments: ["commit.written", "commit.counted"])
    func aKilledWriteLeavesAStateThatOpens(point: String) throws {
        let temp = try TemporaryDirectory("lobot-crash")
        let vtpm = temp.file("vtpm")
        try succeed(try runProcess(try Binaries.lobot(), ["create", "--vtpm", vtpm]), "create")
        let digest = String(repeating: "5a", count: 20)
        let killed = try runProcess(try Binaries.lobot(), ["extend", "--vtpm", vtpm, "--pcr", "10", "--digest", digest],
                                    environment: ["LOBOT_FAILPOINT": point])
        #expect(killed.stderr.contains("failpoint \(point): killing myself") && killed.status == 128 + 9, "\(killed.status) \(killed.stderr)")
        let pcrs = try succeed(try runProcess(try Binaries.lobot(), ["pcrs", "--vtpm", vtpm, "--pcrs", "10"]), "pcrs after the crash")
        // The new state was durable before either point, so the next open completes the commit.
        #expect(pcrs.lowercased().contains("ad16359398418c8dbf89cb49eb833814cdd0f636"), "\(pcrs)")
        let again = try runProcess(try Binaries.lobot(), ["extend", "--vtpm", vtpm, "--pcr", "10", "--digest", digest])
        #expect(again.status == 0, "\(again.stderr)")
    }
}
