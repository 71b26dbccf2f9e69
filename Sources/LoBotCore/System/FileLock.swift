// An exclusive flock(2) on a lock file beside a vTPM state, held for as long as the value lives.
// The lock is on its own file, never renamed, so an atomic rename of the state cannot slip a
// second writer past it.

public struct FileLock: ~Copyable {
    private let descriptor: FileDescriptor

    /// Takes the lock or throws `.inUse(subject)` at once; never waits.
    public init(path: String, subject: String) throws(LoBotError) {
        let fd = try FileDescriptor(opening: path, .readWriteCreate, permissions: 0o600)
        guard try fd.tryLockExclusive() else { throw .inUse(path: subject) }
        descriptor = fd
    }
}
