// LSM step 7 inside the LoBot VM, for `lobot migrate receive --image` (MigrateReceiveInVM): with
// the platform TPM (a TPM 1.2 through the in-VM tcsd, a TPM 2.0 through /dev/tpmrm0) and the platform's files from the bundle, the agent
// checks the session journal's MAC and the lobot-package message against it, unbinds K1 and MSK,
// adopts the vTPM into its copy of the platform's version store, measures itself as the image's
// golden values predict (the same PCR 0-2 events as a LoBot boot), binds vTPM and platform
// PCR 6, quotes both and signs the report with the platform's signing key. It hands back
// LoBot_D's state sealed under MSK at the version the store now gives it, the bound MSK, the
// store (VersionStoreHandover: the change is not counted here, the host's next open counts it)
// the report, and the journal in its next state with its MAC. No secret leaves the VM in clear: the state is under MSK, MSK bound to the TPM.
import LoBotCore
import LoBotPlatform

enum InVMReceive {
    static let journalEntry = "session/journal"
    static let journalKeyEntry = "session/journal.key"
    static let messageEntry = "session/lobot-package.msg"
    /// What the VM hands back, by name in its BootOutput.
    static let reportEntry = "report.msg"
    static let stateEntry = "vtpm.state"
    static let boundKeyEntry = "msk.bound"
    static let storeEntry = "versions"
    static let storeChangeEntry = "versions.new"
    static let nextJournalEntry = "journal"

    static func isAsked(_ bundle: BootBundle) -> Bool { bundle.contains(journalEntry) }

    static func run(_ bundle: BootBundle, family: TPMFamily) throws(LoBotError) -> BootOutput {
        let (tcsd, tpm, events) = try BootSequence.startPlatform(bundle, family: family)
        defer { BootSequence.stop(tcsd, after: tpm) }
        let step = MigrationStep(participant: try Participant(directory: BootSequence.platformDirectory, tpm: tpm), out: "")
        let journalKeyPath = Files.join(BootSequence.platformDirectory.path, "journal.key")
        try Files.writeAtomically(journalKeyPath, try bundle.file(journalKeyEntry), permissions: 0o600)
        let journal = try step.journalKeys.open(try bundle.file(journalEntry), keyPath: journalKeyPath, what: "the session journal")
        let message = try Envelope(bytes: try bundle.file(messageEntry))
        guard journal.role == .destination, journal.state == .accepted, journal.open.destination == step.participant.name else {
            throw .invalidArgument("the session journal is not this platform's, waiting for a LoBot")
        }
        try step.check(message, [.lobotPackage], journal: journal)
        let received = try ReceivedLoBot(step, message: message, journal: journal)
        BootTrace.step("package opened")
        let store = try VersionStore(directory: step.directory, tpm: try step.tpm).prepareAdoption(id: received.vtpm.id)
        BootTrace.step("version store")

        // Steps 8-9, as a LoBot boot measures.
        let vtpm = received.vtpm
        let before = try LoBotAttestation.measure(vtpm: vtpm, tpm: try step.tpm, events: events)
        let platformQuote = try LoBotAttestation.platformQuote(tpm: try step.tpm, platform: step.directory,
                                                               nonce: journal.open.quoteNonce)
        let vtpmQuote = try vtpm.quote(selection: try PCRSelection(Array(0...8)), nonce: journal.open.vtpmNonce)
        BootTrace.step("quotes")
        var plain = vtpm.state.bytes
        defer { wipe(&plain) }
        let state = try StateFile.seal(plain, kind: .vtpmState, id: vtpm.id, version: store.version, key: received.key)
        let result = BootResult(
            succeeded: true, message: "LoBot_D measured and quoted on \(step.participant.name) (LoBot VM)", platformQuote: platformQuote,
            vtpmQuote: vtpmQuote, platformPCR6Before: before, vtpmLog: vtpm.log, firmwareLog: BootSequence.firmwareLog(),
            imaLog: BootSequence.imaLog())
        let report = try step.participant.message(.lobotReport, journal: journal, to: factoryParty, body: result.bytes)
        BootTrace.step("report signed")
        var next = journal
        next.state = .lobotReceived
        let nextJournal = try step.journalKeys.stored(next, keyPath: journalKeyPath, creating: false)
        return BootOutput(result: result, files: BootBundle(entries: [
            (reportEntry, report.bytes), (stateEntry, state.bytes), (boundKeyEntry, received.boundMasterKey),
            (storeEntry, store.committed), (storeChangeEntry, store.pending), (nextJournalEntry, nextJournal),
        ]))
    }
}
