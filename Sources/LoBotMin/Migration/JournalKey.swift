// The key that authenticates this platform's session journals: a random 256-bit key bound to the
// platform's TPM bind key (PLATFORM/journal.key, made with the first journal), so that only this
// TPM can open it. Each journal carries an HMAC-SHA256 under it, and a journal changed on disk --
// its state, a peer's key, the aDom's file list -- is refused before any step acts on it.
import LoBotCore
import LoBotPlatform

final class JournalKey {
    let participant: Participant
    private var key: [UInt8]? = nil

    init(participant: Participant) { self.participant = participant }

    deinit {
        if var key { wipe(&key) }
    }

    var path: String { Files.join(participant.directory.path, "journal.key") }

    /// The key, unbound by the platform TPM once per process; made first when `creating` and
    /// the platform has none yet.
    func bytes(creating: Bool) throws(LoBotError) -> [UInt8] {
        if let key { return key }
        if !Files.exists(path) {
            guard creating else { throw .notFound("session journal key \(path)") }
            var fresh = try SecureRandom.bytes(32)
            defer { wipe(&fresh) }
            try Files.writeAtomically(path, try BoundData.bind(fresh, to: try participant.bindPublicKey()), permissions: 0o600)
        }
        let opened = try participant.unbind(try Files.read(path, maximum: 4096))
        guard opened.count == 32 else { throw .authentication(what: "session journal key \(path)") }
        key = opened
        return opened
    }

    /// HMAC-SHA256 of a journal's bytes.
    func mac(_ bytes: [UInt8], creating: Bool) throws(LoBotError) -> [UInt8] {
        try HMAC.authenticate(bytes, key: try self.bytes(creating: creating), algorithm: .sha256)
    }
}
