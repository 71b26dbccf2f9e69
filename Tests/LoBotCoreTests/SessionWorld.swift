// Two platforms and a factory in memory, for SessionStepsTests: each platform a SessionParty whose
// TPM keys are software RSA keys, whose LoBot is the core's software vTPM, whose disk is a table
// of measured files, and which records every effect a step asks of it, in order. The crypto is
// real (signatures, OAEP, sealing to PCRs, the vTPM's quotes); only TrouSerS, the files and qemu
// are not there. A test carries messages and files between the platforms as a courier would.
import LoBotCore

/// One platform: its keys, journals, domain, LoBot and files, and what was done to it.
final class MemoryParty: SessionParty {
    final class LoBotD {
        let vtpm: VTPM
        init(_ vtpm: VTPM) { self.vtpm = vtpm }
    }

    let name: String
    let factory: RSAPublicKey
    let signing: RSAPrivateKey
    let bind: RSAPrivateKey
    var journals: [[UInt8]: SessionJournal] = [:]
    /// Every effect, commit and delivery, in order (`commit STATE`, `deliver FILE`, an effect's name).
    var record: [String] = []
    var delivered: [String: Envelope] = [:]
    /// The files of this platform: path -> measurement.
    var files: [String: PackageFile] = [:]
    /// The files step 12 took in, as it took them (a file's identity: any change to it is a new one).
    var kept: [String: PackageFile] = [:]
    /// Every path measured, in order.
    var measured: [String] = []
    /// The domains this platform holds, and whether each has a qemu (and is running, not paused).
    var domains: [String: (qemu: Bool, running: Bool)] = [:]
    /// The source's LoBot of its domain; the destination's LoBot_D as staged in the session.
    var lobot: VTPM?
    var staged: VTPM?
    var keptRelease: Envelope?
    /// Effects that fail when asked (e.g. "launchDomain"), as qemu or a disk would.
    var failing: Set<String> = []
    var retired: [[UInt8]] = []
    var masterKeyOut = false

    init(name: String, factory: RSAPublicKey, signing: RSAPrivateKey, bind: RSAPrivateKey) {
        self.name = name
        self.factory = factory
        self.signing = signing
        self.bind = bind
    }

    var signingKey: PlatformPublicKey {
        get throws(LoBotError) { .tpm12(PubKey.rsa(try signing.publicKey(), encScheme: .none, sigScheme: .rsaPKCS1v15SHA1)) }
    }
    var bindKey: PlatformPublicKey {
        get throws(LoBotError) { .tpm12(PubKey.rsa(try bind.publicKey(), encScheme: .rsaOAEPSHA1, sigScheme: .none)) }
    }

    func effect(_ name: String) throws(LoBotError) {
        record.append(name)
        if failing.contains(name) { throw .refused("\(name) failed") }
    }

    func factoryKey() throws(LoBotError) -> RSAPublicKey { factory }
    func hasJournal(_ session: SessionID) -> Bool { journals[session.bytes] != nil }
    func journal(of session: SessionID) throws(LoBotError) -> SessionJournal {
        guard let journal = journals[session.bytes] else { throw .notFound("session \(session.hex) on this platform") }
        return journal
    }
    func commit(_ journal: SessionJournal) throws(LoBotError) {
        journals[journal.session.bytes] = journal
        record.append("commit \(journal.state.name)")
    }
    func message(_ type: MessageType, journal: SessionJournal, to receiver: String, body: [UInt8], encryptTo key: PlatformPublicKey?)
        throws(LoBotError) -> Envelope {
        try Envelope.make(type: type, session: journal.session, sender: name, receiver: receiver, nonce: journal.nonce, body: body,
                          encryptTo: key) { (digest) throws(LoBotError) in try signing.sign(digest: digest, algorithm: .sha256) }
    }
    func deliver(_ message: Envelope, journal: SessionJournal, as file: String, quietly: Bool) throws(LoBotError) -> String {
        record.append("deliver \(file)")
        delivered[file] = message
        return "out/" + file
    }
    func unbind(_ blob: [UInt8]) throws(LoBotError) -> [UInt8] { try BoundData.unbind(blob, with: bind) }
    func bindToSelf(_ secret: [UInt8]) throws(LoBotError) -> [UInt8] { try BoundData.bind(secret, to: try bind.publicKey()) }
    func crashPoint(_ name: String) {}
    func say(_ line: String) {}

    func packagePath(_ session: SessionID) -> String { "sessions/\(session.hex)/package" }
    func measure(_ name: String, at path: String) throws(LoBotError) -> PackageFile? {
        measured.append(path)
        guard let file = files[path] else { return nil }
        return PackageFile(name: name, size: file.size, sha256: file.sha256)
    }
    func phase(_ phase: String?, total: UInt64) {}

    // Destination.
    func domainExists(_ name: String) -> Bool { domains[name] != nil }
    func domainIsRunning(_ journal: SessionJournal) -> Bool { domains[journal.open.domain.name]?.qemu == true }
    func certifiedKeys(nonce: TPMNonce) throws(LoBotError) -> DestinationKeysBody {
        try effect("certifiedKeys")
        // The factory's check of the AIK's certification is not the agent's: plain keys stand in.
        guard case .tpm12(let bind) = try bindKey, case .tpm12(let signing) = try signingKey else { throw .invalidArgument("TPM 1.2 keys") }
        return DestinationKeysBody(keys: .tpm12(bind: CertifiedKey(key: bind, info: [], signature: []),
                                                signing: CertifiedKey(key: signing, info: [], signature: [])), aikCertificate: [])
    }

    func receiveLoBot(_ package: Envelope, journal: SessionJournal) throws(LoBotError) -> BootResult {
        try effect("receiveLoBot")
        let body = try LoBotPackageBody(bytes: try package.openBody { (wrapped) throws(LoBotError) in try unbind(wrapped) })
        let vtpm = VTPM(state: try VTPMState(bytes: body.state))
        guard vtpm.id == journal.open.vtpmID.bytes else { throw .invalidArgument("the LoBot package holds another vTPM than the session's") }
        for pcr in 0...5 { _ = try vtpm.measure(pcr: pcr, sha256: try Digest.sha256(Array("LoBot_D \(pcr)".utf8)), name: "lobot-d") }
        staged = vtpm
        let quote = try vtpm.quote(selection: try PCRSelection(Array(0...8)), nonce: journal.open.vtpmNonce)
        // The platform's quote is the factory's to check, not the agent's: the vTPM's stands in.
        return BootResult(succeeded: true, message: "LoBot_D in memory", platformQuote: .tpm12(quote), vtpmQuote: quote)
    }
    func openLoBotD(_ journal: SessionJournal) throws(LoBotError) -> LoBotD {
        try effect("openLoBotD")
        guard let staged else { throw .notFound("LoBot_D in session \(journal.session.hex)") }
        return LoBotD(staged)
    }
    func unseal(_ sealed: SealedBlob, with lobot: inout LoBotD) throws(LoBotError) -> [UInt8] {
        try effect("unseal")
        return try lobot.vtpm.unseal(sealed)
    }
    func takeIn(_ files: [PackageFile], from package: String, into lobot: consuming LoBotD, journal: SessionJournal) throws(LoBotError) {
        try effect("takeIn")
        for file in files where DomainFiles.isSealed(file.name) {
            _ = try lobot.vtpm.measure(pcr: BootMeasurements.domainPCR, sha256: file.sha256, name: "adom-" + file.name)
            let path = packagePath(journal.session) + "/" + file.name
            self.files[path] = self.files.removeValue(forKey: package + "/" + file.name)
            kept[path] = self.files[path]
        }
    }
    func keptFiles(_ journal: SessionJournal) -> [String] {
        let prefix = packagePath(journal.session) + "/"
        return kept.keys.filter { $0.hasPrefix(prefix) && kept[$0] == files[$0] }.map { String($0.dropFirst(prefix.count)) }
    }
    func checkStagedLoBotD(_ journal: SessionJournal) throws(LoBotError) { try effect("checkStagedLoBotD") }
    func holdsLoBotD(_ session: SessionID) -> Bool { staged != nil }
    func destroyLoBotD(_ journal: SessionJournal, package: String?) throws(LoBotError) {
        try effect("destroyLoBotD")
        retired.append(journal.open.vtpmID.bytes)
        staged = nil
        for path in files.keys where path.hasPrefix(packagePath(journal.session) + "/") || (package.map { path.hasPrefix($0 + "/") } ?? false) {
            files[path] = nil
        }
    }
    func keepRelease(_ release: Envelope, journal: SessionJournal) throws(LoBotError) {
        try effect("keepRelease")
        keptRelease = release
    }
    func keptRelease(_ session: SessionID) throws(LoBotError) -> Envelope? { keptRelease }
    func launchDomain(_ journal: SessionJournal, key: [UInt8]) throws(LoBotError) {
        try effect("launchDomain")
        domains[journal.open.domain.name] = (qemu: true, running: true)
        lobot = staged
        staged = nil
    }
    func removePackage(_ journal: SessionJournal) throws(LoBotError) {
        try effect("removePackage")
        for path in files.keys where path.hasPrefix(packagePath(journal.session) + "/") { files[path] = nil }
    }

    // Source.
    func prepareToSend(_ open: OpenBody, rewrapTo bindKey: PlatformPublicKey) throws(LoBotError) -> SendPreparation {
        try effect("prepareToSend")
        guard domains[open.domain.name]?.qemu == true else { throw .invalidArgument("domain \(open.domain.name) is not running here") }
        guard let lobot, lobot.id == open.vtpmID.bytes else { throw .invalidArgument("the domain's LoBot is not the one the factory names") }
        guard let kernel = files[open.domain.kernel], let initrd = files[open.domain.initrd] else { throw .notFound("the domain's kernel") }
        masterKeyOut = true
        return SendPreparation(rewrappedMasterKey: try bindKey.bind(Array(repeating: 0x3d, count: 32)),
                               bootFiles: [PackageFile(name: "kernel", size: kernel.size, sha256: kernel.sha256),
                                           PackageFile(name: "initrd", size: initrd.size, sha256: initrd.sha256)])
    }
    func saveMemory(_ journal: SessionJournal, key: [UInt8]) throws(LoBotError) -> PackageFile {
        try effect("saveMemory")
        domains[journal.open.domain.name]?.running = false
        let file = PackageFile(name: DomainFiles.memory, size: 4096, sha256: try Digest.sha256(key + Array("memory".utf8)))
        files["out/" + DomainFiles.memory] = file
        return file
    }
    func sealDisk(_ journal: SessionJournal, key: [UInt8]) throws(LoBotError) -> PackageFile {
        try effect("sealDisk")
        let file = PackageFile(name: DomainFiles.disk, size: 8192, sha256: try Digest.sha256(key + Array("disk".utf8)))
        files["out/" + DomainFiles.disk] = file
        return file
    }
    func lobotState(_ journal: SessionJournal) throws(LoBotError) -> [UInt8] {
        try effect("lobotState")
        guard masterKeyOut, let lobot else { throw .tpmRule("the LoBot's MSK was not unbound for this send") }
        masterKeyOut = false
        return lobot.state.bytes
    }
    func lobotKeys(_ journal: SessionJournal) throws(LoBotError) -> (identity: RSAPublicKey, storage: RSAPublicKey) {
        try effect("lobotKeys")
        guard let lobot else { throw .notFound("the domain's LoBot") }
        return (try lobot.publicKey(.identity).rsaPublicKey(), try lobot.publicKey(.storage).rsaPublicKey())
    }
    func resumeDomain(_ journal: SessionJournal) throws(LoBotError) {
        try effect("resumeDomain")
        if domains[journal.open.domain.name]?.qemu == true { domains[journal.open.domain.name]?.running = true }
    }
    func retireLoBot(_ journal: SessionJournal) throws(LoBotError) {
        try effect("retireLoBot")
        retired.append(journal.open.vtpmID.bytes)
        lobot = nil
    }
    func stopDomain(_ journal: SessionJournal, removing: Bool) {
        record.append(removing ? "stopDomain removing" : "stopDomain")
        if removing { domains[journal.open.domain.name] = nil } else { domains[journal.open.domain.name]?.qemu = false }
    }

    /// Whether the aDom runs here (qemu up and not paused).
    func runs(_ domain: String) -> Bool { domains[domain].map { $0.qemu && $0.running } ?? false }
}

/// The factory of a session in memory: it signs its open, proceed and verdict with its CA key.
struct MemoryFactory {
    let key: RSAPrivateKey
    let session = SessionID(unchecked: [UInt8](repeating: 0x5e, count: 16))
    let nonce = TPMNonce(unchecked: [UInt8](repeating: 0x4f, count: 20))

    init() { key = SessionKeys.shared[0] }

    func message(_ type: MessageType, to receiver: String, body: [UInt8], session: SessionID? = nil, nonce: TPMNonce? = nil,
                 signer: RSAPrivateKey? = nil, sender: String = SessionStep.factory) throws -> Envelope {
        try Envelope.make(type: type, session: session ?? self.session, sender: sender, receiver: receiver, nonce: nonce ?? self.nonce,
                          body: body) { (digest) throws(LoBotError) in try (signer ?? key).sign(digest: digest, algorithm: .sha256) }
    }
}

/// A migration of domain "adom" from SP to DP, in memory, driven step by step.
final class MemoryMigration {
    let factory: MemoryFactory
    let source: MemoryParty
    let destination: MemoryParty
    let config = DomainConfig(name: "adom", memoryMiB: 128, kernel: "/boot/vmlinuz", initrd: "/boot/initrd.img", commandLine: "console=ttyS0",
                              disk: .local)
    let open: OpenBody
    let incoming = "incoming"

    init() throws {
        factory = MemoryFactory()
        let keys = SessionKeys.shared
        source = MemoryParty(name: "SP", factory: try factory.key.publicKey(), signing: keys[1], bind: keys[2])
        destination = MemoryParty(name: "DP", factory: try factory.key.publicKey(), signing: keys[3], bind: keys[4])
        let lobot = VTPM(state: try VTPMState(bytes: SessionKeys.lobot.state.bytes))
        source.lobot = lobot
        source.domains["adom"] = (qemu: true, running: true)
        for party in [source, destination] {
            party.files[config.kernel] = PackageFile(name: "kernel", size: 100, sha256: try Digest.sha256(Array("kernel".utf8)))
            party.files[config.initrd] = PackageFile(name: "initrd", size: 200, sha256: try Digest.sha256(Array("initrd".utf8)))
        }
        open = OpenBody(kind: .migrate, domain: config, lobot: "lobot-adom", vtpmID: VTPMID(unchecked: lobot.id), source: "SP",
                        destination: "DP", quoteNonce: TPMNonce(unchecked: [UInt8](repeating: 1, count: 20)),
                        vtpmNonce: TPMNonce(unchecked: [UInt8](repeating: 2, count: 20)), sourceSigningKey: try source.signingKey)
    }

    var openMessage: Envelope { get throws { try factory.message(.open, to: "DP", body: open.bytes) } }
    var proceedMessage: Envelope {
        get throws {
            try factory.message(.proceed, to: "SP", body: ProceedBody(open: open, bindKey: try destination.bindKey,
                                                                     signingKey: try destination.signingKey).bytes)
        }
    }

    /// The factory's verdict on LoBot_D's report, for `receiver`.
    func verdict(trusted: Bool, to receiver: String) throws -> Envelope {
        let report = try BootResult(bytes: try destination.delivered["07-lobot-report.msg"].unwrap("a lobot report").body)
        return try factory.message(.verdict, to: receiver,
                                   body: VerdictBody(trusted: trusted, reason: trusted ? "golden" : "PCR 4 is not golden",
                                                     vtpmQuote: trusted ? report.vtpmQuote : nil).bytes)
    }

    /// The sealed aDom files carried from the source's --out to the destination's --package.
    func carryPackage() {
        for name in [DomainFiles.memory, DomainFiles.disk] {
            destination.files[incoming + "/" + name] = source.files["out/" + name]
        }
    }

    // Each step as the operator runs it, with the message the courier carried.
    func accept() throws { var party = destination; try SessionSteps.accept(try openMessage, party: &party) }
    func send() throws { var party = source; try SessionSteps.send(try proceedMessage, party: &party) }
    func receive() throws {
        var party = destination
        try SessionSteps.receive(try source.delivered["05-lobot-package.msg"].unwrap("a package"), party: &party)
    }
    func offer() throws { var party = source; try SessionSteps.offer(try verdict(trusted: true, to: "SP"), party: &party) }
    func check() throws {
        carryPackage()
        var party = destination
        try SessionSteps.check(try source.delivered["11-domain-offer.msg"].unwrap("an offer"), package: incoming, party: &party)
    }
    func release() throws {
        var party = source
        try SessionSteps.release(try destination.delivered["12-domain-ready.msg"].unwrap("domain-ready"), party: &party)
    }
    func launch() throws { var party = destination; try SessionSteps.launch(try source.delivered["13-release.msg"].unwrap("a release"), party: &party) }
    func finish() throws { var party = source; try SessionSteps.finish(try destination.delivered["13-launched.msg"].unwrap("launched"), party: &party) }

    /// Runs the steps up to and including `last`.
    func run(through last: String) throws {
        for (name, step) in steps {
            try step()
            if name == last { return }
        }
    }

    /// The steps in protocol order.
    var steps: [(String, () throws -> Void)] {
        [("accept", accept), ("send", send), ("receive", receive), ("offer", offer), ("check", check), ("release", release),
         ("launch", launch), ("finish", finish)]
    }
}

/// RSA keys made once for every world: a 2048-bit key takes tens of milliseconds to generate, a
/// world needs five and a vTPM four more.
enum SessionKeys {
    /// The factory's, then SP's signing and bind keys, DP's, and a stranger's.
    nonisolated(unsafe) static let shared: [RSAPrivateKey] = (0..<6).map { _ in try! RSAPrivateKey.generate(bits: 2048) }
    nonisolated(unsafe) static let lobot: VTPM = try! VTPM.create()
}

struct Missing: Error { let what: String }

extension Optional {
    func unwrap(_ what: String) throws -> Wrapped {
        guard let self else { throw Missing(what: what) }
        return self
    }
}
