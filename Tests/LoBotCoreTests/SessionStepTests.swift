// The agent's LSP/LSM step rules (SessionStep) against a table written out here from the seeds'
// protocol, independently of the code: for every step, every role and state a platform's journal
// can be in, and every message type, a message is taken exactly when the table says so; replays,
// stale messages, another session's, and wrong senders or receivers are refused with the error
// the agent prints. No TPM, no files: the whole table runs in milliseconds.
import LoBotCore
import Testing

@Suite struct SessionStepTests {
    /// Which role runs each step, the journal states it takes messages in (nil: it begins the
    /// platform's part of the session, so there must be no journal), and the message types.
    static let table: [(SessionStep, SessionJournal.Role, [SessionJournal.State]?, [MessageType])] = [
        (.accept, .destination, nil, [.open]),
        (.send, .source, nil, [.proceed]),
        (.receive, .destination, [.accepted], [.lobotPackage]),
        (.check, .destination, [.lobotReceived], [.domainOffer, .verdict]),
        (.offer, .source, [.lobotSent], [.verdict]),
        (.release, .source, [.offered], [.domainReady, .domainRefused]),
        (.launch, .destination, [.ready], [.release]),
        (.finish, .source, [.released], [.launched, .launchFailed]),
    ]

    static let session = SessionID(unchecked: [UInt8](repeating: 0x51, count: 16))
    static let nonce = TPMNonce(unchecked: [UInt8](repeating: 0x4e, count: 20))

    static func message(_ type: MessageType, session: SessionID = session, nonce: TPMNonce = nonce, from sender: String = "peer",
                        to receiver: String = "me") throws -> Envelope {
        try Envelope.make(type: type, session: session, sender: sender, receiver: receiver, nonce: nonce, body: [],
                          sign: { (_) throws(LoBotError) in [0] })
    }

    /// The agent's order for a step with a journal: admit (role, state), then (after the
    /// signature) the message's type, session, nonce, sender and receiver.
    static func take(_ step: SessionStep, _ message: Envelope, journal: (role: SessionJournal.Role, state: SessionJournal.State)?)
        throws(LoBotError) {
        try step.admit(message.type, session: message.session, journal: journal)
        try message.expect(oneOf: step.messageTypes, session: session, nonce: nonce, from: "peer", to: "me")
    }

    @Test func theTableIsTheCodes() {
        #expect(Self.table.map(\.0) == SessionStep.allCases)
        for (step, role, states, types) in Self.table {
            #expect(step.role == role && step.acceptedStates == (states ?? []) && step.messageTypes == types, "\(step.name)")
            #expect(step.beginsSession == (states == nil), "\(step.name)")
        }
    }

    /// Every (step, role, state, message type): taken exactly when the table says so.
    @Test func everyStateAndMessageTypeIsTakenExactlyWhereTheTableSays() throws {
        var checked = 0
        for (step, role, states, types) in Self.table {
            for type in MessageType.allCases {
                let message = try Self.message(type)
                // No journal: only the steps that begin a session take a message.
                let takenWithout = (try? Self.take(step, message, journal: nil)) != nil
                #expect(takenWithout == (states == nil && types.contains(type)), "\(step.name) with no journal, \(type.name)")
                for journalRole in SessionJournal.Role.allCases {
                    for state in SessionJournal.State.allCases {
                        let taken = (try? Self.take(step, message, journal: (journalRole, state))) != nil
                        let expected = states != nil && journalRole == role && states!.contains(state) && types.contains(type)
                        #expect(taken == expected, "\(step.name): \(journalRole) journal in \(state.name), \(type.name)")
                        checked += 1
                    }
                }
            }
        }
        #expect(checked == 8 * MessageType.allCases.count * 2 * SessionJournal.State.allCases.count)
    }

    /// A message taken once moves the journal on, so the same message again is a replay; one for a
    /// state the session has not reached, or has left, is stale. Both say so, naming the state.
    @Test func replayedAndStaleMessagesAreRefusedAsReplays() throws {
        let release = try Self.message(.release)
        for state: SessionJournal.State in [.launched, .destroyed, .accepted, .lobotReceived] {
            let error = #expect(throws: LoBotError.self) { try Self.take(.launch, release, journal: (.destination, state)) }
            #expect(error == .replay("release message for session \(Self.session.hex), which is \(state.name) here"))
        }
        let ready = try Self.message(.domainReady)
        for state: SessionJournal.State in [.released, .finished, .resumed, .lobotSent, .suspending] {
            let error = #expect(throws: LoBotError.self) { try Self.take(.release, ready, journal: (.source, state)) }
            #expect(error == .replay("domain-ready message for session \(Self.session.hex), which is \(state.name) here"))
        }
        let open = try Self.message(.open)
        let again = #expect(throws: LoBotError.self) { try SessionStep.accept.admitBeginning(.open, session: Self.session, hasJournal: true) }
        #expect(again == .replay("open message for session \(Self.session.hex): this platform already took part in it"))
        #expect((try? Self.take(.accept, open, journal: nil)) != nil)
    }

    @Test func aSessionThisPlatformNeverSawOrPlaysTheOtherRoleInIsRefused() throws {
        let verdict = try Self.message(.verdict)
        let unknown = #expect(throws: LoBotError.self) { try Self.take(.offer, verdict, journal: nil) }
        #expect(unknown == .notFound("session \(Self.session.hex) on this platform"))
        let other = #expect(throws: LoBotError.self) { try Self.take(.offer, verdict, journal: (.destination, .lobotSent)) }
        #expect(other == .invalidArgument("this platform is not the source of session \(Self.session.hex)"))
        #expect(throws: LoBotError.self) { try SessionStep.offer.admitBeginning(.verdict, session: Self.session, hasJournal: false) }
    }

    /// In the right state, a message of another session or nonce, or between other parties, is refused.
    @Test func anotherSessionsNonceSenderOrReceiverIsRefused() throws {
        let other = SessionID(unchecked: [UInt8](repeating: 0x52, count: 16))
        let journal = (role: SessionJournal.Role.source, state: SessionJournal.State.offered)
        let cases: [(Envelope, LoBotError)] = [
            (try Self.message(.domainReady, session: other), .replay("domain-ready message belongs to another session")),
            (try Self.message(.domainReady, nonce: TPMNonce(unchecked: [UInt8](repeating: 0, count: 20))),
             .replay("domain-ready message belongs to another session")),
            (try Self.message(.domainReady, from: "factory"),
             .invalidArgument("domain-ready message is from factory to me, expected from peer to me")),
            (try Self.message(.domainReady, to: "XP"), .invalidArgument("domain-ready message is from peer to XP, expected from peer to me")),
            (try Self.message(.launched), .invalidArgument("expected a domain-ready message, got launched")),
        ]
        for (message, refusal) in cases {
            let error = #expect(throws: LoBotError.self) { try Self.take(.release, message, journal: journal) }
            #expect(error == refusal)
        }
        #expect((try? Self.take(.release, try Self.message(.domainRefused), journal: journal)) != nil)
    }
}
