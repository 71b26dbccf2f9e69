// Platform TPM benchmark: a whole `lobot platform quote` process against a whole `tpm_getquote`
// process, same TPM (swtpm through LoBot's tcsd), same AIK, same PCRs (0-7, TPM_Quote2 both), 200
// runs each, interleaved.
import Foundation

struct PlatformSuite {
    let lobot: String
    let work: String
    let root: String

    func run(into results: inout ResultsFile) throws {
        let machine = work + "/platform"
        let harness = root + "/scripts/tpm12-platform"
        try? FileManager.default.removeItem(atPath: machine)
        setenv("LOBOT_TCSD", lobot + " tcsd", 1)
        try spawn(harness, ["up", machine, "--watch", "\(getpid())"])
        defer { try? spawn(harness, ["down", machine]) }
        let env = try String(contentsOfFile: machine + "/platform.env", encoding: .utf8)
        for line in env.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2 { setenv(parts[0], parts[1], 1) }
        }
        // One AIK for both: made by tpm_mkaik, registered for tpm_getquote, copied for lobot.
        let tools = work + "/platform-tools"
        let dir = work + "/platform-lobot"
        for path in [tools, dir] {
            try? FileManager.default.removeItem(atPath: path)
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        }
        try spawn("/usr/bin/tpm_mkaik", ["-z", tools + "/aik.blob", tools + "/aik.der"])
        try spawn("/usr/bin/tpm_mkuuid", [tools + "/aik.uuid"])
        try spawn("/usr/bin/tpm_loadkey", [tools + "/aik.blob", tools + "/aik.uuid"])
        try FileManager.default.copyItem(atPath: tools + "/aik.blob", toPath: dir + "/aik.blob")
        let nonce = [UInt8](repeating: 0x5a, count: 20)
        try Data(nonce).write(to: URL(fileURLWithPath: tools + "/nonce"))
        let hex = nonce.map { String(format: "%02x", $0) }.joined()
        let pcrs = (0...7).map(String.init)
        var ours = Samples()
        var theirs = Samples()
        for _ in 0..<200 {
            theirs.add(try Clock.time { try spawn("/usr/bin/tpm_getquote", [tools + "/aik.uuid", tools + "/nonce", tools + "/quote"] + pcrs) })
            ours.add(try Clock.time {
                try spawn(lobot, ["platform", "quote", "--platform", dir, "--pcrs", "0-7", "--nonce", hex, "--out", work + "/pquote", "--form", "quote2"])
            })
        }
        let note = "whole process, swtpm via tcsd, PCRs 0-7, TPM_Quote2, 200 runs; baseline tpm_getquote"
        results.record(ResultRow(metric: "platform quote latency, lobot, median", value: ours.median * 1e3, unit: "ms",
                                 baseline: theirs.median * 1e3, ratio: ours.median / theirs.median, note: note))
        results.record(ResultRow(metric: "platform quote latency, lobot, p99", value: ours.p99 * 1e3, unit: "ms",
                                 baseline: theirs.p99 * 1e3, ratio: ours.p99 / theirs.p99, note: note))
    }
}
