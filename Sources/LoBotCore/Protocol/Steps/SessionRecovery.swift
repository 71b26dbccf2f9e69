// `lobot migrate recover` as a rule over a SessionParty: after a crash (or a lost message) at any
// step, this platform's side of a session brought to a final state from its journal alone, so
// that exactly one platform runs the aDom. The source before its release and the destination
// before its launch roll back; the destination with the release rolls forward; the source after
// its release follows the destination's outcome and, without one, sends the release again and
// waits (its aDom stays paused).

extension SessionSteps {
    /// What a recovery ended with.
    public enum Recovery: Equatable, Sendable {
        /// The session never reached this platform.
        case neverHere
        /// The session was already final here (the destination sent its outcome again).
        case alreadyFinal(SessionJournal.State)
        /// The session is final now, in this state.
        case ended(SessionJournal.State)
        /// The source released and waits for the destination's outcome (the release sent again).
        case waiting
    }

    public static func recover<Party: SessionParty>(_ session: SessionID, message: Envelope?, party: inout Party) throws(LoBotError)
        -> Recovery {
        guard party.hasJournal(session) else {
            party.say("session \(session.hex) never reached this platform: nothing to do")
            return .neverHere
        }
        var journal = try party.journal(of: session)
        if journal.state.isFinal {
            party.say("session \(session.hex) is \(journal.state.name) here")
            // The destination's outcome may have been lost with the crash: it is sent again.
            if journal.role == .destination {
                let launched = journal.state == .launched
                try sendOutcome(launched: launched, reason: launched ? "running on \(party.name)" : "the destination rolled back",
                                journal: journal, party: &party, quietly: false)
            }
            return .alreadyFinal(journal.state)
        }
        switch journal.role {
        case .source:
            guard journal.state == .released else {
                try resume(&journal, party: &party)
                return .ended(journal.state)
            }
            guard let message else {
                try sendRelease(journal, party: &party)
                party.say("released to \(journal.open.destination): waiting for its launched or launch-failed message")
                return .waiting
            }
            if message.type == .launchFailed {
                try SessionStep.check(message, [.launchFailed], journal: journal, party: party)
                try resume(&journal, party: &party)
            } else {
                try SessionStep.check(message, SessionStep.finish.messageTypes, journal: journal, party: party)
                try finish(message, journal: &journal, party: &party)
            }
            return .ended(journal.state)
        case .destination where journal.state == .accepted && !party.holdsLoBotD(session):
            // LoBot_D never arrived: no copy of it and no package here (a receive killed after
            // installing it leaves its files, and takes the path below). The session only ends
            // here, so that a late lobot-package is refused; its vTPM is retired in the version
            // store if this platform has one (a receive may have adopted it before it was killed).
            try destroy(&journal, package: nil, party: &party)
            let sent = try sendOutcome(launched: false, reason: "the destination ended the session before LoBot_D arrived",
                                       journal: journal, party: &party, quietly: true)
            party.say("session \(session.hex): nothing to recover here, LoBot_D never arrived; the session is ended "
                      + "(launch-failed for \(journal.open.source): \(sent))")
            return .ended(journal.state)
        case .destination:
            var release = message
            if release == nil, journal.state == .ready { release = try party.keptRelease(session) }
            if journal.state == .ready, let release {
                try launch(release, journal: &journal, party: &party)
                return .ended(journal.state)
            }
            party.stopDomain(journal, removing: journal.state == .ready)
            try destroy(&journal, package: nil, party: &party)
            try sendOutcome(launched: false, reason: "the destination rolled back", journal: journal, party: &party, quietly: false)
            return .ended(journal.state)
        }
    }
}
