// What the agent's LSP/LSM steps (SessionSteps) need from the platform they run on, as one small
// interface: its name and the factory key it trusts, its session journals, its TPM's bind and
// unbind, the messages it signs and delivers, and the effects on its domains, vTPMs and qemu. The
// steps decide; a party performs. The agent implements it on the real TPM, files and qemu
// (LoBotMin/Migration/AgentParty.swift); the unit tests implement it in memory and record what
// each step did, in order, so that every rule runs in microseconds.

public protocol SessionParty {
    /// LoBot_D opened in a session for step 12: unseals, then takes the aDom package in (a
    /// reference in the agent, whose vTPM session is not copyable).
    associatedtype LoBotD

    /// This platform's name in sessions (its AIK certificate's common name).
    var name: String { get }
    func factoryKey() throws(LoBotError) -> RSAPublicKey

    // The session's journal and messages.
    func hasJournal(_ session: SessionID) -> Bool
    /// This platform's journal of `session`, authenticated.
    func journal(of session: SessionID) throws(LoBotError) -> SessionJournal
    /// Records `journal`: a step's commit point (the first one records the session here).
    mutating func commit(_ journal: SessionJournal) throws(LoBotError)
    /// A message of this session from this platform, signed by its TPM signing key.
    func message(_ type: MessageType, journal: SessionJournal, to receiver: String, body: [UInt8],
                 encryptTo key: PlatformPublicKey?) throws(LoBotError) -> Envelope
    /// Writes an answer to the session's outbox and to where the operator asked; returns where.
    @discardableResult
    mutating func deliver(_ message: Envelope, journal: SessionJournal, as file: String, quietly: Bool) throws(LoBotError) -> String
    /// Data bound to this platform's bind key, opened by its TPM.
    func unbind(_ blob: [UInt8]) throws(LoBotError) -> [UInt8]
    /// `secret` bound to this platform's own bind key, to be kept in the journal.
    func bindToSelf(_ secret: [UInt8]) throws(LoBotError) -> [UInt8]
    /// A point where the exactly-one tests may kill the process (LOBOT_FAILPOINT).
    func crashPoint(_ name: String)
    /// One line for the operator.
    func say(_ line: String)

    // Files of the aDom package.
    /// Where the session keeps the aDom package it took in (step 12).
    func packagePath(_ session: SessionID) -> String
    /// The measurement of the file at `path` under `name`, nil if there is none.
    func measure(_ name: String, at path: String) throws(LoBotError) -> PackageFile?
    /// Progress over `total` bytes of work named `phase` (ended by nil).
    func phase(_ phase: String?, total: UInt64)

    // Destination.
    func domainExists(_ name: String) -> Bool
    /// Whether the session's domain has a qemu here (running or paused).
    func domainIsRunning(_ journal: SessionJournal) -> Bool
    /// Steps 2-4: this platform's bind and signing keys certified by its AIK over `nonce`.
    func certifiedKeys(nonce: TPMNonce) throws(LoBotError) -> DestinationKeysBody
    /// Steps 7-9: LoBot_D taken from the package, adopted by this platform's version store,
    /// measured and quoted; the report for the factory.
    mutating func receiveLoBot(_ package: Envelope, journal: SessionJournal) throws(LoBotError) -> BootResult
    /// Step 12: LoBot_D as staged in the session.
    mutating func openLoBotD(_ journal: SessionJournal) throws(LoBotError) -> LoBotD
    func unseal(_ sealed: SealedBlob, with lobot: inout LoBotD) throws(LoBotError) -> [UInt8]
    /// Step 12: the package's sealed files measured into LoBot_D's domain PCR and moved into the
    /// session, with the identity of each as moved kept (KeptFiles).
    mutating func takeIn(_ files: [PackageFile], from package: String, into lobot: consuming LoBotD, journal: SessionJournal)
        throws(LoBotError)
    /// Step 13: the names of the session package's sealed files that are still, by their identity
    /// on this platform, the ones `takeIn` moved into the session (none when unknown).
    func keptFiles(_ journal: SessionJournal) -> [String]
    /// Step 13: LoBot_D as staged opens on this platform (its state authenticates and is current).
    func checkStagedLoBotD(_ journal: SessionJournal) throws(LoBotError)
    /// Whether any of LoBot_D is staged in the session (its state, a pending state, its bound MSK).
    func holdsLoBotD(_ session: SessionID) -> Bool
    /// LoBot_D's vTPM retired here and its copies and the aDom package's files removed (from
    /// `package` too, if given).
    mutating func destroyLoBotD(_ journal: SessionJournal, package: String?) throws(LoBotError)
    /// The release kept in the session, so that a recovery after a crash in the launch rolls forward.
    mutating func keepRelease(_ release: Envelope, journal: SessionJournal) throws(LoBotError)
    func keptRelease(_ session: SessionID) throws(LoBotError) -> Envelope?
    /// Step 13a: LoBot_D made the domain's LoBot and the aDom started with `key` (restored from
    /// its memory state, or booted), unless it already runs here.
    mutating func launchDomain(_ journal: SessionJournal, key: [UInt8]) throws(LoBotError)
    /// The package's sealed files removed once the aDom runs.
    mutating func removePackage(_ journal: SessionJournal) throws(LoBotError)

    // Source.
    /// Step 5's checks on the domain the factory names (it runs here, as described, with its
    /// LoBot and its TPM server) and MSK rewrapped to `bindKey`; the kernel and initrd measured.
    mutating func prepareToSend(_ open: OpenBody, rewrapTo bindKey: PlatformPublicKey) throws(LoBotError) -> SendPreparation
    /// Step 5: the aDom paused and its memory state saved, sealed under `key`.
    mutating func saveMemory(_ journal: SessionJournal, key: [UInt8]) throws(LoBotError) -> PackageFile
    /// Step 5: the aDom's disk sealed under `key`.
    mutating func sealDisk(_ journal: SessionJournal, key: [UInt8]) throws(LoBotError) -> PackageFile
    /// Step 6: the LoBot's state as it is after the save (with its guest TPM's checkpoint).
    mutating func lobotState(_ journal: SessionJournal) throws(LoBotError) -> [UInt8]
    /// Step 11: the public identity (AIK) and storage keys of the LoBot's vTPM, which LoBot_D shares.
    func lobotKeys(_ journal: SessionJournal) throws(LoBotError) -> (identity: RSAPublicKey, storage: RSAPublicKey)
    /// The aDom runs here again (10b, 13b, recovery before the release).
    mutating func resumeDomain(_ journal: SessionJournal) throws(LoBotError)
    /// After 13a: the LoBot's vTPM retired here, so that no copy of its state opens here again.
    mutating func retireLoBot(_ journal: SessionJournal) throws(LoBotError)
    /// qemu stopped; with `removing`, the domain's files here removed too.
    mutating func stopDomain(_ journal: SessionJournal, removing: Bool)
}

/// What step 5 learns before it pauses anything.
public struct SendPreparation: Sendable {
    /// MSK bound to the destination's certified bind key.
    public var rewrappedMasterKey: [UInt8]
    /// The kernel and initrd, measured where the domain keeps them.
    public var bootFiles: [PackageFile]

    public init(rewrappedMasterKey: [UInt8], bootFiles: [PackageFile]) {
        self.rewrappedMasterKey = rewrappedMasterKey
        self.bootFiles = bootFiles
    }
}
