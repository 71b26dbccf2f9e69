// What every `lobot migrate` step shares: the platform as a participant, the session's files and
// journal, the checks run on every incoming message before anything is acted on (signature by
// the expected sender's key, type, session, nonce, sender and receiver), and the delivery of the
// step's answer to the outbox and the caller's --out directory.
import LoBotCore
import LoBotPlatform

/// The factory's name as a party to a session (it signs with the factory CA key).
let factoryParty = "factory"

struct MigrationStep {
    let participant: Participant
    let out: String
    /// Each session's journal key, opened by the TPM the first time its journal is read or written.
    let journalKeys: JournalKeys

    static let options = PlatformAccess.options + ["in", "out"]

    init(_ arguments: ParsedArguments, connecting: Bool = true) throws(AgentError) {
        let directory = try PlatformAccess.directory(arguments)
        out = try arguments.required("out")
        participant = try core { () throws(LoBotError) in try Participant(directory: directory, connecting: connecting) }
        journalKeys = JournalKeys(participant: participant)
    }

    init(participant: Participant, out: String) {
        self.participant = participant
        self.out = out
        journalKeys = JournalKeys(participant: participant)
    }

    var directory: PlatformDirectory { participant.directory }
    var tpm: PlatformTPM { get throws(LoBotError) { try participant.tpm } }

    func files(_ session: SessionID) -> SessionFiles { SessionFiles(directory, session: session, keys: journalKeys) }

    func domain(_ journal: SessionJournal) -> DomainDirectory { DomainDirectory(directory, name: journal.open.domain.name) }

    /// The factory's message that begins this platform's part of a session (`step` accept or
    /// send): signed by the factory, addressed here, for a session this platform has never taken
    /// part in (SessionStep.admit).
    func firstMessage(_ message: Envelope, _ step: SessionStep) throws(LoBotError) -> SessionFiles {
        try message.verify(sender: try participant.factoryKey())
        try message.expect(oneOf: step.messageTypes, session: message.session, nonce: message.nonce, from: factoryParty, to: participant.name)
        let files = files(message.session)
        try step.admitBeginning(message.type, session: message.session, hasJournal: files.exists)
        return files
    }

    /// The session's journal, in a role and state where `step` takes `message`
    /// (SessionStep.admit). Without `authenticated` (the host of a LoBot VM, which has handed its
    /// TPM to the VM), the journal's MAC is left for the VM to check.
    func journal(for message: Envelope, step: SessionStep, authenticated: Bool = true) throws(LoBotError) -> SessionJournal {
        let files = files(message.session)
        guard files.exists else {
            try step.admit(message.type, session: message.session, journal: nil)
            throw .notFound("session \(message.session.hex) on this platform")
        }
        let journal = authenticated ? try files.journal() : try files.uncheckedJournal()
        try step.admit(message.type, session: message.session, journal: (journal.role, journal.state))
        return journal
    }

    /// The public key that signs what `party` sends in this session.
    func senderKey(_ party: String, journal: SessionJournal) throws(LoBotError) -> RSAPublicKey {
        if party == factoryParty { return try participant.factoryKey() }
        let key = journal.role == .destination ? journal.open.sourceSigningKey : journal.peerSigningKey
        guard let key else { throw .invalidArgument("no signing key is known for \(party) in this session") }
        return try key.rsaPublicKey()
    }

    /// Verifies a message from this session's peer: signature first, then everything else.
    func check(_ message: Envelope, _ step: SessionStep, journal: SessionJournal) throws(LoBotError) {
        try check(message, step.messageTypes, journal: journal)
    }

    /// `check` for the messages a recovery takes outside the steps (a launch-failed).
    func check(_ message: Envelope, _ types: [MessageType], journal: SessionJournal) throws(LoBotError) {
        let peer = journal.role == .destination ? journal.open.source : journal.open.destination
        // The factory speaks in a session only with its verdict, unless it is the source (LSP).
        let fromFactory = message.sender == factoryParty && (message.type == .verdict || journal.open.source == factoryParty)
        let sender = fromFactory ? factoryParty : peer
        try message.verify(sender: try senderKey(sender, journal: journal))
        try message.expect(oneOf: types, session: journal.session, nonce: journal.nonce, from: sender, to: participant.name)
    }

    /// Writes the answer to the session's outbox and to --out; prints where it went, unless `quietly`.
    @discardableResult
    func deliver(_ envelope: Envelope, journal: SessionJournal, as name: String, quietly: Bool = false) throws(LoBotError) -> String {
        let files = files(journal.session)
        _ = try files.send(envelope, as: name)
        try Files.makeDirectory(out, permissions: 0o755, existingOK: true)
        let target = Files.join(out, name)
        try Files.writeAtomically(target, envelope.bytes, permissions: 0o644)
        if !quietly { Console.out("\(envelope.type.name) message for \(envelope.receiver): \(target)") }
        return target
    }

    /// The destination's outcome for the source: launched, or launch-failed with `reason`.
    @discardableResult
    func sendOutcome(launched: Bool, reason: String, journal: SessionJournal, quietly: Bool = false) throws(LoBotError) -> String {
        try deliver(try participant.message(launched ? .launched : .launchFailed, journal: journal, to: journal.open.source,
                                            body: BytesBody(text: reason).bytes),
                    journal: journal, as: launched ? "13-launched.msg" : "13-launch-failed.msg", quietly: quietly)
    }

    /// The key the peer's messages are encrypted to.
    func peerBindKey(_ journal: SessionJournal) throws(LoBotError) -> RSAPublicKey {
        guard let key = journal.peerBindKey else { throw .invalidArgument("no bind key is known for the peer in this session") }
        return try key.rsaPublicKey()
    }

    /// Binds a secret to this platform's own bind key, to keep it in the journal.
    func bindToSelf(_ secret: [UInt8]) throws(LoBotError) -> [UInt8] {
        try BoundData.bind(secret, to: try participant.bindPublicKey())
    }
}

/// Reads the message named by --in.
func incomingMessage(_ arguments: ParsedArguments) throws(AgentError) -> Envelope {
    let path = try arguments.required("in")
    return try core { () throws(LoBotError) in try Messages.read(path) }
}

/// The digest of the agent binary this process runs, as LoBot_D measures itself in host mode.
func agentDigest() throws(LoBotError) -> [UInt8] {
    try FileMeasurement.sha256(path: "/proc/self/exe")
}
