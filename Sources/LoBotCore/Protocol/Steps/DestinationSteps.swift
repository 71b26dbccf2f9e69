// The destination's steps of LSP/LSM (accept 1-4, receive 7-9, check 12, launch 13a) as rules over
// a SessionParty, with the destination's rollback (13b) and its outcome for the source. Launch
// commits "launched" as the hand-over's commit point: before it a recovery here destroys, after it
// the aDom is this platform's.

extension SessionSteps {
    /// 1-4, on the factory's open: the session recorded (accepted) and the platform's bind and
    /// signing keys, certified by its AIK over the session's nonce, sent to the factory.
    @discardableResult
    public static func accept<Party: SessionParty>(_ message: Envelope, party: inout Party) throws(LoBotError) -> SessionJournal {
        try SessionStep.accept.takeFirst(message, party: party)
        let open = try OpenBody(bytes: message.body)
        guard open.destination == party.name else { throw .invalidArgument("the session's destination is \(open.destination), not this platform") }
        guard !party.domainExists(open.domain.name) else { throw .alreadyExists("domain \(open.domain.name) on this platform") }
        let keys = try party.certifiedKeys(nonce: message.nonce)
        var journal = SessionJournal(role: .destination, state: .accepted, session: message.session, nonce: message.nonce, open: open)
        journal.peerSigningKey = open.sourceSigningKey
        try party.commit(journal)
        party.crashPoint("accept.saved")
        try party.deliver(try party.message(.destinationKeys, journal: journal, to: SessionStep.factory, body: keys.bytes, encryptTo: nil),
                          journal: journal, as: "04-destination-keys.msg", quietly: false)
        return journal
    }

    /// 7-9, on the source's lobot-package: LoBot_D taken in, measured and quoted (the party), the
    /// session at lobot-received, and the report sent to the factory.
    @discardableResult
    public static func receive<Party: SessionParty>(_ message: Envelope, party: inout Party) throws(LoBotError) -> SessionJournal {
        var journal = try SessionStep.receive.take(message, party: party)
        let report = try party.receiveLoBot(message, journal: journal)
        journal.state = .lobotReceived
        try party.commit(journal)
        try party.deliver(try party.message(.lobotReport, journal: journal, to: SessionStep.factory, body: report.bytes, encryptTo: nil),
                          journal: journal, as: "07-lobot-report.msg", quietly: false)
        return journal
    }

    /// 12, on the source's domain offer (or the factory's verdict). LoBot_D unseals the offer --
    /// possible only with its vTPM in the state the factory trusted -- and the aDom package in
    /// `package` must be what the source measured. A match takes the package in and proves the
    /// unseal (domain-ready); a failed unseal destroys LoBot_D and the package here (13b); a file
    /// that does not match is refused with nothing done (it can be carried again). A trusted
    /// verdict changes nothing; an untrusted one (10b) destroys LoBot_D here.
    @discardableResult
    public static func check<Party: SessionParty>(_ message: Envelope, package: String, party: inout Party) throws(LoBotError)
        -> SessionJournal {
        var journal = try SessionStep.check.take(message, party: party)
        if message.type == .verdict {
            let verdict = try VerdictBody(bytes: message.body)
            if verdict.trusted {
                party.say("the factory trusts this platform (10a): wait for the source's domain offer")
                return journal
            }
            try destroy(&journal, package: package, party: &party)
            throw .refused("the factory does not trust this platform: \(verdict.reason) (10b); LoBot_D destroyed itself here")
        }
        let offer = try DomainOfferBody(bytes: try message.openBody { (wrapped) throws(LoBotError) in try party.unbind(wrapped) })
        var lobot = try party.openLoBotD(journal)
        let secret: DomainSecret
        do throws(LoBotError) {
            var plain = try party.unseal(offer.sealed, with: &lobot)
            defer { wipe(&plain) }
            secret = try DomainSecret(bytes: plain)
        } catch {
            _ = consume lobot
            try destroy(&journal, package: package, party: &party)
            let reason = error.message
            try party.deliver(try party.message(.domainRefused, journal: journal, to: journal.open.source, body: BytesBody(text: reason).bytes,
                                                encryptTo: nil),
                              journal: journal, as: "12-domain-refused.msg", quietly: false)
            throw .refused("\(reason) (13b); LoBot_D and the aDom package were destroyed here")
        }
        try checkPackage(secret.files, journal: journal, package: package, party: party,
                         unlike: "what the source measured: carry the source's file again")
        party.crashPoint("check.measured")
        try party.takeIn(secret.files, from: package, into: lobot, journal: journal)
        journal.files = secret.files
        journal.state = .ready
        try party.commit(journal)
        let proof = try DomainSecret.proof(confirmation: secret.confirmation, session: journal.session)
        try party.deliver(try party.message(.domainReady, journal: journal, to: journal.open.source, body: BytesBody(proof).bytes, encryptTo: nil),
                          journal: journal, as: "12-domain-ready.msg", quietly: false)
        return journal
    }

    /// 13a, on the source's release: with K, LoBot_D becomes the domain's LoBot here and the aDom
    /// starts; "launched" is committed and sent. A launch that fails destroys every copy here and
    /// tells the source to resume (13b).
    @discardableResult
    public static func launch<Party: SessionParty>(_ message: Envelope, party: inout Party) throws(LoBotError) -> SessionJournal {
        var journal = try SessionStep.launch.take(message, party: party)
        try launch(message, journal: &journal, party: &party)
        return journal
    }

    /// `launch` with the journal already taken (a recovery's, with the release it kept).
    static func launch<Party: SessionParty>(_ message: Envelope, journal: inout SessionJournal, party: inout Party) throws(LoBotError) {
        try SessionStep.check(message, SessionStep.launch.messageTypes, journal: journal, party: party)
        var key = try BytesBody(bytes: try message.openBody { (wrapped) throws(LoBotError) in try party.unbind(wrapped) }).value
        defer { wipe(&key) }
        guard key.count == 32 else { throw .invalidArgument("the release carries no 256-bit key") }
        // The package and LoBot_D as step 12 left them: a file changed since is refused here with
        // nothing done, rather than found half-way through the launch (which would destroy all).
        // A sealed file still the one step 12 took in (KeptFiles) is not measured again: each of
        // its chunks authenticates under K, bound to its name, as it is opened.
        if !party.domainIsRunning(journal) {
            let kept = party.keptFiles(journal)
            let changed = journal.files.filter { !(DomainFiles.isSealed($0.name) && kept.contains($0.name)) }
            try checkPackage(changed, journal: journal, package: party.packagePath(journal.session), party: party,
                             unlike: "what step 12 measured: put the genuine file back")
            try party.checkStagedLoBotD(journal)
        }
        try party.keepRelease(message, journal: journal)
        do throws(LoBotError) {
            try party.launchDomain(journal, key: key)
            party.crashPoint("launch.started")
        } catch {
            party.stopDomain(journal, removing: true)
            try destroy(&journal, package: nil, party: &party)
            try sendOutcome(launched: false, reason: error.message, journal: journal, party: &party, quietly: false)
            throw .refused("the aDom did not start here: \(error.message) (13b); the source resumes it")
        }
        try party.removePackage(journal)
        journal.state = .launched
        try party.commit(journal)
        party.crashPoint("launch.committed")
        try sendOutcome(launched: true, reason: "running on \(party.name)", journal: journal, party: &party, quietly: false)
    }

    /// Every file of the aDom package measured where it is and compared with `files`; a missing or
    /// different one refused with nothing done.
    static func checkPackage<Party: SessionParty>(_ files: [PackageFile], journal: SessionJournal, package: String, party: Party,
                                                  unlike: String) throws(LoBotError) {
        party.phase("checking the aDom package", total: files.reduce(0) { $0 + $1.size })
        for file in files {
            let path = DomainFiles.path(of: file, config: journal.open.domain, package: package)
            guard let measured = try party.measure(file.name, at: path), measured == file else {
                throw .invalidArgument("the aDom's \(file.name) at \(path) is not \(unlike), "
                                       + "or end the session with lobot migrate recover on both platforms")
            }
        }
        party.phase(nil, total: 0)
    }

    /// The destination giving up its copies (10b, 13b, a failed launch, a recovery before the
    /// launch): LoBot_D retired here, so no copy of it opens here again, and the package removed.
    static func destroy<Party: SessionParty>(_ journal: inout SessionJournal, package: String?, party: inout Party) throws(LoBotError) {
        try party.destroyLoBotD(journal, package: package)
        journal.state = .destroyed
        try party.commit(journal)
    }

    /// The destination's outcome for the source: launched, or launch-failed with `reason`.
    @discardableResult
    static func sendOutcome<Party: SessionParty>(launched: Bool, reason: String, journal: SessionJournal, party: inout Party, quietly: Bool)
        throws(LoBotError) -> String {
        let outcome = try party.message(launched ? .launched : .launchFailed, journal: journal, to: journal.open.source,
                                        body: BytesBody(text: reason).bytes, encryptTo: nil)
        return try party.deliver(outcome, journal: journal, as: launched ? "13-launched.msg" : "13-launch-failed.msg", quietly: quietly)
    }
}
