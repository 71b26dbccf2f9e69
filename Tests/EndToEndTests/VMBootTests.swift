// The LoBot VM for real: baked by the factory, booted under qemu (TCG here; KVM where it boots)
// with a swtpm TPM 1.2 that is an enrolled platform's TPM, the agent as PID 1 measuring itself
// and its domain files, binding vTPM and platform PCR 6, quoting both, and powering off; the
// factory then decides on the evidence. Every boot has a deadline and qemu is always reaped.
import Foundation
import LoBotCore
import Testing
import TestSupport

@Suite(.serialized) struct VMBootTests {
    /// An enrolled platform (TPM 1.2 here, TPM 2.0 in TPM2VMBootTests) with a counter, version
    /// store and bind key; a LoBot made for it; a baked image; the platform's swtpm (and tcsd)
    /// stopped so the VM's can have its state.
    final class World: @unchecked Sendable {
        let factory: FactoryUnderTest
        let platform: any LoBotVMHost
        let platformName: String
        let lobotName: String
        let image: String
        let golden: String

        init(_ platform: any LoBotVMHost, as name: String, lobot: String) throws {
            factory = try FactoryUnderTest()
            self.platform = platform
            platformName = name
            lobotName = lobot
            try factory.enroll(platform, as: name)
            try factory.registerBindKey(platform, as: name)
            try succeed(try platform.lobot(["platform", "counter", "--platform", platform.lobotDirectory, "--create"]))
            image = factory.temp.file("image")
            let baked = try succeed(try factory.run(["bake", "--agent", try Binaries.lobot(), "--out", image, "--json"]), "bake")
            guard let fields = try JSONSerialization.jsonObject(with: Data(baked.utf8)) as? [String: Any],
                let name = fields["golden"] as? String
            else { throw TestSupportError.failed("bake printed no golden name: \(baked)") }
            golden = name
            try succeed(try factory.run(group: "lobot", ["new", "--name", lobot, "--platform", platformName, "--out", factory.temp.file("vtpm")]))
            try platform.stop()
        }

        /// Boots `image` with fresh nonces; returns the launch's outcome, result file and nonces.
        func boot(image: String? = nil, extra: [String] = []) throws -> (launch: ProcessResult, result: String, nonces: (String, String)) {
            let platformNonce = try factory.nonce(for: platformName, purpose: "quote")
            let vtpmNonce = try factory.nonce(for: lobotName, purpose: "quote")
            let result = factory.temp.file("result-\(platformNonce.prefix(8))")
            var arguments = ["platform", "launch", "--platform", platform.lobotDirectory, "--vtpm", factory.temp.file("vtpm"),
                             "--image-dir", image ?? self.image, "--platform-nonce", platformNonce, "--vtpm-nonce", vtpmNonce,
                             "--out", result, "--timeout", "120", "--console", result + ".console"] + platform.vmArguments
            if !extra.contains("--no-tpm") { arguments += ["--tpm-state", platform.tpmState] }
            let launch = try runProcess(try Binaries.lobot(), arguments + extra)
            // qemu and swtpm are gone when launch returns: nothing of the VM is left running.
            #expect(try runProcess("/usr/bin/pgrep", ["-f", "tpmstate dir=\(platform.tpmState) --ctrl"]).stdout.isEmpty)
            return (launch, result, (platformNonce, vtpmNonce))
        }

        func verify(_ result: String, nonces: (String, String), image golden: String? = nil) throws -> ProcessResult {
            try factory.run(["verify-boot", "--result", result, "--platform", platformName, "--lobot", lobotName,
                             "--lobot-golden", golden ?? self.golden, "--platform-nonce", nonces.0, "--vtpm-nonce", nonces.1])
        }
    }

    static let world = SharedFixture { try World(try TestPlatform(ekCertificate: false), as: "vm-platform", lobot: "vm-lobot") }
    static func shared() throws -> World { try world.get() }

    @Test func twoBakesOfTheSameInputsAreByteIdentical() throws {
        let w = try Self.shared()
        let again = w.factory.temp.file("image-again")
        try succeed(try w.factory.run(["bake", "--agent", try Binaries.lobot(), "--out", again]))
        for file in ["vmlinuz", "initrd.img", "cmdline", "image.golden", "image.events"] {
            let first = try Data(contentsOf: URL(fileURLWithPath: w.image + "/" + file))
            let second = try Data(contentsOf: URL(fileURLWithPath: again + "/" + file))
            #expect(first == second, "\(file) differs between two bakes")
        }
        let size = try FileManager.default.attributesOfItem(atPath: w.image + "/initrd.img")[.size] as? Int ?? .max
        #expect(size <= 4 << 20, "initramfs is \(size) bytes, over 4 MiB")
    }

    @Test func correctBootIsTrusted() throws {
        let w = try Self.shared()
        let domain = w.factory.temp.file("disk.img")
        let content = Data((0..<3_000_001).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        try content.write(to: URL(fileURLWithPath: domain))
        let (launch, result, nonces) = try w.boot(extra: ["--domain", domain])
        #expect(launch.status == 0, "\(launch.stderr)")
        let verdict = try w.verify(result, nonces: nonces)
        #expect(verdict.status == 0, "\(verdict.stderr)")
        #expect(verdict.stdout.hasPrefix("trusted: vm-lobot booted \(w.golden) on vm-platform"))
        // The domain file was measured as it is.
        let parsed = try BootResult(bytes: [UInt8](try Data(contentsOf: URL(fileURLWithPath: result))))
        #expect(parsed.domains.count == 1)
        #expect(parsed.domains.first?.sha256 == (try Digest.sha256([UInt8](content))))
        #expect(parsed.domains.first?.size == 3_000_001)
        // The console shows one line from the agent and the kernel powering off.
        let console = try String(contentsOfFile: result + ".console", encoding: .utf8)
        #expect(console.contains("lobot: measured and quoted in"))
        #expect(console.contains("reboot: Power down"))
    }

    @Test func tamperedImageIsRefusedByTheFactory() throws {
        let w = try Self.shared()
        // One byte of the agent changed, in a help text so the binary still runs.
        let tampered = try Binaries.tamperedLoBot(at: w.factory.temp.file("lobot-tampered"))
        let tamperedImage = w.factory.temp.file("image-tampered")
        let baked = try succeed(try w.factory.run(["bake", "--agent", tampered, "--out", tamperedImage]))
        // The bake predicts a different PCR 0.
        let original = try GoldenRecord(bytes: [UInt8](try Data(contentsOf: URL(fileURLWithPath: w.image + "/image.golden"))))
        let changed = try GoldenRecord(bytes: [UInt8](try Data(contentsOf: URL(fileURLWithPath: tamperedImage + "/image.golden"))))
        #expect(original.values.values[0] != changed.values.values[0])
        #expect(original.values.values[1] == changed.values.values[1])
        #expect(baked.contains("PCR-00: \(changed.values.values[0].hex)"))
        // It boots and quotes, but the factory, expecting the baked image, refuses it.
        let (launch, result, nonces) = try w.boot(image: tamperedImage)
        #expect(launch.status == 0, "\(launch.stderr)")
        let verdict = try w.verify(result, nonces: nonces)
        #expect(verdict.status != 0)
        #expect(verdict.stderr == "Error: PCR values do not match: PCRs 0 differ from golden values \(w.golden)\n")
    }

    @Test func corruptDomainStopsTheBootWithOneLine() throws {
        let w = try Self.shared()
        let domain = w.factory.temp.file("state.bin")
        try Data(repeating: 0x42, count: 100_000).write(to: URL(fileURLWithPath: domain))
        // The platform was told to expect another digest for this domain file.
        let (launch, result, _) = try w.boot(extra: ["--domain", domain + "@" + String(repeating: "ab", count: 32)])
        #expect(launch.status == 1)
        #expect(launch.stderr == "lobot: LoBot VM failed: domain state.bin (its SHA-256 is not the one expected) failed authentication: altered, or not made for this key (result written to \(result))\n")
        let parsed = try BootResult(bytes: [UInt8](try Data(contentsOf: URL(fileURLWithPath: result))))
        #expect(!parsed.succeeded && parsed.platformQuote == nil && parsed.vtpmQuote == nil)
        let console = try String(contentsOfFile: result + ".console", encoding: .utf8)
        #expect(console.contains("lobot: boot failed: domain state.bin"))
        #expect(console.contains("reboot: Power down"))
    }

    @Test func noTPMStopsTheBootWithOneLine() throws {
        let w = try Self.shared()
        let (launch, result, _) = try w.boot(extra: ["--no-tpm"])
        #expect(launch.status == 1)
        #expect(launch.stderr == "lobot: LoBot VM failed: no TPM: this VM has no /dev/tpm0 (attach the platform's TPM) (result written to \(result))\n")
        let console = try String(contentsOfFile: result + ".console", encoding: .utf8)
        #expect(console.contains("lobot: boot failed: no TPM"))
        #expect(console.contains("reboot: Power down"))
    }
}
