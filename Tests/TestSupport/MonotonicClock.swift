// CLOCK_MONOTONIC in seconds, the clock lobot's phase times are on (monotonicMilliseconds): the
// courier's copies (MigrationWorld) and the bench's timings read it, so their times compare.
import Foundation

public func monotonicSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}
