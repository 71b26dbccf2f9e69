// LSM on TPM 2.0 platforms against TPM 1.2 ones, measured in the same run: the same 128 MiB aDom
// (filling most of its memory with random data, its disk travelling with it), freshly provisioned
// for each run, moved by LSM between two TPM 1.2 platforms (swtpm + tcsd each) and between two
// TPM 2.0 platforms (swtpm --tpm2 each, reached on its socket), LoBot_D as a host process. Reported,
// medians of the runs with their spread, TPM 2.0 against the TPM 1.2 baseline: the whole LSM's wall
// time (every step, the courier's copies included, as the migration suite times it) and each step
// that works the destination's TPM (accept: two certifications; receive: unbinds, the counter,
// PCR 6, a quote; check and launch: unbinds and the counter), without the courier's copies.
import Foundation
import TestSupport

struct FamilySuite {
    let sizes: BenchSizes

    static let tpmSteps = ["accept", "receive", "check", "launch"]

    func run(into results: inout ResultsFile) throws {
        let world = try MigrationWorld(names: ["SP", "DP", "S2", "D2"], tpm2: ["S2", "D2"])
        world.hidesOtherPlatforms = false
        var wall: [Bool: Samples] = [false: Samples(), true: Samples()]
        var steps: [Bool: [String: Samples]] = [false: [:], true: [:]]
        for run in 1...sizes.migrationRuns {
            for (source, destination, tpm2) in [("SP", "DP", false), ("S2", "D2", true)] {
                let domain = "family-\(tpm2 ? "tpm2" : "tpm12")-\(run)"
                print("  128 MiB aDom between TPM \(tpm2 ? "2.0" : "1.2") platforms, run \(run) of \(sizes.migrationRuns)")
                try world.provision(domain, onto: source, memory: 128, disk: .local).runAll()
                try world.waitForCount(domain, on: source, atLeast: 3, seconds: 900)
                defer { _ = try? world.lobot(destination, ["domain", "stop", "--name", domain]) }
                sync()
                let timed = try MigrationSuite.timedLSM(world, try world.migrate(domain, from: source, to: destination))
                wall[tpm2]!.add(timed.wall)
                for step in timed.steps where Self.tpmSteps.contains(step.name) { steps[tpm2]![step.name, default: Samples()].add(step.seconds) }
                print("    LSM \(String(format: "%.2f", timed.wall)) s: "
                      + timed.steps.map { String(format: "%@ %.2f", $0.name, $0.seconds) }.joined(separator: ", "))
            }
        }
        let runs = "median of \(sizes.migrationRuns) runs, each a freshly provisioned aDom"
        results.record("LSM wall time, 128 MiB aDom: TPM 2.0 platforms vs TPM 1.2", wall[true]!, scale: 1, "s", baseline: wall[false]!,
                       note: "\(runs); every step and copy, 13a; baseline: the same between two TPM 1.2 platforms (swtpm + tcsd)")
        for step in Self.tpmSteps {
            guard let samples = steps[true]![step], let baseline = steps[false]![step] else { continue }
            results.record("LSM step \(step): TPM 2.0 vs TPM 1.2", samples, scale: 1, "s", baseline: baseline,
                           note: "wall time without the courier's copies; baseline: the TPM 1.2 destination's")
        }
    }
}
