// A version store change made where the platform's files are not: in the LoBot VM, which holds
// the platform TPM while the host's tcsd is stopped (a TPM has one user at a time). The VM works
// on a copy of the store and does not move the TPM counter for its change: it seals the next
// version and hands it back, and the host installs it as the store's pending commit, which the
// next open of the store finishes (AnchoredFile: a pending file one version ahead of the counter
// advances it). So a VM that dies, or a host killed before it installs the files, leaves the
// store as it was, anchored to a counter that never moved; and a host killed after the install
// leaves a commit that any later open completes.
//
// The one counter move a VM may make is finishing a pending commit it was given (the host's own
// crash, or an earlier hand-over no open has finished yet); it then returns the store file it
// committed, which is byte for byte that pending file, and the host puts it in place first.
import LoBotCore

extension VersionStore {
    /// What the VM hands back: the adopted vTPM's version, the store file it started from (after
    /// finishing any pending commit), and the next version to install as pending.
    public struct PreparedAdoption: Sendable {
        public let version: UInt64
        public let committed: [UInt8]
        public let pending: [UInt8]
    }

    /// `adopt(id:)` on the VM's copy of the store, without moving the counter for it.
    public func prepareAdoption(id: [UInt8]) throws(LoBotError) -> PreparedAdoption {
        var plain: [UInt8] = []
        defer { wipe(&plain) }
        let file = try AnchoredFile.open(paths: paths, key: try key(), counter: try TPMCounter(tpm: tpm, directory: directory),
                                         kind: .versionStore, contents: &plain)
        var table = try VersionTable(bytes: plain)
        let version = try table.adopt(id: id)
        let pending = try file.sealNext(contents: table.bytes)
        let committed = try Files.read(paths.file, maximum: StateFile.maximumSize)
        _ = consume file
        return PreparedAdoption(version: version, committed: committed, pending: pending.bytes)
    }

    /// The store's lock, held by the host for a whole hand-over so that nothing else changes the
    /// store between the copy the VM gets and the install.
    public static func lock(_ directory: PlatformDirectory) throws(LoBotError) -> FileLock {
        let paths = paths(directory)
        return try FileLock(path: paths.lock, subject: paths.subject)
    }

    /// The host's half (holding `lock`): checks that the VM started from this platform's store
    /// (its file, or its pending commit, which the VM then finished) and that the pending file is
    /// the next version of it; puts the committed file in place if the VM finished a commit, then
    /// the pending file. Needs no TPM.
    public static func installPrepared(committed: [UInt8], pending: [UInt8], directory: PlatformDirectory) throws(LoBotError) {
        let paths = paths(directory)
        let current = Files.exists(paths.file) ? try Files.read(paths.file, maximum: StateFile.maximumSize) : []
        let waiting = Files.exists(paths.pending) ? try Files.read(paths.pending, maximum: StateFile.maximumSize) : []
        guard committed == current || (!waiting.isEmpty && committed == waiting) else {
            throw .invalidArgument("the LoBot VM returned a version store this platform never had")
        }
        let base = try StateFile(bytes: committed)
        let next = try StateFile(bytes: pending)
        guard base.kind == .versionStore, next.kind == .versionStore, next.id == base.id, next.version == base.version &+ 1 else {
            throw .invalidArgument("the LoBot VM returned a version store change that does not follow this platform's store")
        }
        if committed != current { try Files.writeAtomically(paths.file, committed) }
        try Files.writeAtomically(paths.pending, pending)
    }
}
