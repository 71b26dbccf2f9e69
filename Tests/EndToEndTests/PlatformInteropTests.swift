// LoBot and tpm-quote-tools understand each other's quotes on a real TPM 1.2: a quote made by
// `lobot` verifies with tpm_verifyquote (through the minimal-DER AIK file LoBot's patched libtspi
// writes), and a quote made by tpm_getquote verifies with `lobot-factory`. Also: the platform
// counter, and a vTPM rooted in the platform TPM.
import Foundation
import LoBotCore
import Testing
import TestSupport

@Suite(.serialized) struct PlatformInteropTests {
    final class World: @unchecked Sendable {
        let factory: FactoryUnderTest
        let platform: TestPlatform

        init() throws {
            factory = try FactoryUnderTest()
            platform = try TestPlatform(ekCertificate: false)
            try factory.enroll(platform, as: "interop")
            try factory.registerBindKey(platform, as: "interop")
        }
    }

    static let world = SharedFixture { try World() }
    static func shared() throws -> World { try world.get() }

    @Test func lobotQuoteVerifiesWithTpmVerifyquote() throws {
        let w = try Self.shared()
        let nonce = try TPMNonce.random()
        let tools = w.platform.root.file("tools")
        try succeed(try w.platform.lobot(["platform", "quote", "--platform", w.platform.lobotDirectory, "--pcrs", "0-7,10",
                                          "--nonce", nonce.hex, "--out", w.platform.root.file("q2"), "--tpm-quote-tools", tools]))
        let verified = try w.platform.run("/usr/bin/tpm_verifyquote", ["aik.der", "pcrhash", "nonce", "quote"], in: tools)
        #expect(verified.status == 0, "\(verified.stderr)")
        // tpm_verifyquote itself refuses a different nonce.
        try Data(try TPMNonce.random().value).write(to: URL(fileURLWithPath: tools + "/nonce"))
        let wrong = try w.platform.run("/usr/bin/tpm_verifyquote", ["aik.der", "pcrhash", "nonce", "quote"], in: tools)
        #expect(wrong.status != 0)
        // The AIK file is minimal DER, as OpenSSL 3 requires.
        let der = try [UInt8](Data(contentsOf: URL(fileURLWithPath: tools + "/aik.der")))
        #expect(Array(der.prefix(14)) == hexBytes("3082012a 020101 020102 0202011c"))
    }

    @Test func tpmGetquoteVerifiesWithTheFactory() throws {
        let w = try Self.shared()
        let dir = w.platform.root.file("tqt")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        func tool(_ name: String, _ arguments: [String]) throws {
            try succeed(try w.platform.run("/usr/bin/" + name, arguments, in: dir), name)
        }
        try tool("tpm_mkaik", ["-z", "aik.blob", "aik.der"])
        try tool("tpm_mkuuid", ["aik.uuid"])
        try tool("tpm_loadkey", ["aik.blob", "aik.uuid"])
        let nonce = try TPMNonce.random()
        try Data(nonce.value).write(to: URL(fileURLWithPath: dir + "/nonce"))
        try tool("tpm_getpcrhash", ["aik.uuid", "pcrhash", "pcrvals", "0", "1", "2", "3", "10"])
        try tool("tpm_getquote", ["aik.uuid", "nonce", "quote", "0", "1", "2", "3", "10"])
        // The stock tpm_mkaik DER file (padded INTEGERs) and the key blob both name the AIK.
        for aik in ["aik.der", "aik.blob"] {
            let result = try runProcess(try Binaries.factory(), ["verify-quote", "--aik", dir + "/" + aik, "--pcr-hash", dir + "/pcrhash",
                                                                 "--signature", dir + "/quote", "--nonce", nonce.hex])
            #expect(result.status == 0, "\(aik): \(result.stderr)")
            #expect(result.stdout.hasSuffix("quote verified\n"))
        }
        let replay = try runProcess(try Binaries.factory(), ["verify-quote", "--aik", dir + "/aik.der", "--pcr-hash", dir + "/pcrhash",
                                                             "--signature", dir + "/quote", "--nonce", try TPMNonce.random().hex])
        #expect(replay.status != 0)
        #expect(replay.stderr == "Error: quote signature failed authentication: altered, or not made for this key\n")
    }

    /// Key blobs changed in the fields swtpm answers with TPM_AUTHFAIL at TPM_LoadKey2 (the thorough
    /// tamper matrix found each) are refused before they reach the TPM; after 30 of them, six times
    /// the TPM's lockout threshold, the genuine keys still load.
    @Test func keyBlobsNotShapedAsLoBotMakesThemNeverReachTheTPM() throws {
        let w = try Self.shared()
        let nonce = try TPMNonce.random().hex
        let bindKey = ["platform", "bind-key", "--platform", w.platform.lobotDirectory, "--nonce", nonce,
                       "--out", w.platform.root.file("reshaped"), "--signing-out", w.platform.root.file("reshaped-signing")]
        // (byte, bit) of the TPM_KEY: keyUsage; keyFlags bits 0-4; authDataUsage 01 -> 11; encScheme; sigScheme; keyLength.
        let flips = [(5, 1), (9, 0), (9, 1), (9, 2), (9, 3), (9, 4), (10, 4), (16, 0), (18, 0), (25, 3)]
        for name in ["bind.blob", "aik.blob", "signing.blob"] {
            let path = w.platform.lobotDirectory + "/" + name
            let genuine = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            defer { try? Data(genuine).write(to: URL(fileURLWithPath: path)) }
            for (byte, bit) in flips {
                var changed = genuine
                changed[byte] ^= 1 << bit
                try Data(changed).write(to: URL(fileURLWithPath: path))
                let result = try w.platform.lobot(bindKey)
                #expect(result.status == 1 && result.stderr.contains("is not shaped as LoBot makes it"), "\(name) byte \(byte) bit \(bit): \(result.stderr)")
            }
        }
        try succeed(try w.platform.lobot(bindKey), "bind-key with the genuine blobs")
    }

    @Test func platformCounterOnlyGoesUp() throws {
        let w = try Self.shared()
        let directory = w.platform.lobotDirectory
        func counter(_ flag: [String]) throws -> Int {
            let out = try succeed(try w.platform.lobot(["platform", "counter", "--platform", directory] + flag))
            return Int(out.split(separator: " ").last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? -1
        }
        if !FileManager.default.fileExists(atPath: directory + "/counter") { _ = try counter(["--create"]) }
        let start = try counter([])
        #expect(try counter(["--increment"]) == start + 1)
        #expect(try counter(["--increment"]) == start + 2)
        #expect(try counter([]) == start + 2)
        let again = try w.platform.lobot(["platform", "counter", "--platform", directory, "--create"])
        #expect(again.status == 1)
        #expect(again.stderr == "lobot: platform counter \(directory)/counter already exists\n")
    }

    @Test func anotherCounterMovedThisBootIsExplained() throws {
        // TPM 1.2 lets one monotonic counter move per boot. If something else moves another
        // counter, LoBot's commits stop with a clear reason until the platform restarts.
        let platform = try TestPlatform(ekCertificate: false)
        try succeed(try platform.lobot(["platform", "counter", "--platform", platform.root.file("mine"), "--create"]))
        try succeed(try platform.lobot(["platform", "counter", "--platform", platform.root.file("other"), "--create"]))
        try succeed(try platform.lobot(["platform", "counter", "--platform", platform.root.file("other"), "--increment"]))
        let blocked = try platform.lobot(["platform", "counter", "--platform", platform.root.file("mine"), "--increment"])
        #expect(blocked.status == 1)
        #expect(blocked.stderr.contains("another monotonic counter was incremented since this TPM started"))
        try platform.reboot()
        try succeed(try platform.lobot(["platform", "counter", "--platform", platform.root.file("mine"), "--increment"]))
    }

    @Test func vtpmRootedInThePlatformTPM() throws {
        let w = try Self.shared()
        let platform = w.platform.lobotDirectory
        let vtpm = w.platform.root.file("vtpm")
        if !FileManager.default.fileExists(atPath: platform + "/counter") {
            try succeed(try w.platform.lobot(["platform", "counter", "--platform", platform, "--create"]))
        }
        try succeed(try w.platform.lobot(["create", "--vtpm", vtpm, "--platform", platform]))
        #expect(!FileManager.default.fileExists(atPath: vtpm + "/msk"))
        #expect(FileManager.default.fileExists(atPath: vtpm + "/msk.bound"))
        let digest = String(repeating: "5a", count: 20)
        try succeed(try w.platform.lobot(["extend", "--vtpm", vtpm, "--platform", platform, "--pcr", "3", "--digest", digest]))
        let oldState = try Data(contentsOf: URL(fileURLWithPath: vtpm + "/vtpm.state"))
        let oldStore = try Data(contentsOf: URL(fileURLWithPath: platform + "/versions"))
        try succeed(try w.platform.lobot(["counter", "--vtpm", vtpm, "--platform", platform, "--increment"]))
        let currentStore = try Data(contentsOf: URL(fileURLWithPath: platform + "/versions"))
        // Put the platform's store back at the end: the other tests share this platform.
        defer { try? currentStore.write(to: URL(fileURLWithPath: platform + "/versions")) }
        // The state alone rolled back: refused.
        try oldState.write(to: URL(fileURLWithPath: vtpm + "/vtpm.state"))
        let stateOnly = try w.platform.lobot(["pcrs", "--vtpm", vtpm, "--platform", platform])
        #expect(stateOnly.status == 1)
        #expect(stateOnly.stderr.hasSuffix("vtpm.state is rolled back: version 2, counter says 3\n"))
        // The state and the platform's version store rolled back together: the TPM counter refuses.
        try oldStore.write(to: URL(fileURLWithPath: platform + "/versions"))
        let both = try w.platform.lobot(["pcrs", "--vtpm", vtpm, "--platform", platform])
        #expect(both.status == 1)
        #expect(both.stderr.contains("/versions is rolled back"))
        // Without --platform the vTPM does not open at all.
        let noPlatform = try runProcess(try Binaries.lobot(), ["pcrs", "--vtpm", vtpm])
        #expect(noPlatform.stderr == "lobot: pcrs: option --platform DIR is required (or set LOBOT_PLATFORM) (see lobot pcrs --help)\n")
    }

    @Test func vtpmDoesNotOpenOnAnotherPlatform() throws {
        let w = try Self.shared()
        let platform = w.platform.lobotDirectory
        if !FileManager.default.fileExists(atPath: platform + "/counter") {
            try succeed(try w.platform.lobot(["platform", "counter", "--platform", platform, "--create"]))
        }
        let vtpm = w.platform.root.file("vtpm-moved")
        try succeed(try w.platform.lobot(["create", "--vtpm", vtpm, "--platform", platform]))
        // Another machine with a copy of every file of this platform's LoBot directory.
        let other = try TestPlatform(ekCertificate: false)
        let moved = try other.lobot(["pcrs", "--vtpm", vtpm, "--platform", platform])
        #expect(moved.status == 1)
        #expect(moved.stderr.hasPrefix("lobot: failed to load the bind key with the platform TPM"))
    }
}
