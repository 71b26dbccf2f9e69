// This platform as a party to a provisioning or migration session: its name (from the factory's
// AIK certificate), its TPM-held signing key (every message it sends) and bind key (every secret
// sent to it), and the factory CA it trusts.
import LoBotCore
import LoBotPlatform

struct Participant {
    let directory: PlatformDirectory
    let name: String
    private let connection: PlatformRoot?

    /// Without `connecting`, the platform TPM is not reached (its tcsd may be stopped while a
    /// LoBot VM holds the TPM): only the checks and bookkeeping that need no TPM can be done.
    init(directory: PlatformDirectory, connecting: Bool = true) throws(LoBotError) {
        try self.init(directory: directory, tpm: connecting ? try PlatformAccess.root(directory) : nil)
    }

    init(directory: PlatformDirectory, tpm: PlatformRoot?) throws(LoBotError) {
        self.directory = directory
        connection = tpm
        let certificate = try X509Certificate(der: try directory.read(directory.aikCertificatePath, "AIK certificate (enroll first)"))
        // As at activation: the factory CA signed it, it is valid, and it certifies this platform's AIK.
        try certificate.verify(issuer: try directory.factoryKey(), subjectKey: try directory.aikPublicKey().modulus,
                               what: "AIK \(directory.aikCertificatePath)")
        guard let name = certificate.commonName else { throw .invalidArgument("the AIK certificate names no platform") }
        self.name = name
    }

    var tpm: PlatformRoot {
        get throws(LoBotError) {
            guard let connection else { throw .tpmRule("this step runs without the platform TPM") }
            return connection
        }
    }

    /// Signs a message digest with the TPM signing key.
    func sign(_ digest: [UInt8]) throws(LoBotError) -> [UInt8] {
        try tpm.sign(sha256: digest, platform: directory)
    }

    /// Opens data bound to this platform's bind key.
    func unbind(_ blob: [UInt8]) throws(LoBotError) -> [UInt8] {
        try tpm.unbind(blob, platform: directory)
    }

    func bindPublicKey() throws(LoBotError) -> PlatformPublicKey { try directory.bindPublicKey() }

    func factoryKey() throws(LoBotError) -> RSAPublicKey { try directory.factoryKey() }

    /// A message from this platform.
    func message(_ type: MessageType, journal: SessionJournal, to receiver: String, body: [UInt8],
                 encryptTo key: PlatformPublicKey? = nil) throws(LoBotError) -> Envelope {
        try Envelope.make(type: type, session: journal.session, sender: name, receiver: receiver, nonce: journal.nonce, body: body,
                          encryptTo: key) { (digest) throws(LoBotError) in try sign(digest) }
    }
}

/// One session's directory on this platform: its journal (the journal's bytes, then their
/// HMAC-SHA256 under the session's journal key) and its outbox.
struct SessionFiles {
    let path: String
    let keys: JournalKeys

    init(_ directory: PlatformDirectory, session: SessionID, keys: JournalKeys) {
        path = Files.join(directory.sessionsPath, session.hex)
        self.keys = keys
    }

    var journalPath: String { Files.join(path, "journal") }
    var journalKeyPath: String { Files.join(path, "journal.key") }
    var packagePath: String { Files.join(path, "package") }
    var outbox: String { Files.join(path, "outbox") }

    func create() throws(LoBotError) {
        for directory in [Files.directory(of: path), path, packagePath, outbox] {
            try Files.makeDirectory(directory, permissions: 0o700, existingOK: true)
        }
    }

    var exists: Bool { Files.exists(journalPath) }

    func journal() throws(LoBotError) -> SessionJournal {
        try keys.open(try storedJournal(), keyPath: journalKeyPath, what: "session journal \(journalPath)")
    }

    /// The journal as stored (its bytes, then their MAC), unchecked: for the host of a LoBot VM,
    /// which holds the TPM the MAC's key is bound to and checks it (InVMReceive).
    func storedJournal() throws(LoBotError) -> [UInt8] {
        guard exists else { throw .notFound("session \(Files.baseName(of: path)) on this platform") }
        return try Files.read(journalPath, maximum: 1 << 20)
    }

    /// The journal read without checking its MAC (the same host, before it hands the check to the VM).
    func uncheckedJournal() throws(LoBotError) -> SessionJournal {
        guard let body = JournalKeys.body(of: try storedJournal()) else { throw .authentication(what: "session journal \(journalPath)") }
        return try SessionJournal(bytes: body)
    }

    /// Records the session's new state: the step's commit point.
    func save(_ journal: SessionJournal) throws(LoBotError) {
        try Files.writeAtomically(journalPath, try keys.stored(journal, keyPath: journalKeyPath, creating: true))
    }

    /// Writes a message to the outbox; returns its path.
    func send(_ envelope: Envelope, as name: String) throws(LoBotError) -> String {
        let target = Files.join(outbox, name)
        try Files.writeAtomically(target, envelope.bytes, permissions: 0o644)
        return target
    }
}

enum Messages {
    static func read(_ path: String) throws(LoBotError) -> Envelope {
        try Envelope(bytes: try Files.read(path, maximum: Envelope.maximumBody + 4096))
    }
}

/// Crash injection for the exactly-one tests: `LOBOT_FAILPOINT=name` kills the process with
/// SIGKILL when it reaches the point so named, as an operator's kill -9 or a power cut would.
enum Failpoint {
    static func install() {
        guard Environment.value("LOBOT_FAILPOINT") != nil else { return }
        Failpoints.hook = { name in hit(name) }
    }

    static func hit(_ name: String) {
        guard let wanted = Environment.value("LOBOT_FAILPOINT"), wanted == name else { return }
        Console.error("failpoint \(name): killing myself")
        Console.bestEffort("failpoint \(name)") { () throws(LoBotError) in _ = try Signals.send(.kill, to: Processes.currentID) }
    }
}
