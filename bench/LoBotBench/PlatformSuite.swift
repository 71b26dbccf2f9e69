// Platform TPM benchmark: a whole `lobot platform quote` process against a whole `tpm_getquote`
// process, same TPM (swtpm through LoBot's tcsd), same AIK, same PCRs (0-7, TPM_Quote2 both),
// interleaved. The AIK is made and certified the way LoBot's are (`lobot platform enroll`, the
// factory's privacy CA, `lobot platform activate`: LoBot quotes only with a key shaped as it
// makes them), then registered for tpm_getquote with tpm_loadkey.
import Foundation
import TestSupport

struct PlatformSuite {
    let lobot: String
    let sizes: BenchSizes

    func run(into results: inout ResultsFile) throws {
        let factory = try FactoryUnderTest()
        let platform = try TestPlatform(ekCertificate: false)
        try factory.enroll(platform, as: "bench-platform")
        let tools = platform.root.file("tools")
        try FileManager.default.createDirectory(atPath: tools, withIntermediateDirectories: true)
        try succeed(try platform.run("/usr/bin/tpm_mkuuid", [tools + "/aik.uuid"]), "tpm_mkuuid")
        try succeed(try platform.run("/usr/bin/tpm_loadkey", [platform.lobotDirectory + "/aik.blob", tools + "/aik.uuid"]),
                    "tpm_loadkey of LoBot's AIK")
        let nonce = [UInt8](repeating: 0x5a, count: 20)
        try Data(nonce).write(to: URL(fileURLWithPath: tools + "/nonce"))
        let hex = nonce.map { String(format: "%02x", $0) }.joined()
        let pcrs = (0...7).map(String.init)
        var ours = Samples()
        var theirs = Samples()
        for _ in 0..<sizes.quoteRuns {
            theirs.add(try Clock.time {
                try succeed(try platform.run("/usr/bin/tpm_getquote", [tools + "/aik.uuid", tools + "/nonce", tools + "/quote"] + pcrs), "tpm_getquote")
            })
            ours.add(try Clock.time {
                try succeed(try platform.lobot(["platform", "quote", "--platform", platform.lobotDirectory, "--pcrs", "0-7", "--nonce", hex,
                                                "--out", tools + "/pquote", "--form", "quote2"]), "lobot platform quote")
            })
        }
        let note = "whole process, swtpm via tcsd, PCRs 0-7, TPM_Quote2, the same AIK (LoBot's, enrolled); baseline tpm_getquote"
        results.record("platform quote latency, lobot", ours, scale: 1e3, "ms", baseline: theirs, note: note)
        results.record("platform quote latency, lobot, p99", ours.p99 * 1e3, "ms", baseline: theirs.p99 * 1e3,
                       note: "\(ours.count) runs each")
    }
}
