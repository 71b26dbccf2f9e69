// Clocks and statistics for the benchmarks: monotonic wall time, child CPU time, medians,
// quartiles and 99th percentiles, and a posix_spawn runner cheap enough to time short commands.
import Foundation
import TestSupport

enum Clock {
    static func now() -> Double { monotonicSeconds() }

    /// Seconds `body` takes.
    static func time(_ body: () throws -> Void) rethrows -> Double {
        let start = now()
        try body()
        return now() - start
    }
}

struct Samples {
    private(set) var values: [Double] = []

    mutating func add(_ value: Double) { values.append(value) }

    /// The p-th percentile, interpolated linearly between the two nearest samples (so the median
    /// of an even count is the mean of the middle two).
    func percentile(_ p: Double) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        let position = p / 100 * Double(sorted.count - 1)
        let below = Int(position.rounded(.down))
        let above = min(below + 1, sorted.count - 1)
        return sorted[below] + (sorted[above] - sorted[below]) * (position - Double(below))
    }

    var count: Int { values.count }
    var median: Double { percentile(50) }
    var p99: Double { percentile(99) }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
}

/// Runs a command with posix_spawn, output discarded; throws if it fails.
func spawn(_ path: String, _ arguments: [String], quiet: Bool = true) throws {
    var pid = pid_t()
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    if quiet { posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0) }
    let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
    defer { for pointer in argv { free(pointer) } }
    let rc = posix_spawn(&pid, path, &actions, nil, argv, environ)
    guard rc == 0 else { throw BenchError(description: "cannot run \(path): \(String(cString: strerror(rc)))") }
    var status: Int32 = 0
    waitpid(pid, &status, 0)
    guard status == 0 else { throw BenchError(description: "\(path) \(arguments.joined(separator: " ")) failed (status \(status))") }
}
