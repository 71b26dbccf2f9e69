// The vTPM's operations with TPM 1.2 semantics over a VTPMState: extend, measure, reset, read,
// quote (TPM_Quote and TPM_Quote2 forms), seal/unseal, bind/unbind, and a monotonic counter.
// Every PCR change is logged. Persistence and locking are VTPMSession's job, not this one's.

public final class VTPM {
    public private(set) var state: VTPMState

    public init(state: VTPMState) { self.state = state }

    deinit { state.wipeKeys() }

    /// A new vTPM: fresh identity and RSA-2048 EK, SRK, AIK and bind key; PCRs at startup values.
    public static func create() throws(LoBotError) -> VTPM {
        var keys: [[UInt8]] = []
        for _ in 0..<4 { keys.append(try RSAPrivateKey.generate(bits: 2048).der()) }
        let state = VTPMState(
            id: try SecureRandom.bytes(16), bank: PCRBank(), counter: 0, endorsementKey: keys[0],
            storageRootKey: keys[1], identityKey: keys[2], bindKey: keys[3], log: EventLog())
        for i in keys.indices { wipe(&keys[i]) }
        return VTPM(state: state)
    }

    public enum KeyRole: Sendable {
        case endorsement, storage, identity, bind

        public var name: String {
            switch self {
            case .endorsement: return "ek"
            case .storage: return "srk"
            case .identity: return "aik"
            case .bind: return "bind"
            }
        }

        /// The TPM usage and schemes each key carries in its TPM_PUBKEY.
        var usage: (EncryptionScheme, SignatureScheme) {
            switch self {
            case .endorsement, .storage, .bind: return (.rsaOAEPSHA1, .none)
            case .identity: return (.none, .rsaPKCS1v15SHA1)
            }
        }
    }

    func privateKey(_ role: KeyRole) throws(LoBotError) -> RSAPrivateKey {
        switch role {
        case .endorsement: return try RSAPrivateKey(der: state.endorsementKey)
        case .storage: return try RSAPrivateKey(der: state.storageRootKey)
        case .identity: return try RSAPrivateKey(der: state.identityKey)
        case .bind: return try RSAPrivateKey(der: state.bindKey)
        }
    }

    /// The public half of a key as TPM_PUBKEY.
    public func publicKey(_ role: KeyRole) throws(LoBotError) -> PubKey {
        let (enc, sig) = role.usage
        return PubKey.rsa(try privateKey(role).publicKey(), encScheme: enc, sigScheme: sig)
    }

    public var id: [UInt8] { state.id }
    public var pcrs: PCRBank { state.bank }
    public var log: EventLog { state.log }
    public var counter: UInt64 { state.counter }
    /// The domain's guest TPM as last checkpointed, if it was ever started.
    public var guestTPM: GuestTPMCheckpoint? { state.guestTPM }

    /// Records a checkpoint of the domain's guest TPM (made durable by the session's next commit).
    public func checkpointGuestTPM(_ checkpoint: GuestTPMCheckpoint) {
        state.guestTPM?.blobs.wipeSecrets()
        state.guestTPM = checkpoint
    }

    private func record(_ event: Event) throws(LoBotError) -> SHA1Digest {
        guard state.log.events.count < EventLog.maximumEvents else {
            throw .tpmRule("the event log is full (\(EventLog.maximumEvents) events)")
        }
        try state.bank.apply(event)
        state.log.events.append(event)
        return state.bank.values[event.pcr]
    }

    /// TPM_Startup(ST_CLEAR): PCRs back to their startup values and a new event log, as when the
    /// machine holding the vTPM boots. Keys and the counter persist.
    public func startup() {
        state.bank = PCRBank()
        state.log = EventLog()
    }

    /// TPM_Extend with a 20-byte digest; returns the new PCR value.
    @discardableResult
    public func extend(pcr: Int, digest: SHA1Digest, name: String) throws(LoBotError) -> SHA1Digest {
        try record(try Event(pcr: pcr, kind: .extend(digest), name: name))
    }

    /// Records a measurement (SHA-256 of content) and extends its SHA-1 into `pcr`.
    @discardableResult
    public func measure(pcr: Int, sha256: [UInt8], name: String) throws(LoBotError) -> SHA1Digest {
        try record(try Event(pcr: pcr, kind: .measurement(sha256: sha256), name: name))
    }

    /// TPM_PCR_Reset from `locality`.
    public func reset(pcr: Int, locality: UInt8 = 0) throws(LoBotError) {
        try PCRBank.checkResettable(pcr, locality: locality)
        _ = try record(try Event(pcr: pcr, kind: .reset, name: "reset"))
    }

    /// TPM_Quote (form .quote) or TPM_Quote2 (form .quote2) of `selection` with `nonce`.
    public func quote(selection: PCRSelection, nonce: TPMNonce, form: Quote.Form = .quote) throws(LoBotError) -> Quote {
        guard !selection.indices.isEmpty else { throw .invalidArgument("a quote needs at least one PCR") }
        var quote = Quote(
            form: form, localityAtRelease: 0x01, nonce: nonce, composite: try state.bank.composite(selection),
            signature: [])
        let digest = try Digest.sha1(try quote.signedBytes())
        quote.signature = try privateKey(.identity).sign(digest: digest, algorithm: .sha1)
        return quote
    }

    /// Seals `data` to the current values of `selection`.
    public func seal(_ data: [UInt8], selection: PCRSelection) throws(LoBotError) -> SealedBlob {
        let digest = try state.bank.composite(selection).compositeHash()
        return try SealedBlob.seal(
            data, to: try privateKey(.storage).publicKey(), selection: selection, digestAtRelease: digest)
    }

    /// Opens a blob sealed to this vTPM, if its PCRs hold the sealed values now.
    public func unseal(_ blob: SealedBlob) throws(LoBotError) -> [UInt8] {
        let bank = state.bank
        return try blob.unseal(with: try privateKey(.storage)) { (selection) throws(LoBotError) in
            try bank.composite(selection).compositeHash()
        }
    }

    /// TPM_UnBind with the vTPM's bind key.
    public func unbind(_ blob: [UInt8]) throws(LoBotError) -> [UInt8] {
        try BoundData.unbind(blob, with: try privateKey(.bind))
    }

    /// TPM_IncrementCounter: returns the new value.
    public func incrementCounter() throws(LoBotError) -> UInt64 {
        guard state.counter < UInt64.max else { throw .tpmRule("the monotonic counter is exhausted") }
        state.counter += 1
        return state.counter
    }
}
