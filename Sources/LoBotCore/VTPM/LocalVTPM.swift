// A vTPM whose MSK is kept in its own directory (file `msk`, mode 0600) and whose rollback
// counter is a file beside the state: the stand-alone form, before a platform TPM binds the MSK
// and counts versions. The agent's commands and the tests both create and open vTPMs here.

extension VTPMDirectory {
    public var localCounter: FileRollbackCounter { FileRollbackCounter(path: counterPath) }

    /// Makes the directory (0700) and a new vTPM in it with a fresh MSK and counter.
    public func createLocal() throws(LoBotError) -> VTPMSession<FileRollbackCounter> {
        try Files.makeDirectory(path, permissions: 0o700, existingOK: true)
        guard !Files.exists(statePath), !Files.exists(clearKeyPath), !Files.exists(counterPath) else {
            throw .alreadyExists("a vTPM in \(path)")
        }
        let msk = try MasterKey.generate()
        try Files.writeAtomically(clearKeyPath, msk.bytes, permissions: 0o600)
        let counter = try FileRollbackCounter.create(path: counterPath)
        return try VTPMSession.create(directory: self, msk: msk, counter: counter, vtpm: try VTPM.create())
    }

    /// Opens the vTPM with the MSK from the directory.
    public func openLocal() throws(LoBotError) -> VTPMSession<FileRollbackCounter> {
        guard Files.exists(statePath) || Files.exists(pendingPath) else { throw .notFound("vTPM state in \(path)") }
        guard Files.exists(clearKeyPath) else { throw .notFound("master storage key \(clearKeyPath)") }
        var bytes = try Files.read(clearKeyPath, maximum: 64)
        defer { wipe(&bytes) }
        return try VTPMSession.open(directory: self, msk: try MasterKey(bytes: bytes), counter: localCounter)
    }
}
