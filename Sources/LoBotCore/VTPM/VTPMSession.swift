// A vTPM opened for use: its directory locked (a second process gets "in use"), its state
// decrypted, and its rollback version checked against the counter. `commit` saves a change
// without a moment where the file on disk is half written or the counter and file disagree in a
// way a crash could not recover from:
//
//   1. write the new state, version v+1, to `vtpm.state.new` and fsync it;
//   2. advance the counter to v+1;
//   3. rename `vtpm.state.new` over `vtpm.state` and fsync the directory.
//
// Opening finishes an interrupted commit: a pending file that authenticates and is exactly one
// version ahead of the state is renamed into place (advancing the counter first if step 2 had
// not happened). Any other pending file is discarded. Then the state's version must equal the
// counter; an older copy of the file is refused as a rollback.

public struct VTPMDirectory: Sendable {
    public let path: String

    public init(_ path: String) { self.path = path }

    public var statePath: String { Files.join(path, "vtpm.state") }
    public var pendingPath: String { Files.join(path, "vtpm.state.new") }
    public var lockPath: String { Files.join(path, "vtpm.lock") }
    /// The rollback counter file when the agent keeps it (no platform TPM counter).
    public var counterPath: String { Files.join(path, "vtpm.counter") }
    /// The MSK in clear (0600), when it is not bound to a platform TPM.
    public var clearKeyPath: String { Files.join(path, "msk") }
}

public struct VTPMSession<Counter: RollbackCounter>: ~Copyable {
    private let lock: FileLock
    public let directory: VTPMDirectory
    public let counter: Counter
    private let msk: MasterKey
    public let vtpm: VTPM
    public private(set) var version: UInt64

    private init(lock: consuming FileLock, directory: VTPMDirectory, counter: Counter, msk: MasterKey, vtpm: VTPM, version: UInt64) {
        self.lock = lock
        self.directory = directory
        self.counter = counter
        self.msk = msk
        self.vtpm = vtpm
        self.version = version
    }

    /// Creates a new vTPM in `directory` (which must hold none) and commits it.
    public static func create(
        directory: VTPMDirectory, msk: MasterKey, counter: Counter, vtpm: VTPM
    ) throws(LoBotError) -> VTPMSession {
        let lock = try FileLock(path: directory.lockPath, subject: directory.path)
        guard !Files.exists(directory.statePath) else { throw .alreadyExists("vTPM state \(directory.statePath)") }
        try Files.remove(directory.pendingPath)
        var session = VTPMSession(
            lock: lock, directory: directory, counter: counter, msk: msk, vtpm: vtpm, version: try counter.read())
        try session.commit()
        return session
    }

    /// Opens the vTPM in `directory`, finishing an interrupted commit if there is one.
    public static func open(directory: VTPMDirectory, msk: MasterKey, counter: Counter) throws(LoBotError) -> VTPMSession {
        guard Files.exists(directory.statePath) || Files.exists(directory.pendingPath) else {
            throw .notFound("vTPM state in \(directory.path)")
        }
        let lock = try FileLock(path: directory.lockPath, subject: directory.path)
        var count = try counter.read()
        var stateFile: StateFile? = nil
        if Files.exists(directory.statePath) {
            stateFile = try StateFile(bytes: try Files.read(directory.statePath, maximum: StateFile.maximumSize))
        }
        let pendingFile = Self.readPending(directory, msk: msk)
        if pendingFile == nil { try Files.remove(directory.pendingPath) }
        if let pending = pendingFile {
            let current = stateFile?.version
            if pending.version == count && (current.map { $0 &+ 1 == count } ?? true) {
                try Files.rename(directory.pendingPath, to: directory.statePath)
                stateFile = pending
            } else if pending.version == count &+ 1 && (current.map { $0 == count } ?? true) {
                count = try counter.increment()
                try Files.rename(directory.pendingPath, to: directory.statePath)
                stateFile = pending
            } else {
                try Files.remove(directory.pendingPath)
            }
        }
        guard let file = stateFile else { throw .notFound("vTPM state \(directory.statePath)") }
        guard file.version == count else {
            throw .rollback(path: directory.statePath, stateVersion: file.version, counter: count)
        }
        let state = try file.open(msk: msk, path: directory.statePath)
        return VTPMSession(lock: lock, directory: directory, counter: counter, msk: msk, vtpm: VTPM(state: state), version: count)
    }

    /// A pending file that parses and authenticates, or nil (none, or a torn write that was
    /// never committed: step 2 only runs after step 1's fsync).
    private static func readPending(_ directory: VTPMDirectory, msk: MasterKey) -> StateFile? {
        guard Files.exists(directory.pendingPath),
            let bytes = try? Files.read(directory.pendingPath, maximum: StateFile.maximumSize),
            let file = try? StateFile(bytes: bytes),
            (try? file.open(msk: msk, path: directory.pendingPath)) != nil
        else { return nil }
        return file
    }

    /// Saves the vTPM's current state as the next version (see the file comment for the order).
    public mutating func commit() throws(LoBotError) {
        let count = try counter.read()
        guard count == version else {
            throw .rollback(path: directory.statePath, stateVersion: version, counter: count)
        }
        let file = try StateFile.seal(vtpm.state, version: version + 1, msk: msk)
        try Files.writeDurably(directory.pendingPath, file.bytes)
        let advanced = try counter.increment()
        guard advanced == version + 1 else {
            throw .rollback(path: directory.statePath, stateVersion: version + 1, counter: advanced)
        }
        try Files.rename(directory.pendingPath, to: directory.statePath)
        version = advanced
    }
}
