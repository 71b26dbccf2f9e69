// A platform's durable record of one provisioning or migration session: its role, where it has
// got to, and what it must remember between steps (peer keys, nonces, and the aDom's key, bound
// to this platform's TPM). Each step moves it forward with one atomic write, after the step's
// effects, so a step killed at any point is simply run again, and `recover` knows from the
// state alone whether the session rolls back or forward.
//
//   LoBot session journal:  BYTE magic[4] = "LBSJ";  UINT8 version = 1;  UINT8 role;  UINT8 state;
//                           BYTE session[16];  TPM_NONCE nonce;  open message body;
//                           UINT16 peerSigningKey;  UINT16 peerBindKey;  UINT16 boundDomainKey;
//                           UINT16 boundConfirmation;  UINT8 files; PackageFile files[]

public struct SessionJournal: WireStructure, Equatable, Sendable {
    public static var wireName: String { "LoBot session journal" }
    static let magic: [UInt8] = Array("LBSJ".utf8)

    public enum Role: UInt8, Sendable, CaseIterable {
        case source = 1
        case destination = 2
    }

    /// Where a session stands. Before `released` the source owns the aDom and a recovery rolls
    /// back; from `released` on the destination does and a recovery rolls forward.
    public enum State: UInt8, Sendable, CaseIterable {
        // Source.
        case suspending = 1       // saving the aDom and packing the LoBot (step 5-6)
        case lobotSent = 2        // the LoBot package is out; the aDom is suspended here
        case offered = 3          // step 11 done
        case released = 4         // step 13a commit: the aDom is the destination's
        case finished = 5         // the destination runs it; copies here destroyed
        case resumed = 6          // rolled back: the aDom runs here again
        // Destination.
        case accepted = 11        // keys sent (step 4)
        case lobotReceived = 12   // LoBot_D imported, measured and quoted (7-9)
        case ready = 13           // step 12 matched
        case launched = 14        // the aDom runs here
        case destroyed = 15       // rolled back: LoBot_D and the package destroyed

        public var name: String {
            switch self {
            case .suspending: return "suspending"
            case .lobotSent: return "lobot-sent"
            case .offered: return "offered"
            case .released: return "released"
            case .finished: return "finished"
            case .resumed: return "resumed"
            case .accepted: return "accepted"
            case .lobotReceived: return "lobot-received"
            case .ready: return "ready"
            case .launched: return "launched"
            case .destroyed: return "destroyed"
            }
        }

        /// Whether the session is over.
        public var isFinal: Bool { [.finished, .resumed, .launched, .destroyed].contains(self) }
    }

    public var role: Role
    public var state: State
    public var session: SessionID
    public var nonce: TPMNonce
    public var open: OpenBody
    /// The peer platform's signing and bind keys, once known (a source learns them from proceed).
    public var peerSigningKey: PlatformPublicKey?
    public var peerBindKey: PlatformPublicKey?
    public var boundDomainKey: [UInt8]
    public var boundConfirmation: [UInt8]
    public var files: [PackageFile]

    public init(role: Role, state: State, session: SessionID, nonce: TPMNonce, open: OpenBody) {
        self.role = role
        self.state = state
        self.session = session
        self.nonce = nonce
        self.open = open
        peerSigningKey = nil
        peerBindKey = nil
        boundDomainKey = []
        boundConfirmation = []
        files = []
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        try reader.expect(Self.magic, field: "magic")
        try reader.expect([1], field: "version")
        let roleAt = reader.offset
        let rawRole = try reader.readUInt8()
        guard let role = Role(rawValue: rawRole) else {
            throw reader.failure(.unexpectedValue(field: "role", value: UInt64(rawRole)), at: roleAt)
        }
        self.role = role
        let stateAt = reader.offset
        let rawState = try reader.readUInt8()
        guard let state = State(rawValue: rawState) else {
            throw reader.failure(.unexpectedValue(field: "state", value: UInt64(rawState)), at: stateAt)
        }
        self.state = state
        session = try SessionID(parsing: &reader)
        nonce = try TPMNonce(parsing: &reader)
        open = try OpenBody.parse(from: &reader)
        peerSigningKey = try PlatformPublicKey.parseSized(from: &reader, field: "peerSigningKey")
        peerBindKey = try PlatformPublicKey.parseSized(from: &reader, field: "peerBindKey")
        boundDomainKey = try reader.readSized(lengthWidth: 2, maximum: TPMLimits.maxModulusBytes, field: "boundDomainKey")
        boundConfirmation = try reader.readSized(lengthWidth: 2, maximum: TPMLimits.maxModulusBytes, field: "boundConfirmation")
        files = try PackageFile.parseList(from: &reader)
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(Self.magic)
        writer.write(UInt8(1))
        writer.write(role.rawValue)
        writer.write(state.rawValue)
        session.serialize(into: &writer)
        nonce.serialize(into: &writer)
        open.serialize(into: &writer)
        PlatformPublicKey.serializeSized(peerSigningKey, into: &writer)
        PlatformPublicKey.serializeSized(peerBindKey, into: &writer)
        writer.writeSized(boundDomainKey, lengthWidth: 2)
        writer.writeSized(boundConfirmation, lengthWidth: 2)
        PackageFile.serialize(files, into: &writer)
    }
}
