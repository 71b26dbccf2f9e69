// Time for deadlines and pauses: monotonic milliseconds, and a pause that a signal does not cut
// short. Polling loops (a child starting, qemu quitting, a migration finishing) wait with these.
import CLibC

/// Milliseconds of monotonic time, for deadlines and the boot's timing.
public func monotonicMilliseconds() -> Int {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Int(ts.tv_sec) * 1000 + Int(ts.tv_nsec) / 1_000_000
}

/// Milliseconds of CPU time, user and system, of this process and its children waited for.
public func cpuMilliseconds() -> Int { Int(lobot_cpu_milliseconds()) }

public enum Clock {
    /// How often a wait for another process polls (a process gone, a pid file written, a socket
    /// bound, a migration completed): a syscall or two per poll, and each wait then ends within
    /// 2 ms of what it waits for. Several such waits sit inside an aDom's downtime.
    public static let pollMilliseconds = 2

    /// nanosleep(2) for `milliseconds`, resumed with the time left when a signal interrupts it.
    /// Its only other failure, EINVAL, needs a negative time, and a negative pause is none.
    public static func pause(milliseconds: Int) {
        guard milliseconds > 0 else { return }
        var request = timespec(tv_sec: milliseconds / 1000, tv_nsec: (milliseconds % 1000) * 1_000_000)
        var left = timespec()
        while nanosleep(&request, &left) != 0 && lobot_errno() == EINTR { request = left }
    }
}
