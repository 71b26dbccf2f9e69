// An exclusive flock(2) on a lock file beside a vTPM state, held for as long as the value lives.
// The lock is on its own file, never renamed, so an atomic rename of the state cannot slip a
// second writer past it.
//
// A lock taken with flock belongs to the open file description, and a process that forks a
// child (any multithreaded program starting a subprocess) lends the child that description
// until the child's exec closes it. So a lock just released can look held for a few
// microseconds; the lock is retried for up to `grace` before "in use" is reported.
import CLibC

public struct FileLock: ~Copyable {
    private let descriptor: FileDescriptor
    /// How long a held lock is retried before the holder is reported.
    public static let grace: Int = 200  // milliseconds

    /// Takes the lock or throws `.inUse(subject)` after the grace period; never waits longer.
    public init(path: String, subject: String) throws(LoBotError) {
        let fd = try FileDescriptor(opening: path, .readWriteCreate, permissions: 0o600)
        var waited = 0
        while try !fd.tryLockExclusive() {
            guard waited < Self.grace else { throw .inUse(path: subject) }
            var pause = timespec(tv_sec: 0, tv_nsec: 5_000_000)
            _ = nanosleep(&pause, nil)
            waited += 5
        }
        descriptor = fd
    }
}
