// The guest TPM's live file (DIR/guest-tpm.live beside the LoBot's vtpm.state): the state after the
// guest's latest NVRAM change, written atomically and fsynced before the guest is answered, so a
// crash at any moment loses nothing the guest was told is durable. It is valid only together with
// the checkpoint of its epoch inside the LoBot's state: a checkpoint starts a new epoch, after
// which every live file of an older one is stale. Its key is derived from the MSK and the epoch
// (HMAC-SHA256(MSK, "LoBot guest TPM live state" || vTPM id || epoch)), so each epoch's writes are
// under their own key and a file of one LoBot never opens with another's.
//
// The rollback guarantee this gives, and its limit: the checkpoint is anchored to the platform
// TPM's counter, the live file is not (a counter move per NVRAM write would wear out and throttle
// the counter). Whoever can replace the platform's files and make the server restart before the
// next checkpoint can hand it an older live file of the same epoch: the writes since that copy are
// lost. Nothing older than the last checkpoint can be brought back.

public struct GuestTPMLiveFile: Sendable {
    public let path: String
    /// The LoBot (vTPM identity) the file belongs to.
    public let vtpmID: [UInt8]

    public init(path: String, vtpmID: [UInt8]) {
        self.path = path
        self.vtpmID = vtpmID
    }

    static let label: [UInt8] = Array("LoBot guest TPM live state".utf8)

    /// The epoch's key.
    public static func key(msk: MasterKey, vtpmID: [UInt8], epoch: UInt64) throws(LoBotError) -> MasterKey {
        var writer = ByteWriter()
        writer.write(label)
        writer.write(vtpmID)
        writer.write(epoch)
        var derived = try HMAC.authenticate(writer.bytes, key: msk.bytes, algorithm: .sha256)
        defer { wipe(&derived) }
        return try MasterKey(bytes: derived)
    }

    /// Writes `state` as the live state of `epoch`: whole or not at all, durable when it returns.
    public func write(_ state: GuestTPMLiveState, epoch: UInt64, msk: MasterKey) throws(LoBotError) {
        var plain = state.bytes
        defer { wipe(&plain) }
        let file = try StateFile.seal(plain, kind: .guestTPMLive, id: vtpmID, version: epoch,
                                      key: try Self.key(msk: msk, vtpmID: vtpmID, epoch: epoch))
        try Files.writeAtomically(path, file.bytes, permissions: 0o600)
    }

    /// The live state of `epoch`, or nil when there is none (no file, or one of an older epoch,
    /// which is removed). A file of this epoch that does not open, or of a later epoch than the
    /// checkpoint's, is refused: it was altered, or the checkpoint it belongs to is not this one.
    public func read(epoch: UInt64, msk: MasterKey) throws(LoBotError) -> GuestTPMLiveState? {
        guard Files.exists(path) else { return nil }
        let file = try StateFile(bytes: try Files.read(path, maximum: StateFile.maximumSize))
        guard file.kind == .guestTPMLive, file.id == vtpmID else {
            throw .invalidArgument("\(path) is not this LoBot's guest TPM live state")
        }
        // Authenticated under the key of the epoch it claims (its header is the AEAD's additional
        // data) before its epoch decides anything: a changed epoch fails here, not as "stale".
        var plain = try file.open(key: try Self.key(msk: msk, vtpmID: vtpmID, epoch: file.version), path: path)
        defer { wipe(&plain) }
        let state = try GuestTPMLiveState(bytes: plain)
        if file.version < epoch {
            // Written before the checkpoint that took its content in (a crash between the two).
            try Files.remove(path)
            return nil
        }
        guard file.version == epoch else {
            throw .rollback(path: path, stateVersion: file.version, counter: epoch)
        }
        return state
    }

    /// Removes the file (after a checkpoint took its content in).
    public func remove() throws(LoBotError) { try Files.remove(path) }
}
