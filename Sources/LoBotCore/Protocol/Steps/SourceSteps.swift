// The source's steps of LSM (send 5-6, offer 10-11, release 13, finish after 13a/13b) as rules
// over a SessionParty: each takes the incoming message and the party, decides from the message,
// the journal and what the party reports, has the party perform the effects in order, commits
// the next journal state, and delivers the answer. Each returns the journal as it left it.

public enum SessionSteps {}

extension SessionSteps {
    /// 5-6, on the factory's proceed: the aDom paused and saved under a fresh domain key K (kept
    /// bound to this TPM until step 13), the LoBot cloned with its MSK rewrapped to the
    /// destination, and sent in the lobot-package message encrypted to the destination.
    @discardableResult
    public static func send<Party: SessionParty>(_ message: Envelope, party: inout Party) throws(LoBotError) -> SessionJournal {
        try SessionStep.send.takeFirst(message, party: party)
        let proceed = try ProceedBody(bytes: message.body)
        let open = proceed.open
        guard open.kind == .migrate, open.source == party.name else {
            throw .invalidArgument("this platform is not the source of session \(message.session.hex)")
        }
        let destination = proceed.bindKey
        let prepared = try party.prepareToSend(open, rewrapTo: destination)
        var journal = SessionJournal(role: .source, state: .suspending, session: message.session, nonce: message.nonce, open: open)
        journal.peerBindKey = proceed.bindKey
        journal.peerSigningKey = proceed.signingKey
        var key = try SecureRandom.bytes(32)
        defer { wipe(&key) }
        journal.boundDomainKey = try party.bindToSelf(key)
        try party.commit(journal)

        var packed = prepared.bootFiles
        packed.append(try party.saveMemory(journal, key: key))
        party.crashPoint("send.saved")
        if open.domain.disk == .local { packed.append(try party.sealDisk(journal, key: key)) }
        journal.files = packed

        let body = LoBotPackageBody(state: try party.lobotState(journal), boundMasterKey: prepared.rewrappedMasterKey)
        let package = try party.message(.lobotPackage, journal: journal, to: open.destination, body: body.bytes, encryptTo: destination)
        try commit(&journal, at: .lobotSent, answer: package, as: "05-lobot-package.msg", after: "send.packed", party: &party)
        return journal
    }

    /// 10-11, on the factory's verdict. Untrusted (10b): the aDom resumes here. Trusted (10a): LoBot_D's
    /// vTPM quote checked against the vTPM AIK it shares with the LoBot here, and the aDom's
    /// measurements with a confirmation secret sealed to its storage key and PCRs 0-6 as quoted.
    @discardableResult
    public static func offer<Party: SessionParty>(_ message: Envelope, party: inout Party) throws(LoBotError) -> SessionJournal {
        var journal = try SessionStep.offer.take(message, party: party)
        let verdict = try VerdictBody(bytes: message.body)
        guard verdict.trusted, let quote = verdict.vtpmQuote else {
            try resume(&journal, party: &party)
            throw .refused("the factory does not trust \(journal.open.destination): \(verdict.reason) (10b); the aDom resumed here")
        }
        let keys = try party.lobotKeys(journal)
        try quote.verify(aik: keys.identity, expectedNonce: journal.open.vtpmNonce)
        let selection = try PCRSelection(Array(0...6))
        var values: [SHA1Digest] = []
        for index in 0...6 {
            guard let value = quote.composite.value(of: index) else { throw .invalidArgument("LoBot_D's quote does not cover PCR \(index)") }
            values.append(value)
        }
        var confirmation = try SecureRandom.bytes(32)
        defer { wipe(&confirmation) }
        var secret = DomainSecret(confirmation: confirmation, files: journal.files).bytes
        defer { wipe(&secret) }
        let sealed = try SealedBlob.seal(secret, to: keys.storage, selection: selection,
                                         digestAtRelease: try PCRComposite(selection: selection, values: values).compositeHash())
        journal.boundConfirmation = try party.bindToSelf(confirmation)
        let offer = try party.message(.domainOffer, journal: journal, to: journal.open.destination, body: DomainOfferBody(sealed: sealed).bytes,
                                      encryptTo: try peerBindKey(journal))
        try commit(&journal, at: .offered, answer: offer, as: "11-domain-offer.msg", after: "offer.sealed", party: &party)
        return journal
    }

    /// 13, on domain-ready: the proof checked (only LoBot_D could unseal the confirmation), the
    /// hand-over committed (released: from here a recovery rolls forward) and K sent. On
    /// domain-refused (13b): the aDom resumes here.
    @discardableResult
    public static func release<Party: SessionParty>(_ message: Envelope, party: inout Party) throws(LoBotError) -> SessionJournal {
        var journal = try SessionStep.release.take(message, party: party)
        let body = try BytesBody(bytes: message.body)
        if message.type == .domainRefused {
            try resume(&journal, party: &party)
            throw .refused("\(journal.open.destination) refused the aDom package: \(body.text) (13b); the aDom resumed here")
        }
        var confirmation = try party.unbind(journal.boundConfirmation)
        defer { wipe(&confirmation) }
        let expected = try DomainSecret.proof(confirmation: confirmation, session: journal.session)
        guard expected == body.value else { throw .authentication(what: "domain-ready proof from \(journal.open.destination)") }
        journal.state = .released
        try party.commit(journal)
        party.crashPoint("release.committed")
        try sendRelease(journal, party: &party)
        return journal
    }

    /// The release message: K, unbound from this TPM and encrypted to the destination's.
    public static func sendRelease<Party: SessionParty>(_ journal: SessionJournal, party: inout Party) throws(LoBotError) {
        var key = try party.unbind(journal.boundDomainKey)
        defer { wipe(&key) }
        let release = try party.message(.release, journal: journal, to: journal.open.destination, body: BytesBody(key).bytes,
                                        encryptTo: try peerBindKey(journal))
        try party.deliver(release, journal: journal, as: "13-release.msg", quietly: false)
    }

    /// After 13a/13b, on the destination's outcome: launched ends the aDom here for good (its
    /// vTPM retired, qemu stopped, its files removed); launch-failed resumes it here.
    @discardableResult
    public static func finish<Party: SessionParty>(_ message: Envelope, party: inout Party) throws(LoBotError) -> SessionJournal {
        var journal = try SessionStep.finish.take(message, party: party)
        try finish(message, journal: &journal, party: &party)
        return journal
    }

    /// `finish` with the journal already taken (a recovery's).
    static func finish<Party: SessionParty>(_ message: Envelope, journal: inout SessionJournal, party: inout Party) throws(LoBotError) {
        if message.type == .launchFailed {
            try resume(&journal, party: &party)
            throw .refused("\(journal.open.destination) could not launch the aDom: \(try BytesBody(bytes: message.body).text) (13b); it resumed here")
        }
        try party.retireLoBot(journal)
        party.crashPoint("finish.retired")
        party.stopDomain(journal, removing: true)
        journal.state = .finished
        try party.commit(journal)
        party.say("\(journal.open.domain.name) now runs on \(journal.open.destination); its LoBot and aDom are gone from here")
    }

    /// The end of a step whose answer is made before its commit point: a kill at `crashPoint`
    /// leaves the journal as it was and nothing sent; then the journal at `state`, then the answer.
    static func commit<Party: SessionParty>(_ journal: inout SessionJournal, at state: SessionJournal.State, answer: Envelope, as file: String,
                                            after crashPoint: String, party: inout Party) throws(LoBotError) {
        party.crashPoint(crashPoint)
        journal.state = state
        try party.commit(journal)
        try party.deliver(answer, journal: journal, as: file, quietly: false)
    }

    /// The source taking its aDom back (10b, 13b, or a recovery before the release).
    static func resume<Party: SessionParty>(_ journal: inout SessionJournal, party: inout Party) throws(LoBotError) {
        try party.resumeDomain(journal)
        journal.state = .resumed
        try party.commit(journal)
        party.say("\(journal.open.domain.name) runs here again")
    }

    /// The key the peer's secrets are encrypted to.
    static func peerBindKey(_ journal: SessionJournal) throws(LoBotError) -> PlatformPublicKey {
        guard let key = journal.peerBindKey else { throw .invalidArgument("no bind key is known for the peer in this session") }
        return key
    }
}
