// The checks every step runs on an incoming message before it acts on anything, as rules over a
// SessionParty: which journal the message belongs to and whether the step takes it there
// (SessionStep.admit), then who must have signed it -- the factory, or the peer whose key the
// factory vouched for in this session -- and its signature, type, session, nonce, sender and
// receiver.

extension SessionStep {
    /// The factory's name as a party to a session (it signs with the factory CA key).
    public static let factory = "factory"

    /// The factory's message that begins this platform's part of a session (accept, send):
    /// signed by the factory, addressed here, for a session this platform has no journal of.
    public func takeFirst<Party: SessionParty>(_ message: Envelope, party: Party) throws(LoBotError) {
        try message.verify(sender: try party.factoryKey())
        try message.expect(oneOf: messageTypes, session: message.session, nonce: message.nonce, from: Self.factory, to: party.name)
        try admitBeginning(message.type, session: message.session, hasJournal: party.hasJournal(message.session))
    }

    /// This platform's journal of the message's session, in a role and state where the step takes
    /// the message (`admit`), and the message checked against it (`check`).
    public func take<Party: SessionParty>(_ message: Envelope, party: Party) throws(LoBotError) -> SessionJournal {
        guard party.hasJournal(message.session) else {
            try admit(message.type, session: message.session, journal: nil)
            throw .notFound("session \(message.session.hex) on this platform")
        }
        let journal = try party.journal(of: message.session)
        try admit(message.type, session: message.session, journal: (journal.role, journal.state))
        try Self.check(message, messageTypes, journal: journal, party: party)
        return journal
    }

    /// A message from this session's peer (or the factory's verdict, or the factory as the source
    /// of a provisioning), of one of `types`: signature first, then everything else.
    public static func check<Party: SessionParty>(_ message: Envelope, _ types: [MessageType], journal: SessionJournal, party: Party)
        throws(LoBotError) {
        let peer = journal.role == .destination ? journal.open.source : journal.open.destination
        let fromFactory = message.sender == factory && (message.type == .verdict || journal.open.source == factory)
        let sender = fromFactory ? factory : peer
        try message.verify(sender: try senderKey(sender, journal: journal, party: party))
        try message.expect(oneOf: types, session: journal.session, nonce: journal.nonce, from: sender, to: party.name)
    }

    /// The public key that signs what `sender` sends in this session: the factory's, or the peer's
    /// as the factory vouched for it (in its open for the destination, its proceed for the source).
    public static func senderKey<Party: SessionParty>(_ sender: String, journal: SessionJournal, party: Party)
        throws(LoBotError) -> RSAPublicKey {
        if sender == factory { return try party.factoryKey() }
        let key = journal.role == .destination ? journal.open.sourceSigningKey : journal.peerSigningKey
        guard let key else { throw .invalidArgument("no signing key is known for \(sender) in this session") }
        return try key.rsaPublicKey()
    }
}
