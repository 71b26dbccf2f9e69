// What every `lobot migrate` step shares: the platform as a participant, the session's files and
// journal, the checks run on every incoming message before anything is acted on (signature by
// the expected sender's key, type, session, nonce, sender and receiver), and the delivery of the
// step's answer to the outbox and the caller's --out directory.
import LoBotCore
import LoBotPlatform

/// The factory's name as a party to a session (it signs with the factory CA key).
let factoryParty = SessionStep.factory

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
    var tpm: PlatformRoot { get throws(LoBotError) { try participant.tpm } }

    func files(_ session: SessionID) -> SessionFiles { SessionFiles(directory, session: session, keys: journalKeys) }

    func domain(_ journal: SessionJournal) -> DomainDirectory { DomainDirectory(directory, name: journal.open.domain.name) }

    /// The session's journal read without checking its MAC, in a role and state where `step`
    /// takes `message` (SessionStep.admit): for the host of a LoBot VM, which has handed its TPM,
    /// and with it the check of the MAC, to the VM.
    func uncheckedJournal(for message: Envelope, step: SessionStep) throws(LoBotError) -> SessionJournal {
        let files = files(message.session)
        let journal = files.exists ? try files.uncheckedJournal() : nil
        try step.admit(message.type, session: message.session, journal: journal.map { ($0.role, $0.state) })
        guard let journal else { throw .notFound("session \(message.session.hex) on this platform") }
        return journal
    }

    /// Verifies a message from this session's peer (SessionStep.check): signature first, then everything else.
    func check(_ message: Envelope, _ types: [MessageType], journal: SessionJournal) throws(LoBotError) {
        try SessionStep.check(message, types, journal: journal, party: AgentParty(self))
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

    /// Binds a secret to this platform's own bind key, to keep it in the journal.
    func bindToSelf(_ secret: [UInt8]) throws(LoBotError) -> [UInt8] {
        try participant.bindPublicKey().bind(secret)
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
