// A vTPM opened for use: its state file (an AnchoredFile: locked, versioned against a rollback
// counter, committed atomically) decrypted into a VTPM.

public struct VTPMDirectory: Sendable {
    public let path: String

    public init(_ path: String) { self.path = path }

    public var statePath: String { Files.join(path, "vtpm.state") }
    public var pendingPath: String { statePath + ".new" }
    public var lockPath: String { Files.join(path, "vtpm.lock") }
    /// The rollback counter file when the agent keeps it (no platform TPM counter).
    public var counterPath: String { Files.join(path, "vtpm.counter") }
    /// The MSK in clear (0600), when it is not bound to a platform TPM.
    public var clearKeyPath: String { Files.join(path, "msk") }
    /// The MSK bound to the platform's bind key (TPM_BOUND_DATA), when it is.
    public var boundKeyPath: String { Files.join(path, "msk.bound") }

    public var anchoredPaths: AnchoredPaths { AnchoredPaths(file: statePath, lock: lockPath, subject: path) }

    /// Every file of a vTPM whose MSK is bound to a platform: its state, an interrupted commit of
    /// it, its bound MSK and its lock (what removing it removes).
    public var platformBoundFiles: [String] { [statePath, pendingPath, boundKeyPath, lockPath] }

    /// Whether a vTPM (or an interrupted first commit of one) is here.
    public var holdsState: Bool { Files.exists(statePath) || Files.exists(pendingPath) }
}

public struct VTPMSession<Counter: RollbackCounter>: ~Copyable {
    private var file: AnchoredFile<Counter>
    public let directory: VTPMDirectory
    public let vtpm: VTPM

    public var version: UInt64 { file.version }
    public var counter: Counter { file.counter }

    /// Creates a new vTPM in `directory` (which must hold none) and commits it.
    public static func create(directory: VTPMDirectory, msk: MasterKey, counter: Counter, vtpm: VTPM) throws(LoBotError) -> VTPMSession {
        var plain = vtpm.state.bytes
        defer { wipe(&plain) }
        let file = try AnchoredFile.create(paths: directory.anchoredPaths, key: msk, counter: counter, kind: .vtpmState,
                                           id: vtpm.id, contents: plain)
        return VTPMSession(file: file, directory: directory, vtpm: vtpm)
    }

    /// Opens the vTPM in `directory`, finishing an interrupted commit if there is one.
    public static func open(directory: VTPMDirectory, msk: MasterKey, counter: Counter) throws(LoBotError) -> VTPMSession {
        guard directory.holdsState else { throw .notFound("vTPM state in \(directory.path)") }
        var plain: [UInt8] = []
        defer { wipe(&plain) }
        let file = try AnchoredFile.open(paths: directory.anchoredPaths, key: msk, counter: counter, kind: .vtpmState, contents: &plain)
        let state = try VTPMState(bytes: plain)
        guard state.id == file.id else { throw .authentication(what: "vTPM state \(directory.statePath) (identity differs from its header)") }
        return VTPMSession(file: file, directory: directory, vtpm: VTPM(state: state))
    }

    private init(file: consuming AnchoredFile<Counter>, directory: VTPMDirectory, vtpm: VTPM) {
        self.file = file
        self.directory = directory
        self.vtpm = vtpm
    }

    /// Saves the vTPM's current state as the next version.
    public mutating func commit() throws(LoBotError) {
        var plain = vtpm.state.bytes
        defer { wipe(&plain) }
        try file.commit(contents: plain)
    }
}
