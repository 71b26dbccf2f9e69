// A vTPM rooted in a platform TPM: its MSK is bound to the platform's bind key (DIR/msk.bound,
// useless without that TPM) and its rollback version lives in the platform's version store,
// anchored to the TPM's monotonic counter. This is the physical half of the dual root: the
// state opens only on this platform's TPM, and no copy of any file brings an old state back.
import LoBotCore

extension VTPMDirectory {
    /// Creates a vTPM on `platform` (which needs its bind key and counter).
    public func createOnPlatform(_ platform: PlatformDirectory, tpm: PlatformRoot) throws(LoBotError) -> VTPMSession<StoredVersionCounter> {
        try Files.makeDirectory(path, permissions: 0o700, existingOK: true)
        guard !holdsState, !Files.exists(clearKeyPath), !Files.exists(boundKeyPath) else { throw .alreadyExists("a vTPM in \(path)") }
        let store = VersionStore(directory: platform, tpm: tpm)
        try store.createIfMissing()
        let msk = try MasterKey.generate()
        try Files.writeAtomically(boundKeyPath, try platform.bindPublicKey().bind(msk.bytes), permissions: 0o600)
        let vtpm = try VTPM.create()
        return try VTPMSession.create(directory: self, msk: msk, counter: StoredVersionCounter(store: store, id: vtpm.id), vtpm: vtpm)
    }

    /// Opens the vTPM: the platform TPM unbinds its MSK, the version store vouches for its version.
    public func openOnPlatform(_ platform: PlatformDirectory, tpm: PlatformRoot) throws(LoBotError) -> VTPMSession<StoredVersionCounter> {
        guard holdsState else { throw .notFound("vTPM state in \(path)") }
        return try open(platform, tpm: tpm, msk: try masterKey(platform, tpm: tpm))
    }

    /// The MSK, unbound by the platform TPM: for a process that opens the vTPM again and again
    /// (a guest TPM's server, at each checkpoint) without asking the TPM each time.
    public func masterKey(_ platform: PlatformDirectory, tpm: PlatformRoot) throws(LoBotError) -> MasterKey {
        guard Files.exists(boundKeyPath) else { throw .notFound("platform-bound master storage key \(boundKeyPath)") }
        var key = try tpm.unbind(try Files.read(boundKeyPath, maximum: 4096), platform: platform)
        defer { wipe(&key) }
        return try MasterKey(bytes: key)
    }

    /// Opens the vTPM with its MSK already unbound; the version store vouches for its version.
    public func open(_ platform: PlatformDirectory, tpm: PlatformRoot, msk: MasterKey) throws(LoBotError) -> VTPMSession<StoredVersionCounter> {
        guard holdsState else { throw .notFound("vTPM state in \(path)") }
        let id = try AnchoredFile<StoredVersionCounter>.peekIdentity(paths: anchoredPaths)
        let counter = StoredVersionCounter(store: VersionStore(directory: platform, tpm: tpm), id: id)
        return try VTPMSession.open(directory: self, msk: msk, counter: counter)
    }

    /// Whether this vTPM's MSK is bound to a platform TPM.
    public var isPlatformBound: Bool { Files.exists(boundKeyPath) }
}
