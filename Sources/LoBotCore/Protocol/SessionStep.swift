// The agent's steps of LSP/LSM as rules a unit test can call in microseconds: for each step a
// platform takes on a message, the role it plays in the session, the message types it takes, and
// the states of its journal it takes them in. `admit` decides from those alone whether a message
// for a session may be taken (stale, replayed, wrong role, unknown session); the commands in
// LoBotMin ask it before anything else and then check the signature, sender, receiver, session
// and nonce (Envelope.expect), and perform the step's effects (TPM, files, qemu).

public enum SessionStep: CaseIterable, Sendable {
    /// 1-4, destination: the factory's open; answers with destination-keys.
    case accept
    /// 4-6, source: the factory's proceed; saves the aDom, sends the LoBot package.
    case send
    /// 5-9, destination: the LoBot package; imports, measures and quotes LoBot_D.
    case receive
    /// 10-12, destination: the factory's verdict and the source's domain offer.
    case check
    /// 10-11, source: the factory's verdict; offers the domain (10a) or resumes (10b).
    case offer
    /// 12-13, source: domain-ready (release) or domain-refused (13b, resume).
    case release
    /// 13, destination: release; launches the aDom.
    case launch
    /// 13, source: launched or launch-failed; ends the session.
    case finish

    public var name: String {
        switch self {
        case .accept: return "accept"
        case .send: return "send"
        case .receive: return "receive"
        case .check: return "check"
        case .offer: return "offer"
        case .release: return "release"
        case .launch: return "launch"
        case .finish: return "finish"
        }
    }

    public var role: SessionJournal.Role {
        switch self {
        case .accept, .receive, .check, .launch: return .destination
        case .send, .offer, .release, .finish: return .source
        }
    }

    /// The message types the step takes.
    public var messageTypes: [MessageType] {
        switch self {
        case .accept: return [.open]
        case .send: return [.proceed]
        case .receive: return [.lobotPackage]
        case .check: return [.domainOffer, .verdict]
        case .offer: return [.verdict]
        case .release: return [.domainReady, .domainRefused]
        case .launch: return [.release]
        case .finish: return [.launched, .launchFailed]
        }
    }

    /// The journal states the step takes its messages in. None for the steps that begin this
    /// platform's part of a session (accept, send): they take a message only for a session this
    /// platform has no journal of.
    public var acceptedStates: [SessionJournal.State] {
        switch self {
        case .accept, .send: return []
        case .receive: return [.accepted]
        case .check: return [.lobotReceived]
        case .offer: return [.lobotSent]
        case .release: return [.offered]
        case .launch: return [.ready]
        case .finish: return [.released]
        }
    }

    public var beginsSession: Bool { acceptedStates.isEmpty }

    /// Whether a message of `type` for `session` may be taken by this step, given this platform's
    /// journal of the session (nil: it has none). Refuses, with the error the agent prints, a
    /// session this platform never took part in, one it already took part in (for the steps that
    /// begin it), a journal of the other role, and a state the step does not take messages in
    /// (a stale or replayed message). The type itself is checked with the signature, by
    /// `Envelope.expect(oneOf: messageTypes, ...)`.
    public func admit(_ type: MessageType, session: SessionID, journal: (role: SessionJournal.Role, state: SessionJournal.State)?)
        throws(LoBotError) {
        if beginsSession { return try admitBeginning(type, session: session, hasJournal: journal != nil) }
        guard let journal else { throw .notFound("session \(session.hex) on this platform") }
        guard journal.role == role else {
            throw .invalidArgument("this platform is not the \(role == .source ? "source" : "destination") of session \(session.hex)")
        }
        guard acceptedStates.contains(journal.state) else {
            throw .replay("\(type.name) message for session \(session.hex), which is \(journal.state.name) here")
        }
    }

    /// `admit` for a step that begins this platform's part of a session, which needs to know only
    /// whether this platform has a journal of it: if it has, the message is a replay.
    public func admitBeginning(_ type: MessageType, session: SessionID, hasJournal: Bool) throws(LoBotError) {
        guard beginsSession else { throw .invalidArgument("\(name) does not begin a session") }
        guard !hasJournal else {
            throw .replay("\(type.name) message for session \(session.hex): this platform already took part in it")
        }
    }
}
