// Foundation benchmarks: `lobot measure` throughput on a 1 GiB file (64 MiB in the smoke run)
// against `openssl dgst -sha256` on the same file in the same run, and vTPM extend/quote/seal/
// unseal latency over 1,000 runs each (50 and 20 in the smoke run), in process (LoBotCore) and
// through the `lobot` binary (which also loads, decrypts and, for extend, commits the state file
// each time).
import Foundation
import LoBotCore

struct VTPMSuite {
    let lobot: String
    let work: String
    let sizes: BenchSizes

    func run(into results: inout ResultsFile) throws {
        try measureThroughput(into: &results)
        try inProcessLatency(into: &results)
        try commandLatency(into: &results)
    }

    /// A file of random bytes (1 GiB, or 64 MiB in the smoke run), made once and reused.
    func bigFile() throws -> String {
        let size = sizes.measureFileBytes
        let path = work + "/measure-\(size >> 20)mib.bin"
        if let attributes = try? FileManager.default.attributesOfItem(atPath: path), (attributes[.size] as? Int) == size {
            return path
        }
        print("  making a \(size >> 20) MiB test file")
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
        // Warm the page cache, then alternate the two; the rate of each run, its median.
        try spawn(openssl, ["dgst", "-sha256", file])
        var ours = Samples()
        var theirs = Samples()
        let mib = Double(sizes.measureFileBytes) / 1_048_576
        for _ in 0..<sizes.measureRuns {
            theirs.add(mib / (try Clock.time { try spawn(openssl, ["dgst", "-sha256", file]) }))
            ours.add(mib / (try Clock.time { try spawn(lobot, ["measure", "--vtpm", vtpm, "--pcr", "8", file]) }))
        }
        results.record("lobot measure throughput, \(sizes.measureFileBytes >> 20) MiB file", ours, scale: 1, "MiB/s", baseline: theirs,
                       note: "baseline: openssl dgst -sha256, same file, page cache warm, runs alternated")
    }

    func inProcessLatency(into results: inout ResultsFile) throws {
        let vtpm = try VTPM.create()
        let selection = try PCRSelection(Array(0...7))
        let nonce = try TPMNonce.random()
        let payload = [UInt8](repeating: 0x42, count: 32)
        let blob = try vtpm.seal(payload, selection: selection)
        func sample(_ name: String, _ body: () throws(LoBotError) -> Void) throws {
            var samples = Samples()
            for _ in 0..<sizes.inProcessRuns {
                let start = Clock.now()
                try body()
                samples.add(Clock.now() - start)
            }
            results.record("vTPM \(name) latency, in process", samples, scale: 1e6, "µs", note: "LoBotCore")
            results.record("vTPM \(name) latency, in process, p99", samples.p99 * 1e6, "µs", note: "LoBotCore, \(samples.count) runs")
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
            for _ in 0..<sizes.commandRuns { samples.add(try Clock.time { try spawn(lobot, arguments) }) }
            let note = name == "extend" ? "whole lobot process: open, decrypt, extend, commit (3 fsyncs)"
                                        : "whole lobot process: open, decrypt, operate"
            results.record("lobot \(name) command latency", samples, scale: 1e3, "ms", note: note)
            results.record("lobot \(name) command latency, p99", samples.p99 * 1e3, "ms", note: note + ", \(samples.count) runs")
        }
    }
}
