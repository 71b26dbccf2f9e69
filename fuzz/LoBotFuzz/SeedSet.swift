// The seed corpus being made: for each target, named inputs (the selector byte first where the
// target has one), each content kept once, written as fuzz/corpus/<target>/<name>.
import Foundation

struct SeedSet {
    /// Seeds larger than this are left out (the corpus stays small; libFuzzer's -max_len follows
    /// the largest seed).
    static let maximumSeed = 16 << 10
    private(set) var seeds: [FuzzTarget: [(name: String, bytes: [UInt8])]] = [:]

    mutating func add(_ target: FuzzTarget, _ selector: Int?, _ name: String, _ bytes: [UInt8]) {
        let input = (selector.map { [UInt8($0)] } ?? []) + bytes
        guard input.count <= Self.maximumSeed else { return }
        var list = seeds[target] ?? []
        guard !list.contains(where: { $0.bytes == input }) else { return }
        var unique = name
        var n = 2
        while list.contains(where: { $0.name == unique }) {
            unique = "\(name)-\(n)"
            n += 1
        }
        list.append((unique, input))
        seeds[target] = list
    }

    /// Replaces each target's corpus directory with the seeds.
    func write(to corpus: String) throws {
        let manager = FileManager.default
        for target in FuzzTarget.allCases {
            let directory = corpus + "/" + target.rawValue
            try? manager.removeItem(atPath: directory)
            try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
            for seed in seeds[target] ?? [] {
                try Data(seed.bytes).write(to: URL(fileURLWithPath: directory + "/" + seed.name))
            }
            print("\(target.rawValue): \((seeds[target] ?? []).count) seeds")
        }
    }
}
