// Every protocol message is a file in this envelope: versioned, typed, bound to a session and its
// nonce, naming sender and receiver, signed by the sender (RSA PKCS#1 v1.5 SHA-256 over every
// byte before the signature), and, when it carries secrets, encrypted to the receiver: the body
// under AES-256-GCM with a fresh key bound to the receiver's TPM bind key (TPM 1.2: TPM_BOUND_DATA,
// RSA-OAEP "TCPA"; TPM 2.0: RSA-OAEP-SHA256 "LOBOT BIND": PlatformPublicKey.bind), so only the
// receiving platform's TPM can open it.
//
//   LoBot message:  BYTE magic[4] = "LBMS";  UINT8 version = 1;  UINT8 type;  BYTE session[16];
//                   UINT8 senderLength; sender;  UINT8 receiverLength; receiver;  BYTE nonce[20];
//                   UINT8 encrypted (0 or 1);
//                   [encrypted: UINT16 wrappedLength; BYTE wrapped[]; BYTE iv[12];]
//                   UINT32 bodyLength; BYTE body[];  [encrypted: BYTE tag[16];]
//                   UINT16 signatureLength; BYTE signature[]
//
// The GCM additional data is every byte before the body length, so the header cannot be moved
// onto another body.

public struct Envelope: WireStructure, Equatable, Sendable {
    public static var wireName: String { "LoBot message" }
    static let magic: [UInt8] = Array("LBMS".utf8)
    public static let maximumBody = 16 << 20

    public var type: MessageType
    public var session: SessionID
    public var sender: String
    public var receiver: String
    public var nonce: TPMNonce
    public var wrappedKey: [UInt8]?
    public var iv: [UInt8]
    public var body: [UInt8]
    public var tag: [UInt8]
    public var signature: [UInt8]

    /// A signed (and, with `encryptTo`, encrypted) message; `sign` turns a SHA-256 digest into a
    /// signature with the sender's key (a TPM signing key, or the factory CA).
    public static func make(
        type: MessageType, session: SessionID, sender: String, receiver: String, nonce: TPMNonce, body: [UInt8],
        encryptTo bindKey: PlatformPublicKey? = nil, sign: ([UInt8]) throws(LoBotError) -> [UInt8]
    ) throws(LoBotError) -> Envelope {
        var envelope = Envelope(type: type, session: session, sender: sender, receiver: receiver, nonce: nonce,
                                wrappedKey: nil, iv: [], body: body, tag: [], signature: [])
        if let bindKey {
            var key = try SecureRandom.bytes(AESGCM.keyLength)
            defer { wipe(&key) }
            envelope.wrappedKey = try bindKey.bind(key)
            envelope.iv = try SecureRandom.bytes(AESGCM.nonceLength)
            let sealed = try AESGCM.seal(body, key: key, nonce: envelope.iv, aad: envelope.header())
            envelope.body = sealed.ciphertext
            envelope.tag = sealed.tag
        }
        envelope.signature = try sign(try Digest.sha256(envelope.signedBytes()))
        return envelope
    }

    /// Checks the sender's signature; nothing is trusted before this.
    public func verify(sender key: RSAPublicKey) throws(LoBotError) {
        guard key.verify(signature: signature, digest: try Digest.sha256(signedBytes()), algorithm: .sha256) else {
            throw .authentication(what: "\(type.name) message from \(sender)")
        }
    }

    /// The body, decrypted with `unbind` (the receiver's TPM opening the wrapped key) when the
    /// message is encrypted. Call after `verify`.
    public func openBody(unbind: ([UInt8]) throws(LoBotError) -> [UInt8]) throws(LoBotError) -> [UInt8] {
        guard let wrappedKey else { return body }
        var key = try unbind(wrappedKey)
        defer { wipe(&key) }
        return try AESGCM.open(AESGCM.Sealed(ciphertext: body, tag: tag), key: key, nonce: iv, aad: header(),
                               what: "\(type.name) message from \(sender)")
    }

    /// Refuses a message that is not `type`, for `session` and `nonce`, from `sender` to `receiver`.
    public func expect(_ type: MessageType, session: SessionID, nonce: TPMNonce, from sender: String, to receiver: String)
        throws(LoBotError)
    {
        guard self.type == type else { throw .invalidArgument("expected a \(type.name) message, got \(self.type.name)") }
        guard self.session == session, self.nonce == nonce else {
            throw .replay("\(type.name) message belongs to another session")
        }
        guard self.sender == sender, self.receiver == receiver else {
            throw .invalidArgument("\(type.name) message is from \(self.sender) to \(self.receiver), expected from \(sender) to \(receiver)")
        }
    }

    /// `expect` for a step that takes any of `types` (domain-ready or domain-refused...).
    public func expect(oneOf types: [MessageType], session: SessionID, nonce: TPMNonce, from sender: String, to receiver: String)
        throws(LoBotError)
    {
        guard let type = types.first(where: { $0 == self.type }) else {
            throw .invalidArgument("expected a \(types[0].name) message, got \(self.type.name)")
        }
        try expect(type, session: session, nonce: nonce, from: sender, to: receiver)
    }

    init(type: MessageType, session: SessionID, sender: String, receiver: String, nonce: TPMNonce, wrappedKey: [UInt8]?,
         iv: [UInt8], body: [UInt8], tag: [UInt8], signature: [UInt8]) {
        self.type = type
        self.session = session
        self.sender = sender
        self.receiver = receiver
        self.nonce = nonce
        self.wrappedKey = wrappedKey
        self.iv = iv
        self.body = body
        self.tag = tag
        self.signature = signature
    }

    /// The bytes the body's GCM tag authenticates as additional data.
    public var headerBytes: [UInt8] { header() }

    func header() -> [UInt8] {
        var writer = ByteWriter()
        writer.write(Self.magic)
        writer.write(UInt8(1))
        writer.write(type.rawValue)
        session.serialize(into: &writer)
        writer.writeString(sender, lengthWidth: 1)
        writer.writeString(receiver, lengthWidth: 1)
        nonce.serialize(into: &writer)
        writer.write(UInt8(wrappedKey == nil ? 0 : 1))
        if let wrappedKey {
            writer.writeSized(wrappedKey, lengthWidth: 2)
            writer.write(iv)
        }
        return writer.bytes
    }

    func signedBytes() -> [UInt8] {
        var writer = ByteWriter()
        writer.write(header())
        writer.writeSized(body, lengthWidth: 4)
        if wrappedKey != nil { writer.write(tag) }
        return writer.bytes
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        try reader.expect(Self.magic, field: "magic")
        try reader.expect([1], field: "version")
        let at = reader.offset
        let rawType = try reader.readUInt8()
        guard let type = MessageType(rawValue: rawType) else {
            throw reader.failure(.unexpectedValue(field: "type", value: UInt64(rawType)), at: at)
        }
        self.type = type
        session = try SessionID(parsing: &reader)
        sender = try reader.readName(field: "sender")
        receiver = try reader.readName(field: "receiver")
        nonce = try TPMNonce(parsing: &reader)
        let flagAt = reader.offset
        let encrypted = try reader.readUInt8()
        guard encrypted <= 1 else { throw reader.failure(.unexpectedValue(field: "encrypted", value: UInt64(encrypted)), at: flagAt) }
        if encrypted == 1 {
            wrappedKey = try reader.readSized(lengthWidth: 2, maximum: TPMLimits.maxModulusBytes, field: "wrappedLength")
            iv = try reader.readBytes(AESGCM.nonceLength)
        } else {
            wrappedKey = nil
            iv = []
        }
        body = try reader.readSized(lengthWidth: 4, maximum: Self.maximumBody, field: "bodyLength")
        tag = encrypted == 1 ? try reader.readBytes(AESGCM.tagLength) : []
        signature = try reader.readSized(lengthWidth: 2, maximum: TPMLimits.maxModulusBytes, field: "signatureLength")
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(signedBytes())
        writer.writeSized(signature, lengthWidth: 2)
    }
}

/// The messages of LSP and LSM. Step numbers are LSM's (DESIGN.md); LSP uses the same messages
/// with the factory as the source.
public enum MessageType: UInt8, Sendable, CaseIterable {
    /// 1-3: the factory opens a session with source and destination.
    case open = 1
    /// 4: the destination's bind and signing keys certified by its AIK with the session nonce.
    case destinationKeys = 2
    /// 4: the factory has checked them and tells the source to proceed.
    case proceed = 3
    /// 5-6: the LoBot (vTPM state, MSK rewrapped to the destination), encrypted to it.
    case lobotPackage = 4
    /// 7-9: LoBot_D's boot evidence: platform quote for the factory, vTPM quote for LoBot_S.
    case lobotReport = 5
    /// 10: trusted (10a) or not (10b).
    case verdict = 6
    /// 11: the aDom's expected measurement sealed to LoBot_D's PCRs 0-6, with the aDom package.
    case domainOffer = 7
    /// 12: LoBot_D unsealed and the package matches.
    case domainReady = 8
    /// 12-13b: the package does not match; the destination destroyed its copies.
    case domainRefused = 9
    /// 13a: the source gives the aDom up: the key that opens the package, encrypted to the destination.
    case release = 10
    /// 13a: the aDom runs on the destination.
    case launched = 11
    /// 13b: the launch failed; the destination destroyed its copies.
    case launchFailed = 12

    public var name: String {
        switch self {
        case .open: return "open"
        case .destinationKeys: return "destination-keys"
        case .proceed: return "proceed"
        case .lobotPackage: return "lobot-package"
        case .lobotReport: return "lobot-report"
        case .verdict: return "verdict"
        case .domainOffer: return "domain-offer"
        case .domainReady: return "domain-ready"
        case .domainRefused: return "domain-refused"
        case .release: return "release"
        case .launched: return "launched"
        case .launchFailed: return "launch-failed"
        }
    }
}
