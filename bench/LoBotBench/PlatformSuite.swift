// Platform TPM benchmark: a whole `lobot platform quote` process against a whole `tpm_getquote`
// process, same TPM (swtpm through LoBot's tcsd), same AIK, same PCRs (0-7, TPM_Quote2 both),
// interleaved. The AIK is made and certified the way LoBot's are (`lobot platform enroll`, the
// factory's privacy CA, `lobot platform activate`: LoBot quotes only with a key shaped as it
// makes them), then registered for tpm_getquote with tpm_loadkey. The same on a TPM 2.0 (swtpm
// --tpm2): `lobot platform quote` against `tpm2_quote`, the same enrolled AK, loaded for tpm2-tools
// under the same storage primary and made persistent (lobot makes the primary and loads the AK
// from its blob in every process; tpm2_quote finds it in the TPM), the SHA-256 PCRs 0-7.
import Foundation
import LoBotCore
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
        try runTPM2(into: &results)
    }

    func runTPM2(into results: inout ResultsFile) throws {
        let factory = try FactoryUnderTest()
        let platform = try TPM2TestPlatform()
        try factory.enroll(platform, as: "bench-tpm2")
        let tools = platform.root.file("tools")
        try FileManager.default.createDirectory(atPath: tools, withIntermediateDirectories: true)
        // The AK's blob is TPM2B_PRIVATE then TPM2B_PUBLIC: tpm2_load's two files, under the primary
        // LoBot makes (its template with the 256 zero bytes of unique data), then persistent.
        let blob = try TPM2KeyBlob(bytes: try platform.root.read("lobot/aik.blob"))
        try Data(blob.privatePart.bytes).write(to: URL(fileURLWithPath: tools + "/ak.priv"))
        try Data(blob.publicPart.bytes).write(to: URL(fileURLWithPath: tools + "/ak.pub"))
        // tpm2-tools reads the unique field as its C union: a TPM2B_PUBLIC_KEY_RSA, size little-endian.
        try Data([0x00, 0x01] + [UInt8](repeating: 0, count: 256)).write(to: URL(fileURLWithPath: tools + "/unique"))
        for arguments in [
            ["tpm2_createprimary", "-C", "o", "-G", "rsa2048:null:aes128cfb", "-g", "sha256", "-u", "unique", "-c", "primary.ctx",
             "-a", "fixedtpm|fixedparent|sensitivedataorigin|userwithauth|noda|restricted|decrypt"],
            ["tpm2_load", "-C", "primary.ctx", "-u", "ak.pub", "-r", "ak.priv", "-c", "ak.ctx"],
            ["tpm2_evictcontrol", "-C", "o", "-c", "ak.ctx", "0x81010100"],
        ] {
            try succeed(try platform.run("/usr/bin/" + arguments[0], Array(arguments.dropFirst()), in: tools), arguments[0])
            try succeed(try platform.run("/usr/bin/tpm2_flushcontext", ["-t"]), "tpm2_flushcontext")
        }
        let hex = String(repeating: "5a", count: 20)
        var ours = Samples()
        var theirs = Samples()
        for _ in 0..<sizes.quoteRuns {
            theirs.add(try Clock.time {
                try succeed(try platform.run("/usr/bin/tpm2_quote", ["-c", "0x81010100", "-l", "sha256:0,1,2,3,4,5,6,7", "-q", hex,
                                                                     "-m", "quote.msg", "-s", "quote.sig", "-o", "quote.pcrs"], in: tools),
                            "tpm2_quote")
            })
            ours.add(try Clock.time {
                try succeed(try platform.lobot(["platform", "quote", "--platform", platform.lobotDirectory, "--pcrs", "0-7", "--nonce", hex,
                                                "--out", tools + "/pquote"]), "lobot platform quote")
            })
        }
        let note = "whole process, swtpm --tpm2 (TCP), SHA-256 PCRs 0-7, the same AK (LoBot's, enrolled); baseline tpm2_quote, the AK persistent"
        results.record("TPM 2.0 platform quote latency, lobot", ours, scale: 1e3, "ms", baseline: theirs, note: note)
        results.record("TPM 2.0 platform quote latency, lobot, p99", ours.p99 * 1e3, "ms", baseline: theirs.p99 * 1e3,
                       note: "\(ours.count) runs each")
    }
}
