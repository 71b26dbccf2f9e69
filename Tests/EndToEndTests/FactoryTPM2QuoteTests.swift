// `lobot-factory verify-quote` on a TPM 2.0 quote made by real components: a fresh swtpm --tpm2,
// an AK from tpm2_createak, PCR 16 extended by tpm2_pcrextend, tpm2_quote with the test's nonce
// (on scripts/tpm2-platform's swtpm). The factory accepts it as tpm2-tools wrote it, replays a crypto-agile log
// against it, refuses another nonce, a changed message and a log that does not replay with exit
// status 1, and SHA-256 bank golden values recorded from the quote match
// it while ones from another TPM's quote (the fixture's) do not.
import Foundation
import LoBotCore
import Testing
import TestSupport

@Suite struct FactoryTPM2QuoteTests {
    @Test func factoryVerifiesWhatTpm2QuoteMade() throws {
        let temp = try TemporaryDirectory("lobot-tpm2-quote")
        let out = temp.file("quote")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let nonce = (0..<24).map { _ in UInt8.random(in: 0...255) }  // TPM 2.0: any length 1-64
        let extend = [UInt8](repeating: 0xcd, count: 32)
        // As a tpm2-tools user makes a quote: an RSASSA AK under the persistent EK, PCR 16 extended,
        // tpm2_quote; transient objects flushed between tools (no resource manager before swtpm).
        let platform = try TPM2TestPlatform()
        for arguments in [
            ["tpm2_createak", "-C", "0x81010001", "-c", "ak.ctx", "-G", "rsa", "-g", "sha256", "-s", "rsassa", "-u", "ak.pub"],
            ["tpm2_pcrextend", "16:sha256=" + Hex.string(extend)],
            ["tpm2_quote", "-c", "ak.ctx", "-l", "sha256:0,16,23", "-q", Hex.string(nonce), "-g", "sha256",
             "-m", "quote.msg", "-s", "quote.sig", "-o", "quote.pcrs"],
        ] {
            try succeed(try platform.run("/usr/bin/" + arguments[0], Array(arguments.dropFirst()), in: out), arguments[0])
            try succeed(try platform.run("/usr/bin/tpm2_flushcontext", ["-t"]), "tpm2_flushcontext")
        }
        let files = ["--aik", out + "/ak.pub", "--message", out + "/quote.msg", "--signature", out + "/quote.sig", "--pcrs", out + "/quote.pcrs"]

        // tpm2_quote's PCR file reads as LoBot writes it, byte for byte.
        let pcrBytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: out + "/quote.pcrs")))
        #expect(try TPM2PCRFile(bytes: pcrBytes).bytes == pcrBytes)

        let factory = try Binaries.factory()
        let ok = try runProcess(factory, ["verify-quote"] + files + ["--nonce", Hex.string(nonce)])
        #expect(ok.status == 0, "\(ok.stderr)")
        let pcr16 = try Digest.sha256([UInt8](repeating: 0, count: 32) + extend)
        #expect(ok.stdout.hasPrefix("quote by a TPM 2.0, SHA-256 bank\nPCR-00: \(String(repeating: "0", count: 64))\nPCR-16: \(Hex.string(pcr16))\nPCR-23: "))
        #expect(ok.stdout.hasSuffix("quote verified\n"))

        // A crypto-agile log of the one extend replays to the quoted PCRs; one of another digest does not.
        for (digest, replays) in [(extend, true), ([UInt8](repeating: 0xab, count: 32), false)] {
            let log = CryptoAgileEventLog(banks: [.sha256], events: [AgileEvent(pcr: 16, type: 0x0d, digests: [(.sha256, digest)], data: [])])
            let path = try temp.write(replays ? "good.log" : "bad.log", log.bytes)
            let result = try runProcess(factory, ["verify-quote"] + files + ["--nonce", Hex.string(nonce), "--log", path])
            if replays {
                #expect(result.status == 0 && result.stdout.hasSuffix("quote verified; event log replays to the quoted PCRs\n"), "\(result.stderr)")
            } else {
                #expect(result.status == 1)
                #expect(result.stderr == "Error: PCR values do not match: the event log does not replay to the quoted PCR values\n")
            }
        }

        // Another nonce: refused, exit status 1.
        var other = nonce
        other[0] ^= 1
        let replay = try runProcess(factory, ["verify-quote"] + files + ["--nonce", Hex.string(other)])
        #expect(replay.status == 1)
        #expect(replay.stderr == "Error: refused as stale or replayed: quote nonce is \(Hex.string(nonce)), expected \(Hex.string(other))\n")

        // One bit of the message changed (the last byte of its PCR digest): refused, exit status 1.
        var message = [UInt8](try Data(contentsOf: URL(fileURLWithPath: out + "/quote.msg")))
        message[message.count - 1] ^= 0x01
        try Data(message).write(to: URL(fileURLWithPath: temp.file("tampered.msg")))
        let tampered = try runProcess(factory, ["verify-quote", "--aik", out + "/ak.pub", "--message", temp.file("tampered.msg"),
                                                "--signature", out + "/quote.sig", "--pcrs", out + "/quote.pcrs", "--nonce", Hex.string(nonce)])
        #expect(tampered.status == 1)
        #expect(tampered.stderr.hasPrefix("Error: TPM 2.0 signature failed authentication"), "\(tampered.stderr)")

        // Golden values of the SHA-256 bank, recorded from this quote, match it; the fixture
        // TPM's (PCR 16 extended with 32 x 0xab, not 0xcd) do not.
        let lab = try FactoryUnderTest()
        try succeed(try lab.run(group: "golden", ["record-tpm2", "--name", "tpm2-good", "--only", "0,16"] + files + ["--nonce", Hex.string(nonce)]))
        let fixtures = Binaries.packageRoot + "/Tests/LoBotCoreTests/Fixtures/tpm2/"
        try succeed(try lab.run(group: "golden", ["record-tpm2", "--name", "tpm2-other", "--only", "0,16", "--aik", fixtures + "ak.pub", "--message", fixtures + "quote.msg",
                                 "--signature", fixtures + "quote.sig", "--pcrs", fixtures + "quote.pcrs",
                                 "--nonce", String(repeating: "11", count: 32)]))
        let golden = try lab.run(["verify-quote", "--golden", "tpm2-good"] + files + ["--nonce", Hex.string(nonce), "--json"])
        #expect(golden.status == 0, "\(golden.stderr)")
        #expect(golden.stdout.contains("\"family\":\"TPM 2.0, SHA-256 bank\""))
        let mismatch = try lab.run(["verify-quote", "--golden", "tpm2-other"] + files + ["--nonce", Hex.string(nonce)])
        #expect(mismatch.status == 1)
        #expect(mismatch.stderr == "Error: PCR values do not match: the quoted sha256 PCR 16 differs from golden values tpm2-other\n")
    }
}
