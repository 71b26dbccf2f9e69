// A quote made by the static `lobot` is verified by `lobot-factory`, which replays the vTPM's
// event log to explain every quoted PCR; tampering with any input is refused.
import Foundation
import LoBotCore
import Testing
import TestSupport

@Suite struct FactoryVerifyTests {
    @Test func factoryVerifiesAgentQuoteAndReplaysLog() throws {
        let vtpm = try VTPMUnderTest(.binary)
        try vtpm.create()
        let kernel = try vtpm.temp.write("vmlinuz", VTPMScenarioTests.kernel)
        _ = try vtpm.measure(4, file: kernel)
        let nonce = try TPMNonce.random()
        let quotePath = vtpm.temp.file("q")
        try vtpm.lobot(["quote", "--pcrs", "0-7", "--nonce", nonce.hex, "--out", quotePath])
        try vtpm.lobot(["pubkey", "--key", "aik", "--out", vtpm.temp.file("aik")])
        try vtpm.lobot(["log", "--out", vtpm.temp.file("log")])

        let factory = try Binaries.factory()
        let ok = try runProcess(factory, ["verify-quote", "--aik", vtpm.temp.file("aik"), "--nonce", nonce.hex,
                                          "--quote", quotePath, "--log", vtpm.temp.file("log"), "--json"])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout.contains("\"replay_matches\":true"))
        #expect(ok.stdout.contains("\"value\":\"f1e946b3a1a2f44e7a223b3d7e978705e5a9a545\",\"events\":[\"measure a97032b0e667f495b7ff413f1d9cf54678ca718dc0a01830e50263f608255e40 vmlinuz\"]"))

        // A log that does not lead to the quoted values is refused.
        _ = try vtpm.extend(4, .ones, name: "later")
        try vtpm.lobot(["log", "--out", vtpm.temp.file("log2")])
        let stale = try runProcess(factory, ["verify-quote", "--aik", vtpm.temp.file("aik"), "--nonce", nonce.hex,
                                             "--quote", quotePath, "--log", vtpm.temp.file("log2")])
        #expect(stale.status != 0)
        #expect(stale.stderr == "Error: PCR values do not match: the event log does not replay to the quoted PCR values\n")

        // Another nonce is refused.
        let replay = try runProcess(factory, ["verify-quote", "--aik", vtpm.temp.file("aik"), "--nonce", String(repeating: "00", count: 20),
                                              "--quote", quotePath])
        #expect(replay.status != 0)
        #expect(replay.stderr.hasPrefix("Error: refused as stale or replayed: quote nonce is \(nonce.hex)"))
    }
}
