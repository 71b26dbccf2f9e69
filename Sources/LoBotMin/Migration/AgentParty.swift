// The agent's SessionParty: the effects SessionSteps decides on, performed on this platform's
// TPM (a TPM 1.2 through TrouSerS or a TPM 2.0: PlatformRoot), its files (the session's journal and outbox, the domain's directory,
// the version store) and qemu. Nothing here decides whether a message is taken or what a step
// commits; it does what it is told and reports what it found.
import LoBotCore
import LoBotPlatform

struct AgentParty: SessionParty {
    let step: MigrationStep
    /// The LoBot's MSK between step 5's checks and its clone at step 6 (the source).
    private var masterKey: MasterKey?

    init(_ step: MigrationStep) { self.step = step }

    /// LoBot_D's vTPM session while step 12 holds it open.
    final class LoBotD {
        var session: VTPMSession<StoredVersionCounter>?
        init(_ session: consuming VTPMSession<StoredVersionCounter>) { self.session = consume session }
    }

    var name: String { step.participant.name }
    func factoryKey() throws(LoBotError) -> RSAPublicKey { try step.participant.factoryKey() }

    func hasJournal(_ session: SessionID) -> Bool { step.files(session).exists }
    func journal(of session: SessionID) throws(LoBotError) -> SessionJournal { try step.files(session).journal() }

    func commit(_ journal: SessionJournal) throws(LoBotError) {
        let files = step.files(journal.session)
        if !files.exists { try files.create() }
        try files.save(journal)
    }

    func message(_ type: MessageType, journal: SessionJournal, to receiver: String, body: [UInt8], encryptTo key: PlatformPublicKey?)
        throws(LoBotError) -> Envelope {
        try step.participant.message(type, journal: journal, to: receiver, body: body, encryptTo: key)
    }

    @discardableResult
    func deliver(_ message: Envelope, journal: SessionJournal, as file: String, quietly: Bool) throws(LoBotError) -> String {
        try step.deliver(message, journal: journal, as: file, quietly: quietly)
    }

    func unbind(_ blob: [UInt8]) throws(LoBotError) -> [UInt8] { try step.participant.unbind(blob) }
    func bindToSelf(_ secret: [UInt8]) throws(LoBotError) -> [UInt8] { try step.bindToSelf(secret) }
    func crashPoint(_ name: String) { Failpoint.hit(name) }
    func say(_ line: String) { Console.out(line) }

    func packagePath(_ session: SessionID) -> String { step.files(session).packagePath }

    func measure(_ name: String, at path: String) throws(LoBotError) -> PackageFile? {
        guard Files.exists(path) else { return nil }
        return try DomainFiles.measure(name, path)
    }

    func phase(_ phase: String?, total: UInt64) {
        if let phase { StepProgress.phase(phase, total: total) } else { StepProgress.endPhase() }
    }

    // Destination.

    func domainExists(_ name: String) -> Bool { DomainDirectory(step.directory, name: name).exists }

    func domainIsRunning(_ journal: SessionJournal) -> Bool { runtime(journal).isRunning }

    func certifiedKeys(nonce: TPMNonce) throws(LoBotError) -> DestinationKeysBody {
        try step.tpm.certifiedKeys(platform: step.directory, nonce: nonce)
    }

    func receiveLoBot(_ package: Envelope, journal: SessionJournal) throws(LoBotError) -> BootResult {
        let received = try ReceivedLoBot(step, message: package, journal: journal)
        // LoBot_D's vTPM: MSK stays bound to this TPM; its version joins this platform's store.
        // The platform counter the store is anchored to must read, and the adoption move it,
        // before LoBot_D is written anywhere.
        let lobot = staged(journal.session)
        _ = try TPMCounter(tpm: try step.tpm, directory: step.directory).read()
        let store = VersionStore(directory: step.directory, tpm: try step.tpm)
        try store.createIfMissing()
        _ = try store.adopt(id: received.vtpm.id)
        try Files.makeDirectory(lobot.path, permissions: 0o700, existingOK: true)
        var session = try VTPMSession.create(directory: lobot, msk: received.key,
                                             counter: StoredVersionCounter(store: store, id: received.vtpm.id), vtpm: received.vtpm)
        try Files.writeAtomically(lobot.boundKeyPath, received.boundMasterKey, permissions: 0o600)
        Failpoint.hit("receive.imported")

        // Steps 8-9.
        let events = try BootMeasurements.hostEvents(agent: try agentDigest())
        let before = try LoBotAttestation.measure(vtpm: session.vtpm, tpm: try step.tpm, events: events)
        let platformQuote = try LoBotAttestation.platformQuote(tpm: try step.tpm, platform: step.directory, nonce: journal.open.quoteNonce)
        let vtpmQuote = try session.vtpm.quote(selection: try PCRSelection(Array(0...8)), nonce: journal.open.vtpmNonce)
        try session.commit()
        return BootResult(succeeded: true, message: "LoBot_D measured and quoted on \(name) (host process)",
                          platformQuote: platformQuote, vtpmQuote: vtpmQuote, platformPCR6Before: before, vtpmLog: session.vtpm.log)
    }

    func openLoBotD(_ journal: SessionJournal) throws(LoBotError) -> LoBotD {
        LoBotD(try staged(journal.session).openOnPlatform(step.directory, tpm: step.tpm))
    }

    func unseal(_ sealed: SealedBlob, with lobot: inout LoBotD) throws(LoBotError) -> [UInt8] {
        guard let session = lobot.session.take() else { throw .tpmRule("LoBot_D is closed") }
        do throws(LoBotError) {
            let plain = try session.vtpm.unseal(sealed)
            lobot.session = consume session
            return plain
        } catch {
            lobot.session = consume session
            throw error
        }
    }

    func takeIn(_ files: [PackageFile], from package: String, into lobot: consuming LoBotD, journal: SessionJournal) throws(LoBotError) {
        guard var session = lobot.session.take() else { throw .tpmRule("LoBot_D is closed") }
        let packagePath = packagePath(journal.session)
        var kept = KeptFiles(files: [])
        for file in files where DomainFiles.isSealed(file.name) {
            _ = try session.vtpm.measure(pcr: BootMeasurements.domainPCR, sha256: file.sha256, name: "adom-" + file.name)
            let path = Files.join(packagePath, file.name)
            try Files.rename(Files.join(package, file.name), to: path)
            if let identity = Files.identity(path) { kept.files.append((file.name, identity)) }
        }
        try Files.writeAtomically(keptFilesPath(journal.session), kept.bytes, permissions: 0o600)
        try session.commit()
    }

    func keptFiles(_ journal: SessionJournal) -> [String] {
        guard let bytes = try? Files.read(keptFilesPath(journal.session), maximum: KeptFiles.maximumSize),
            let kept = try? KeptFiles(bytes: bytes)
        else { return [] }
        let package = packagePath(journal.session)
        return kept.files.filter { Files.identity(Files.join(package, $0.name)) == $0.identity }.map { $0.name }
    }

    /// What step 12 saw of the sealed files it took in (KeptFiles), in the session's directory.
    func keptFilesPath(_ session: SessionID) -> String { Files.join(step.files(session).path, "package.kept") }

    func checkStagedLoBotD(_ journal: SessionJournal) throws(LoBotError) {
        let lobot = staged(journal.session)
        if lobot.holdsState { _ = try lobot.openOnPlatform(step.directory, tpm: step.tpm) }
    }

    func holdsLoBotD(_ session: SessionID) -> Bool {
        let lobot = staged(session)
        return lobot.holdsState || Files.exists(lobot.boundKeyPath)
    }

    func destroyLoBotD(_ journal: SessionJournal, package: String?) throws(LoBotError) {
        // A platform without a version store never adopted LoBot_D: there is nothing to retire.
        let store = VersionStore(directory: step.directory, tpm: try step.tpm)
        if store.exists { try store.retire(id: journal.open.vtpmID.bytes) }
        let lobot = staged(journal.session)
        for path in lobot.platformBoundFiles { try Files.remove(path) }
        let packagePath = packagePath(journal.session)
        var names = [DomainFiles.memory, DomainFiles.disk]
        for file in journal.files { names.append(file.name) }
        for name in names where DomainFiles.isSealed(name) {
            try Files.remove(Files.join(packagePath, name))
            if let package { try Files.remove(Files.join(package, name)) }
        }
        try Files.remove(keptFilesPath(journal.session))
    }

    func keepRelease(_ release: Envelope, journal: SessionJournal) throws(LoBotError) {
        try Files.writeAtomically(keptReleasePath(journal.session), release.bytes, permissions: 0o600)
    }

    func keptRelease(_ session: SessionID) throws(LoBotError) -> Envelope? {
        let path = keptReleasePath(session)
        return Files.exists(path) ? try Messages.read(path) : nil
    }

    func launchDomain(_ journal: SessionJournal, key: [UInt8]) throws(LoBotError) {
        let runtime = runtime(journal)
        if runtime.isRunning, try runtime.status() == "running" { return }
        runtime.stop(destroying: true)
        let domain = domain(journal)
        try domain.create(journal.open.domain)
        let lobot = staged(journal.session)
        for (from, to) in [(lobot.boundKeyPath, domain.lobot.boundKeyPath), (lobot.statePath, domain.lobot.statePath)] where Files.exists(from) {
            try Files.rename(from, to: to)
        }
        let package = packagePath(journal.session)
        let memory = Files.join(package, DomainFiles.memory)
        // The guest's TPM server starts while the disk is opened: it reads neither.
        let server = Files.exists(memory) ? try runtime.tpmServer.spawn() : nil
        if journal.open.domain.disk == .local {
            let disk = Files.join(package, DomainFiles.disk)
            do throws(LoBotError) {
                StepProgress.phase("opening the aDom's disk", total: try size(disk))
                try StreamFiles.openToFile(inputPath: disk, outputPath: domain.diskPath, key: key, name: DomainFiles.disk, what: "aDom disk")
            } catch {
                if let server { runtime.tpmServer.abandon(server) }
                throw error
            }
            StepProgress.endPhase()
        }
        if let server {
            StepProgress.phase("starting the aDom's TPM server and qemu", total: 0)
            var pipe = try runtime.startIncoming(server: server)
            StepProgress.endPhase()
            StepProgress.phase("restoring the aDom's memory state", total: try size(memory))
            try runtime.restore(from: memory, key: key, through: &pipe)
            StepProgress.endPhase()
        } else {
            try runtime.start()
        }
    }

    func removePackage(_ journal: SessionJournal) throws(LoBotError) {
        let package = packagePath(journal.session)
        for file in journal.files where DomainFiles.isSealed(file.name) { try Files.remove(Files.join(package, file.name)) }
        try Files.remove(keptFilesPath(journal.session))
    }

    // Source.

    mutating func prepareToSend(_ open: OpenBody, rewrapTo bindKey: PlatformPublicKey) throws(LoBotError) -> SendPreparation {
        let domain = DomainDirectory(step.directory, name: open.domain.name)
        guard domain.exists, try domain.config() == open.domain else { throw .notFound("domain \(open.domain.name) as the factory describes it") }
        guard DomainRuntime(directory: domain, config: open.domain).isRunning else {
            throw .invalidArgument("domain \(open.domain.name) is not running here")
        }
        let vtpmID = try AnchoredFile<StoredVersionCounter>.peekIdentity(paths: domain.lobot.anchoredPaths)
        guard vtpmID == open.vtpmID.bytes else { throw .invalidArgument("the domain's LoBot is not the one the factory names") }
        // The LoBot must open here (its state authenticates and is current, its MSK unbinds)
        // before anything is done: a damaged one is refused with the aDom still running. It is
        // let go at once: while qemu saves the aDom, the guest's TPM server checkpoints the
        // guest's TPM into it.
        let msk = try domain.lobot.masterKey(step.directory, tpm: step.tpm)
        _ = try domain.lobot.open(step.directory, tpm: step.tpm, msk: msk)
        guard TPMServerProcess(directory: domain).isRunning else {
            throw .invalidArgument("the TPM server of domain \(open.domain.name) is not running here (see lobot domain status)")
        }
        masterKey = msk
        return SendPreparation(rewrappedMasterKey: try bindKey.bind(msk.bytes),
                               bootFiles: [try DomainFiles.measureLocal("kernel", open.domain.kernel),
                                           try DomainFiles.measureLocal("initrd", open.domain.initrd)])
    }

    func saveMemory(_ journal: SessionJournal, key: [UInt8]) throws(LoBotError) -> PackageFile {
        try Files.makeDirectory(step.out, permissions: 0o755, existingOK: true)
        Console.out("pausing \(journal.open.domain.name) and saving its memory state")
        StepProgress.phase("sealing \(journal.open.domain.name)'s memory state", total: 0)
        let file = try runtime(journal).save(to: Files.join(step.out, DomainFiles.memory), key: key)
        StepProgress.endPhase()
        return file
    }

    func sealDisk(_ journal: SessionJournal, key: [UInt8]) throws(LoBotError) -> PackageFile {
        let disk = domain(journal).diskPath
        StepProgress.phase("sealing \(journal.open.domain.name)'s disk", total: try size(disk))
        let file = try StreamFiles.seal(inputPath: disk, outputPath: Files.join(step.out, DomainFiles.disk), key: key, name: DomainFiles.disk)
        StepProgress.endPhase()
        return file
    }

    mutating func lobotState(_ journal: SessionJournal) throws(LoBotError) -> [UInt8] {
        guard let msk = masterKey else { throw .tpmRule("the LoBot's MSK was not unbound for this send") }
        masterKey = nil
        // The LoBot as it is now, with the checkpoint of its guest's TPM the save made.
        let lobot = domain(journal).lobot
        let session = try lobot.open(step.directory, tpm: step.tpm, msk: msk)
        guard session.vtpm.guestTPM != nil else { throw .invalidArgument("the LoBot holds no checkpoint of its guest's TPM after the save") }
        return try Files.read(lobot.statePath, maximum: StateFile.maximumSize)
    }

    func lobotKeys(_ journal: SessionJournal) throws(LoBotError) -> (identity: RSAPublicKey, storage: RSAPublicKey) {
        let session = try domain(journal).lobot.openOnPlatform(step.directory, tpm: step.tpm)
        return (try session.vtpm.publicKey(.identity).rsaPublicKey(), try session.vtpm.publicKey(.storage).rsaPublicKey())
    }

    func resumeDomain(_ journal: SessionJournal) throws(LoBotError) {
        let runtime = runtime(journal)
        if runtime.isRunning, try runtime.status() != "running" { try runtime.resume() }
    }

    func retireLoBot(_ journal: SessionJournal) throws(LoBotError) {
        try VersionStore(directory: step.directory, tpm: step.tpm).retire(id: journal.open.vtpmID.bytes)
    }

    func stopDomain(_ journal: SessionJournal, removing: Bool) {
        runtime(journal).stop(destroying: true)
        let domain = domain(journal)
        if removing { domain.destroy() }
    }

    // Where things are.

    private func domain(_ journal: SessionJournal) -> DomainDirectory { step.domain(journal) }
    private func runtime(_ journal: SessionJournal) -> DomainRuntime { DomainRuntime(directory: domain(journal), config: journal.open.domain) }
    private func staged(_ session: SessionID) -> VTPMDirectory { VTPMDirectory(Files.join(step.files(session).path, "lobot")) }
    private func keptReleasePath(_ session: SessionID) -> String { Files.join(step.files(session).path, "release.msg") }
    private func size(_ path: String) throws(LoBotError) -> UInt64 { UInt64(try FileDescriptor(opening: path, .readOnly).size()) }
}
