// The keys that authenticate this platform's session journals: one random 256-bit key per
// session, bound to the platform's TPM bind key (PLATFORM/sessions/ID/journal.key, made with the
// session's first journal), so that only this TPM opens it. Each journal carries an HMAC-SHA256
// under its session's key, and a journal changed on disk -- its state, a peer's key, the aDom's
// file list -- is refused before any step acts on it. One key per session rather than per
// platform: a platform that makes a new bind key starts its next session with a key that key
// opens (a session in flight could not survive it anyway: its secrets are bound to the old one).
import LoBotCore
import LoBotPlatform

final class JournalKeys {
    let participant: Participant

    init(participant: Participant) { self.participant = participant }

    /// HMAC-SHA256 of a journal's bytes under the key in `path`, unbound by the platform TPM (once
    /// per process: UnboundSecrets); made first when `creating` and the session has none yet.
    func mac(_ bytes: [UInt8], keyPath path: String, creating: Bool) throws(LoBotError) -> [UInt8] {
        if !Files.exists(path) {
            guard creating else { throw .notFound("session journal key \(path)") }
            var fresh = try SecureRandom.bytes(32)
            defer { wipe(&fresh) }
            try Files.writeAtomically(path, try participant.bindPublicKey().bind(fresh), permissions: 0o600)
        }
        var key = try participant.unbind(try Files.read(path, maximum: 4096))
        defer { wipe(&key) }
        guard key.count == 32 else { throw .authentication(what: "session journal key \(path)") }
        return try HMAC.authenticate(bytes, key: key, algorithm: .sha256)
    }

    /// The length of the MAC a stored journal ends with.
    static let macLength = 32

    /// A stored journal's bytes without its MAC, unchecked (for the host of a LoBot VM, which
    /// leaves the check to the VM that holds the TPM); nil when too short to carry one.
    static func body(of stored: [UInt8]) -> [UInt8]? {
        stored.count > macLength ? Array(stored.dropLast(macLength)) : nil
    }

    /// The journal in `stored` (its bytes, then their HMAC-SHA256 under the key in `keyPath`),
    /// refused unless the MAC matches.
    func open(_ stored: [UInt8], keyPath: String, what: String) throws(LoBotError) -> SessionJournal {
        guard let body = Self.body(of: stored) else { throw .authentication(what: what) }
        let expected = try mac(body, keyPath: keyPath, creating: false)
        var difference: UInt8 = 0
        for (a, b) in zip(expected, stored.suffix(Self.macLength)) { difference |= a ^ b }
        guard difference == 0 else { throw .authentication(what: what) }
        return try SessionJournal(bytes: body)
    }

    /// `journal` as stored: its bytes, then their MAC.
    func stored(_ journal: SessionJournal, keyPath: String, creating: Bool) throws(LoBotError) -> [UInt8] {
        let body = journal.bytes
        return body + (try mac(body, keyPath: keyPath, creating: creating))
    }
}
