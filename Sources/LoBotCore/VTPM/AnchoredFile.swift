// A state file anchored to a monotonic counter: its version must equal the counter, so an older
// copy is refused as a rollback. It is locked while open (a second process gets "in use"), and
// `commit` saves a change without a moment where a crash leaves nothing to recover from:
//
//   1. write the new contents, version v+1, to PATH.new and fsync it;
//   2. advance the counter to v+1;
//   3. rename PATH.new over PATH and fsync the directory.
//
// Opening finishes an interrupted commit: a pending file that authenticates and is exactly one
// version ahead is renamed into place (advancing the counter first if step 2 had not happened).
// Any other pending file is discarded. Then the version must equal the counter.

public struct AnchoredPaths: Sendable {
    public let file: String
    public let lock: String
    /// What the file is, for messages ("vTPM state" and the directory, say).
    public let subject: String

    public init(file: String, lock: String, subject: String) {
        self.file = file
        self.lock = lock
        self.subject = subject
    }

    public var pending: String { file + ".new" }
}

public struct AnchoredFile<Counter: RollbackCounter>: ~Copyable {
    private let lock: FileLock
    public let paths: AnchoredPaths
    public let counter: Counter
    private let key: MasterKey
    public let kind: StateFile.Kind
    public let id: [UInt8]
    public private(set) var version: UInt64

    private init(lock: consuming FileLock, paths: AnchoredPaths, counter: Counter, key: MasterKey, kind: StateFile.Kind,
                 id: [UInt8], version: UInt64) {
        self.lock = lock
        self.paths = paths
        self.counter = counter
        self.key = key
        self.kind = kind
        self.id = id
        self.version = version
    }

    /// Creates the file (none may exist) with `contents` and commits it.
    public static func create(paths: AnchoredPaths, key: MasterKey, counter: Counter, kind: StateFile.Kind, id: [UInt8],
                              contents: [UInt8]) throws(LoBotError) -> AnchoredFile {
        let lock = try FileLock(path: paths.lock, subject: paths.subject)
        guard !Files.exists(paths.file) else { throw .alreadyExists("\(kind.name) \(paths.file)") }
        try Files.remove(paths.pending)
        var file = AnchoredFile(lock: lock, paths: paths, counter: counter, key: key, kind: kind, id: id, version: try counter.read())
        try file.commit(contents: contents)
        return file
    }

    /// The identity in an existing file's header (authenticated later, when it is opened).
    public static func peekIdentity(paths: AnchoredPaths) throws(LoBotError) -> [UInt8] {
        let path = Files.exists(paths.file) ? paths.file : paths.pending
        guard Files.exists(path) else { throw .notFound("state in \(paths.subject)") }
        return try StateFile(bytes: try Files.read(path, maximum: StateFile.maximumSize)).id
    }

    /// Opens the file, finishing an interrupted commit; its decrypted contents go to `contents`
    /// (the caller wipes them).
    public static func open(paths: AnchoredPaths, key: MasterKey, counter: Counter, kind: StateFile.Kind,
                            contents: inout [UInt8]) throws(LoBotError) -> AnchoredFile
    {
        guard Files.exists(paths.file) || Files.exists(paths.pending) else { throw .notFound("\(kind.name) in \(paths.subject)") }
        let lock = try FileLock(path: paths.lock, subject: paths.subject)
        var count = try counter.read()
        var current: StateFile? = nil
        if Files.exists(paths.file) {
            current = try StateFile(bytes: try Files.read(paths.file, maximum: StateFile.maximumSize))
        }
        let pending = readPending(paths, key: key, expected: current)
        if pending == nil { try Files.remove(paths.pending) }
        if let pending {
            let committed = current?.version
            if pending.version == count && (committed.map { $0 &+ 1 == count } ?? true) {
                try Files.rename(paths.pending, to: paths.file)
                current = pending
            } else if pending.version == count &+ 1 && (committed.map { $0 == count } ?? true) {
                count = try counter.increment()
                try Files.rename(paths.pending, to: paths.file)
                current = pending
            } else {
                try Files.remove(paths.pending)
            }
        }
        guard let file = current else { throw .notFound("\(kind.name) \(paths.file)") }
        guard file.kind == kind else { throw .invalidArgument("\(paths.file) is a \(file.kind.name), not a \(kind.name)") }
        guard file.version == count else {
            throw .rollback(path: paths.file, stateVersion: file.version, counter: count)
        }
        contents = try file.open(key: key, path: paths.file)
        return AnchoredFile(lock: lock, paths: paths, counter: counter, key: key, kind: kind, id: file.id, version: count)
    }

    /// A pending file that parses, authenticates and belongs with the current file, or nil (none,
    /// or a torn write that was never committed: step 2 only runs after step 1's fsync).
    private static func readPending(_ paths: AnchoredPaths, key: MasterKey, expected: StateFile?) -> StateFile? {
        guard Files.exists(paths.pending),
            let bytes = try? Files.read(paths.pending, maximum: StateFile.maximumSize),
            let file = try? StateFile(bytes: bytes),
            expected.map({ $0.id == file.id && $0.kind == file.kind }) ?? true,
            var plain = try? file.open(key: key, path: paths.pending)
        else { return nil }
        wipe(&plain)
        return file
    }

    /// The next version with `contents`, sealed but neither written nor counted: step 1 of a
    /// commit for a writer that hands the file to whoever holds the real path (the LoBot VM).
    /// Written as the pending file there, it is finished by the next open, which advances the
    /// counter (the "step 2 had not happened" case above).
    public func sealNext(contents: [UInt8]) throws(LoBotError) -> StateFile {
        try StateFile.seal(contents, kind: kind, id: id, version: version &+ 1, key: key)
    }

    /// Saves `contents` as the next version (see the file comment for the order).
    public mutating func commit(contents: [UInt8]) throws(LoBotError) {
        let count = try counter.read()
        guard count == version else {
            throw .rollback(path: paths.file, stateVersion: version, counter: count)
        }
        let file = try sealNext(contents: contents)
        try Files.writeDurably(paths.pending, file.bytes)
        Failpoints.hit("commit.written")
        let advanced: UInt64
        do throws(LoBotError) {
            advanced = try counter.increment()
        } catch {
            // A refused increment (a wrong counter secret, say) left the counter where it was: the
            // new version was never committed and its file goes. If the counter moved, or cannot be
            // read, the file stays for the next open to finish the commit.
            if let now = try? counter.read(), now == version { _ = try? Files.remove(paths.pending) }
            throw error
        }
        guard advanced == version &+ 1 else {
            throw .rollback(path: paths.file, stateVersion: version &+ 1, counter: advanced)
        }
        Failpoints.hit("commit.counted")
        try Files.rename(paths.pending, to: paths.file)
        version = advanced
    }
}
