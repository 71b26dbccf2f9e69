// `lobot migrate receive --image-dir DIR` (destination, steps 7-9 with LoBot_D as the baked LoBot VM):
// the platform's half. It checks the lobot-package message, then boots the image with the
// platform TPM and hands it the message, the session journal, the platform's key blobs and its
// version store; inside, the agent (InVMReceive) does what host-mode receive does and hands
// back LoBot_D's vTPM state, its bound MSK, the version store change and the signed report.
// This process needs no TPM (the VM has it): it checks what came back -- the report signed by
// this platform's signing key for this session and carrying the VM's result, the state the
// session's vTPM, the store change the next version of this platform's store -- and installs it
// in the order that keeps a crash harmless: LoBot_D into the session directory, the store change
// as a pending commit (VersionStoreHandover), then the journal, the step's commit point. The
// store stays locked from the copy the VM gets to the install. The journal's MAC is checked and
// made in the VM, which has the TPM its key is bound to; this process checks the rest. A VM that fails, or a process
// killed before the journal moves, leaves the session accepted: receive again, or recover.
import LoBotCore
import LoBotPlatform

enum MigrateReceiveInVM {
    /// The platform's files the VM needs: key blobs, AIK certificate (its name), factory CA,
    /// counter and the version store's bound key; then the store itself, and its pending commit
    /// if it has one.
    static let platformFiles = ["aik.blob", "aik.cert", "bind.blob", "signing.blob", "ca.cert", "versions.key"]
    static let storeFiles = ["versions", "versions.new"]

    static func run(_ arguments: ParsedArguments, message: Envelope, launcher: VMLauncher) throws(AgentError) {
        var launcher = launcher
        let step = try MigrationStep(arguments, connecting: false)
        let family = launcher.tpmFamily
        let systemData = try VMOptions.systemDataEntry(arguments, family: family)
        try core { () throws(LoBotError) in
            var journal = try step.uncheckedJournal(for: message, step: .receive)
            try step.check(message, SessionStep.receive.messageTypes, journal: journal)
            let lock = try VersionStore.lock(step.directory)
            let store = storeFiles.filter { Files.exists(Files.join(step.directory.path, $0)) }
            guard !store.isEmpty else {
                throw .notFound("version store in \(step.directory.path) (the LoBot VM adopts LoBot_D into an existing one: lobot platform counter --create makes it once the bind key exists, and so does a receive without --image-dir)")
            }
            var entries: [(name: String, data: [UInt8])] = []
            // A TPM 1.2's counter id and secret; a TPM 2.0's counter is its NV index.
            for name in platformFiles + (family == .tpm12 ? ["counter"] : []) + store {
                entries.append(("platform/" + name, try step.directory.read(Files.join(step.directory.path, name), "platform file")))
            }
            entries += systemData
            let files = step.files(journal.session)
            entries.append((InVMReceive.journalEntry, try files.storedJournal()))
            entries.append((InVMReceive.journalKeyEntry, try Files.read(files.journalKeyPath, maximum: 4096)))
            entries.append((InVMReceive.messageEntry, message.bytes))

            let started = monotonicMilliseconds()
            let output = try launcher.run(bundle: BootBundle(entries: entries), domains: [])
            let elapsed = monotonicMilliseconds() - started
            guard output.result.succeeded else {
                throw .refused("the LoBot VM failed: \(output.result.message); nothing changed here (receive again, or recover)")
            }
            let returned = output.files
            let report = try Envelope(bytes: try returned.file(InVMReceive.reportEntry))
            try report.verify(sender: try step.directory.signingPublicKey().rsaPublicKey())
            try report.expect(.lobotReport, session: journal.session, nonce: journal.nonce, from: step.participant.name, to: factoryParty)
            guard report.body == output.result.bytes else { throw .invalidArgument("the LoBot VM's report does not carry its result") }
            let stateBytes = try returned.file(InVMReceive.stateEntry)
            let state = try StateFile(bytes: stateBytes)
            guard state.kind == .vtpmState, state.id == journal.open.vtpmID.bytes else {
                throw .invalidArgument("the LoBot VM returned the state of another vTPM than the session's")
            }

            // The journal the VM checked (its MAC, with the TPM) and moved on, which must be this
            // one in its next state.
            journal.state = .lobotReceived
            let nextJournal = try returned.file(InVMReceive.nextJournalEntry)
            guard JournalKeys.body(of: nextJournal) == journal.bytes else {
                throw .invalidArgument("the LoBot VM returned another session journal than this one, received")
            }
            let lobot = VTPMDirectory(Files.join(files.path, "lobot"))
            try Files.makeDirectory(lobot.path, permissions: 0o700, existingOK: true)
            try Files.remove(lobot.pendingPath)
            try Files.writeAtomically(lobot.boundKeyPath, try returned.file(InVMReceive.boundKeyEntry), permissions: 0o600)
            try Files.writeAtomically(lobot.statePath, stateBytes)
            try VersionStore.installPrepared(committed: try returned.file(InVMReceive.storeEntry),
                                             pending: try returned.file(InVMReceive.storeChangeEntry), directory: step.directory)
            _ = consume lock
            Failpoint.hit("receive.installed")
            try Files.writeAtomically(files.journalPath, nextJournal)
            Console.out("LoBot_D measured and quoted as the LoBot VM (\(launcher.usedAccelerator), \(elapsed) ms)")
            try step.deliver(report, journal: journal, as: "07-lobot-report.msg")
        }
    }
}
