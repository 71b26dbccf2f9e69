// Foundation benchmarks: `lobot measure` throughput on a 1 GiB file against `openssl dgst
// -sha256` on the same file in the same run, and vTPM extend/quote/seal/unseal latency over
// 1,000 runs each, in process (LoBotCore) and through the `lobot` binary (which also loads,
// decrypts and, for extend, commits the state file each time).
import Foundation
import LoBotCore

struct VTPMSuite {
    let lobot: String
    let work: String

    func run(into results: inout ResultsFile) throws {
        try measureThroughput(into: &results)
        try inProcessLatency(into: &results)
        try commandLatency(into: &results)
    }

    /// A 1 GiB file of random bytes, made once and reused.
    func bigFile() throws -> String {
        let path = work + "/measure-1gib.bin"
        let size = 1 << 30
        if let attributes = try? FileManager.default.attributesOfItem(atPath: path), (attributes[.size] as? Int) == size {
            return path
        }
        print("  making a 1 GiB test file")
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw BenchError(description: "cannot create \(path)")
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        let chunkSize = 1 << 24
        for _ in 0..<(size / chunkSize) { handle.write(Data(try SecureRandom.bytes(chunkSize))) }
        try handle.close()
        return path
    }

    func measureThroughput(into results: inout ResultsFile) throws {
        let file = try bigFile()
        let vtpm = work + "/measure-vtpm"
        try? FileManager.default.removeItem(atPath: vtpm)
        try spawn(lobot, ["create", "--vtpm", vtpm])
        let openssl = "/usr/bin/openssl"
        // Warm the page cache, then alternate the two, 5 runs each; take the median.
        try spawn(openssl, ["dgst", "-sha256", file])
        var ours = Samples()
        var theirs = Samples()
        for _ in 0..<5 {
            theirs.add(try Clock.time { try spawn(openssl, ["dgst", "-sha256", file]) })
            ours.add(try Clock.time { try spawn(lobot, ["measure", "--vtpm", vtpm, "--pcr", "8", file]) })
        }
        let mib = Double(1 << 30) / 1_048_576
        let lobotRate = mib / ours.median
        let opensslRate = mib / theirs.median
        results.record(ResultRow(
            metric: "lobot measure throughput, 1 GiB file", value: lobotRate, unit: "MiB/s", baseline: opensslRate,
            ratio: lobotRate / opensslRate, note: "baseline: openssl dgst -sha256, same file, page cache warm; median of 5"))
    }

    func inProcessLatency(into results: inout ResultsFile) throws {
        let vtpm = try VTPM.create()
        let selection = try PCRSelection(Array(0...7))
        let nonce = try TPMNonce.random()
        let payload = [UInt8](repeating: 0x42, count: 32)
        let blob = try vtpm.seal(payload, selection: selection)
        func sample(_ name: String, _ body: () throws(LoBotError) -> Void) throws {
            var samples = Samples()
            for _ in 0..<1000 {
                let start = Clock.now()
                try body()
                samples.add(Clock.now() - start)
            }
            results.record(ResultRow(metric: "vTPM \(name) latency, in process, median", value: samples.median * 1e6, unit: "µs",
                                     note: "LoBotCore, 1,000 runs"))
            results.record(ResultRow(metric: "vTPM \(name) latency, in process, p99", value: samples.p99 * 1e6, unit: "µs",
                                     note: "LoBotCore, 1,000 runs"))
        }
        try sample("extend") { () throws(LoBotError) in _ = try vtpm.extend(pcr: 9, digest: .ones, name: "bench") }
        try sample("quote") { () throws(LoBotError) in _ = try vtpm.quote(selection: selection, nonce: nonce) }
        try sample("seal") { () throws(LoBotError) in _ = try vtpm.seal(payload, selection: selection) }
        try sample("unseal") { () throws(LoBotError) in _ = try vtpm.unseal(blob) }
    }

    func commandLatency(into results: inout ResultsFile) throws {
        let vtpm = work + "/latency-vtpm"
        try? FileManager.default.removeItem(atPath: vtpm)
        try spawn(lobot, ["create", "--vtpm", vtpm])
        let payload = work + "/payload"
        try Data(repeating: 0x42, count: 32).write(to: URL(fileURLWithPath: payload))
        let sealed = work + "/payload.sealed"
        try spawn(lobot, ["seal", "--vtpm", vtpm, "--pcrs", "0-7", "--in", payload, "--out", sealed])
        let nonce = String(repeating: "5a", count: 20)
        let commands: [(String, [String])] = [
            ("extend", ["extend", "--vtpm", vtpm, "--pcr", "9", "--digest", String(repeating: "ff", count: 20)]),
            ("quote", ["quote", "--vtpm", vtpm, "--pcrs", "0-7", "--nonce", nonce, "--out", work + "/quote"]),
            ("seal", ["seal", "--vtpm", vtpm, "--pcrs", "0-7", "--in", payload, "--out", work + "/sealed2"]),
            ("unseal", ["unseal", "--vtpm", vtpm, "--in", sealed, "--out", work + "/unsealed"]),
        ]
        for (name, arguments) in commands {
            var samples = Samples()
            for _ in 0..<1000 { samples.add(try Clock.time { try spawn(lobot, arguments) }) }
            let note = name == "extend" ? "whole lobot process: open, decrypt, extend, commit (3 fsyncs); 1,000 runs"
                                        : "whole lobot process: open, decrypt, operate; 1,000 runs"
            results.record(ResultRow(metric: "lobot \(name) command latency, median", value: samples.median * 1e3, unit: "ms", note: note))
            results.record(ResultRow(metric: "lobot \(name) command latency, p99", value: samples.p99 * 1e3, unit: "ms", note: note))
        }
    }
}
